"""The supervisor core both pods share (standard library only): events, readiness, suites, evidence.

The events are the pod protocol (`checks/sandbox/protocol.py` is the host's typed side).

The local backend's `pod_driver.py` and the Docker backend's
`docker_pod_runner.py` run as plain scripts inside their pods, where the
decaycheck package is not importable; this file is shipped beside them and
imported by file name.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
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


def run_suite(spec: dict, suite: str, timeout: float) -> None:
    """One suite against the app: `suite_done` with its result, or `suite_error` with why not."""
    target = Path(spec["out_dir"]) / ("suite-" + re.sub(r"[^A-Za-z0-9_.-]", "_", suite) + ".json")  # ids hold / and :
    argv = spec["suite_argv"] + [
        "--base-url",
        f"http://127.0.0.1:{spec['port']}",
        "--api-prefix",
        spec["api_prefix"],
        "--suite",
        suite,
        "--json",
        str(target),
    ]
    plan = (spec.get("suite_plans") or {}).get(suite)  # a repository's own suite: its plan on stdin
    if plan is not None:
        argv += ["--plan", "-"]
    try:
        res = subprocess.run(
            argv,
            env=spec.get("suite_env"),
            cwd=spec["suite_cwd"],
            input=plan,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        emit("suite_error", suite=suite, message=f"suite did not finish within {spec['suite_s']:g} s")
        return
    if target.exists():
        emit("suite_done", suite=suite, result=json.loads(target.read_text()))
    else:
        message = f"suite runner exited {res.returncode}: " + (res.stderr or res.stdout)[-2000:]
        emit("suite_error", suite=suite, message=message)


def supervise(spec: dict, tables: Callable[[], dict[str, int]] | None, started_at: float) -> None:
    """The supervisor core both pods share: health, every suite, the evidence, then `done`.

    `tables` counts the rows of the app's database (None where the host does it).
    """
    t0 = time.monotonic()
    status, reason = wait_healthy(
        f"http://127.0.0.1:{spec['port']}{spec['health_path']}", spec["start_s"], strict=spec.get("ready") == "health"
    )
    emit("startup", status=status, reason=reason, seconds=round(time.monotonic() - t0, 4))
    timings: dict[str, float] = {}
    if status == "ok":
        t1 = time.monotonic()
        deadline = t1 + spec["suite_s"]
        for suite in spec["suites"]:
            run_suite(spec, suite, max(1.0, deadline - time.monotonic()))
        timings["suite"] = round(time.monotonic() - t1, 4)
    evidence: dict = {"tables": {}, "sqlite_files": [], "collected": True, "note": ""}
    try:
        evidence["sqlite_files"] = sqlite_files(Path(spec["workspace"]), started_at, set(spec["frozen_dirs"]))
        if tables is not None:
            evidence["tables"] = tables()
    except Exception as exc:  # evidence is best effort; its absence is reported, not fatal
        evidence.update(collected=False, note=f"could not inspect the database: {exc}")
    emit("evidence", **evidence)
    emit("done", timings=timings)
