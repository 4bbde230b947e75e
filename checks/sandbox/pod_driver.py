"""The pod's own supervisor: runs inside the sandbox, with the standard library only.

Started as `python pod_driver.py SPEC.json` inside the network namespace, it
brings up the ephemeral database, starts the app, waits for health (stopping
at once if the app exits), runs each suite, takes the runtime evidence, and
stops everything. It reports JSON lines on stdout (`{"event": ...}`); the last
one is the result. Keeping this inside the pod means nothing the app or the
suite runner does ever needs a route out of it.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same file, as the package sees it
    from checks.sandbox.pod_shared import emit, sqlite_files, sqlite_tables, wait_healthy
else:  # run as a script in the pod, beside its copy of pod_shared.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pod_shared import emit, sqlite_files, sqlite_tables, wait_healthy


class LogPump(threading.Thread):
    """Copies the app's output to a file up to a byte cap and keeps the last lines in memory."""

    def __init__(self, stream, path: Path, cap: int) -> None:
        super().__init__(daemon=True)
        self.stream, self.path, self.cap = stream, path, cap
        self.tail: collections.deque[bytes] = collections.deque(maxlen=400)
        self.written = self.dropped = 0

    def run(self) -> None:
        with self.path.open("wb") as out:
            for line in iter(self.stream.readline, b""):
                self.tail.append(line[:4000])
                room = self.cap - self.written
                if room > 0:
                    chunk = line[:room]
                    out.write(chunk)
                    out.flush()
                    self.written += len(chunk)
                self.dropped += max(0, len(line) - max(room, 0))

    def whole(self) -> str:
        """Everything kept in the capped file, with a note when the cap cut it short."""
        try:
            data = self.path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return self.text()
        return data + (f"\n[{self.dropped} bytes over the log cap not kept]" if self.dropped else "")

    def text(self, limit: int = 16000) -> str:
        data = b"".join(self.tail)[-limit:].decode("utf-8", "replace")
        return (f"[{self.dropped} bytes over the log cap not kept]\n" if self.dropped else "") + data


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


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    out = Path(spec["out_dir"])
    workspace = Path(spec["workspace"])
    started_at = time.time() - 1
    pg = app = pump = None
    result: dict = {"startup": "start_failed", "timings": {}, "suites": [], "suite_errors": {}}
    try:
        if spec["database"] == "postgresql":
            pg, seconds = start_postgres(spec, out)
            result["timings"]["db"] = round(seconds, 4)
            emit("db_ready", seconds=round(seconds, 4))
        else:
            Path(spec["sqlite_path"]).parent.mkdir(parents=True, exist_ok=True)
            result["timings"]["db"] = 0.0

        t0 = time.monotonic()
        app = subprocess.Popen(
            ["/bin/sh", "-c", spec["start"]],
            cwd=workspace,
            env=spec["app_env"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        pump = LogPump(app.stdout, out / "server.log", spec["log_bytes"])
        pump.start()
        emit("app_started")
        status, reason = wait_healthy(
            f"http://127.0.0.1:{spec['port']}{spec['health_path']}",
            spec["start_s"],
            exited=app.poll,
            strict=spec.get("ready") == "health",
        )
        result["timings"]["start"] = round(time.monotonic() - t0, 4)
        result["startup"], result["reason"] = status, reason
        emit("startup", status=status, reason=reason, seconds=result["timings"]["start"])

        if status == "ok":
            t1 = time.monotonic()
            deadline = t1 + spec["suite_s"]
            plans = spec.get("suite_plans") or {}
            for index, suite in enumerate(spec["suites"]):
                target = out / f"suite-{index}.json"
                argv = (
                    spec["suite_argv"]
                    + (["--plan", "-"] if suite in plans else [])
                    + [
                        "--base-url",
                        f"http://127.0.0.1:{spec['port']}",
                        "--api-prefix",
                        spec["api_prefix"],
                        "--suite",
                        suite,
                        "--json",
                        str(target),
                    ]
                )
                try:
                    res = subprocess.run(
                        argv,
                        env=spec["suite_env"],
                        cwd=spec["suite_cwd"],
                        input=plans.get(suite),
                        capture_output=True,
                        text=True,
                        timeout=max(1.0, deadline - time.monotonic()),
                    )
                    if target.exists():
                        result["suites"].append(json.loads(target.read_text()))
                    else:
                        result["suite_errors"][suite] = (
                            f"suite runner exited {res.returncode}: " + (res.stderr or res.stdout)[-2000:]
                        )
                except subprocess.TimeoutExpired:
                    result["suite_errors"][suite] = f"suite did not finish within {spec['suite_s']:g} s"
                emit("suite_done", suite=suite, ok=suite not in result["suite_errors"])
            result["timings"]["suite"] = round(time.monotonic() - t1, 4)
        if app.poll() is not None:
            result["app_exit_code"] = app.returncode

        evidence: dict = {"database": spec["database"], "tables": {}, "sqlite_files": [], "collected": True}
        try:
            evidence["tables"] = (
                postgres_tables(spec) if spec["database"] == "postgresql" else sqlite_tables(spec["sqlite_path"])
            )
            evidence["sqlite_files"] = sqlite_files(workspace, started_at, set(spec["frozen_dirs"]))
        except Exception as exc:  # evidence is best effort; its absence is reported, not fatal
            evidence.update(collected=False, note=f"could not inspect the database: {exc}")
        result["evidence"] = evidence
    except Exception as exc:
        emit("error", message=str(exc)[-3000:])
        return 3
    finally:
        stop(app)
        if pump is not None:
            pump.join(timeout=2)
            result["server_log_tail"] = pump.text()
            result["server_log"] = pump.whole()
        stop(pg, signal.SIGQUIT)
    emit("result", **result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
