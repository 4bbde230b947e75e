"""The pod's own supervisor: runs inside the sandbox, with the standard library only.

Started as `python pod_driver.py SPEC.json` inside the network namespace, it
brings up the ephemeral database (`db_ready`: the host then starts the app in
the same network namespace but in a sandbox of its own, with its own PID and
user namespaces, that cannot see this process), waits for health, runs each
suite, takes the runtime evidence, and stops the database. It reports JSON
lines on stdout (`{"event": ...}`); the last one is the result. The host
watches the app itself, as the Docker backend does. The driver makes itself
non-dumpable, so nothing of the same uid can open its `/proc/N/fd` or attach
to it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same file, as the package sees it
    from checks.sandbox.pod_shared import emit, sqlite_tables, supervise
else:  # run as a script in the pod, beside its copy of pod_shared.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pod_shared import emit, sqlite_tables, supervise


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, grace: float = 1.5) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def start_postgres(spec: dict, out: Path) -> tuple[subprocess.Popen, float]:
    t0 = time.monotonic()
    pgdata, sock = Path(spec["pgdata"]), Path(spec["pg_socket_dir"])
    sock.mkdir(parents=True, exist_ok=True)
    args = [str(Path(spec["pg_bindir"]) / "postgres"), "-D", str(pgdata), "-k", str(sock)]
    for key, value in spec["pg_settings"].items():
        args += ["-c", f"{key}={value}"]
    log = (out / "postgres.log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    pidfile = pgdata / "postmaster.pid"
    deadline = t0 + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("PostgreSQL exited at start: " + (out / "postgres.log").read_text()[-2000:])
        try:
            lines = pidfile.read_text().splitlines()
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return proc, time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.005)
    stop(proc, signal.SIGKILL)
    raise RuntimeError("PostgreSQL was not ready within 20 s")


def postgres_tables(spec: dict) -> dict[str, int]:
    psql = str(Path(spec["pg_bindir"]) / "psql")
    res = subprocess.run(
        [
            psql,
            "-X",
            "-At",
            "-F",
            "|",
            "-h",
            spec["pg_socket_dir"],
            "-U",
            "postgres",
            "-d",
            spec["pg_database"],
            "-c",
            spec["tables_sql"],
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip()[-500:])
    return {name: int(count) for name, count in (line.rsplit("|", 1) for line in res.stdout.splitlines() if line)}


def not_dumpable() -> None:
    """PR_SET_DUMPABLE 0: no ptrace, no /proc/N/fd or /proc/N/mem for processes without capabilities over us."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main(spec_path: str) -> int:
    not_dumpable()
    spec = json.loads(Path(spec_path).read_text())
    started_at = time.time() - 1
    pg = None
    try:
        if spec["database"] == "postgresql":
            pg, seconds = start_postgres(spec, Path(spec["out_dir"]))
            emit("db_ready", seconds=round(seconds, 4))
            tables = lambda: postgres_tables(spec)  # noqa: E731
        else:
            emit("db_ready", seconds=0.0)
            tables = lambda: sqlite_tables(spec["sqlite_path"])  # noqa: E731
        supervise(spec, tables, started_at)
    except Exception as exc:
        emit("error", message=str(exc)[-3000:])
        return 3
    finally:
        stop(pg, signal.SIGQUIT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
