"""The suite runner's supervisor inside a Docker pod (standard library only).

Runs in the runner container, which shares the app container's network
namespace: waits for the app's health check on 127.0.0.1, runs each suite
with `python -m conduit_suite`, then takes the SQLite side of the runtime
evidence from the read-only workspace and database mounts. It reports JSON
lines on stdout (`{"event": ...}`); the backend watches the app container
itself, so an app that exits is noticed there, not here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same file, as the package sees it
    from checks.sandbox.pod_shared import sqlite_tables, supervise
else:  # run as a script in the pod, beside its copy of pod_shared.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pod_shared import sqlite_tables, supervise


def wait_for_database_host(host: str = "postgres", budget: float = 60) -> None:
    """The backend names `postgres` in the pod's shared /etc/hosts when the database is ready;
    the app starts then, and so does the health budget."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if any(host in line.split()[1:] for line in Path("/etc/hosts").read_text().splitlines()):
            return
        time.sleep(0.02)


def main(spec: dict) -> int:
    wait_for_database_host()
    tables = (lambda: sqlite_tables(spec["sqlite_path"], immutable=True)) if spec["database"] == "sqlite" else None
    supervise(spec, tables, spec["started_at"])  # PostgreSQL's tables are counted by the backend
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
