"""What both pod supervisors share (standard library only): JSON events, readiness, the SQLite evidence.

The local backend's `pod_driver.py` and the Docker backend's
`docker_pod_runner.py` run as plain scripts inside their pods, where the
decaycheck package is not importable; this file is shipped beside them and
imported by file name.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"


def emit(event: str, **data: object) -> None:
    """One JSON line on stdout; the backend reads these as the pod's progress and result."""
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


def wait_healthy(
    url: str, budget: float, exited: Callable[[], int | None] | None = None, *, strict: bool = False
) -> tuple[str, str]:
    """Poll with backoff until a 2xx, the app exits (start_failed) or the budget is spent (health_timeout).

    A 404 or 405 means the server answers HTTP but has no such route: unless
    `strict`, that first answer is readiness (said in the reason) instead of a
    wait until the budget is spent. `exited` returns the app's exit code once it
    has exited; without it (the Docker backend watches the app container itself)
    only the budget ends the wait.
    """
    deadline, delay, last = time.monotonic() + budget, 0.02, "no answer yet"
    path = urllib.parse.urlsplit(url).path
    while True:
        code = exited() if exited is not None else None
        if code is not None:
            return "start_failed", f"the server process exited with code {code} before it was healthy"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if 200 <= resp.status < 300:
                    return "ok", ""
                last = f"health check answered {resp.status}"
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 405) and not strict:
                return "ok", f"{path} answered {exc.code}: no health route, the server's first HTTP answer is readiness"
            last = f"health check answered {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last = f"health check failed: {getattr(exc, 'reason', exc)}"
        if time.monotonic() >= deadline:
            return "health_timeout", f"not healthy within {budget:g} s ({last})"
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.5)


def sqlite_tables(path: str, *, immutable: bool = False) -> dict[str, int]:
    """Table name -> row count of a SQLite database, opened read-only (`immutable` for read-only mounts)."""
    if not Path(path).exists():
        return {}
    con = sqlite3.connect(f"file:{path}?mode=ro{'&immutable=1' if immutable else ''}", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def sqlite_files(root: Path, since: float, skip: set[str]) -> list[str]:
    """SQLite files written under `root` since `since`, relative to it, leaving out the `skip` folders."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if str(Path(dirpath, d).relative_to(root)) not in skip]
        for name in filenames:
            p = Path(dirpath, name)
            try:
                if p.stat().st_mtime >= since and p.is_file():
                    with p.open("rb") as f:
                        if f.read(16) == SQLITE_MAGIC:
                            found.append(str(p.relative_to(root)))
            except OSError:
                continue
    return sorted(found)
