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
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same file, as the package sees it
    from checks.sandbox.pod_shared import emit, sqlite_files, sqlite_tables, wait_healthy
else:  # run as a script in the pod, beside its copy of pod_shared.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pod_shared import emit, sqlite_files, sqlite_tables, wait_healthy


def wait_for_database_host(host: str = "postgres", budget: float = 60) -> None:
    """The backend names `postgres` in the pod's shared /etc/hosts when the database is ready;
    the app starts then, and so does the health budget."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if any(host in line.split()[1:] for line in Path("/etc/hosts").read_text().splitlines()):
            return
        time.sleep(0.02)


def main(spec: dict) -> int:
    port = spec["port"]
    wait_for_database_host()
    status, reason = wait_healthy(
        f"http://127.0.0.1:{port}{spec['health_path']}", spec["start_s"], strict=spec.get("ready") == "health"
    )
    emit("startup", status=status, reason=reason)
    if status != "ok":
        return 0
    deadline = time.monotonic() + spec["suite_s"]
    plans = spec.get("suite_plans") or {}
    for index, suite in enumerate(spec["suites"]):
        target = Path("/tmp") / f"suite-{index}.json"
        plan_args = ["--plan", "-"] if suite in plans else []
        argv = [
            sys.executable,
            "-m",
            "conduit_suite",
            "--base-url",
            f"http://127.0.0.1:{port}",
            "--api-prefix",
            spec["api_prefix"],
            "--suite",
            suite,
            "--json",
            str(target),
            *plan_args,
        ]
        try:
            res = subprocess.run(
                argv,
                input=plans.get(suite),
                capture_output=True,
                text=True,
                timeout=max(1.0, deadline - time.monotonic()),
            )
            if target.exists():
                emit("suite_done", suite=suite, result=json.loads(target.read_text()))
            else:
                emit(
                    "suite_error",
                    suite=suite,
                    message=f"suite runner exited {res.returncode}: " + (res.stderr or res.stdout)[-2000:],
                )
        except subprocess.TimeoutExpired:
            emit("suite_error", suite=suite, message=f"suite did not finish within {spec['suite_s']:g} s")
    evidence: dict = {"sqlite_files": [], "tables": {}}
    try:
        evidence["sqlite_files"] = sqlite_files(Path(spec["workspace"]), spec["started_at"], set(spec["frozen_dirs"]))
        if spec["database"] == "sqlite":
            evidence["tables"] = sqlite_tables(spec["sqlite_path"], immutable=True)
    except Exception as exc:  # evidence is best effort; its absence is reported
        evidence["note"] = f"could not inspect the SQLite files: {exc}"
    emit("evidence", **evidence)
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
