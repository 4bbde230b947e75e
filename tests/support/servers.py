"""Start a reference app from its folder on the host, for tests and benchmarks.

An app folder in, a base URL out: `running_app(folder)` installs the app's
`requirements.txt` into a venv cached by the file's content (so variants of
one app, which differ only in code, share one install), runs its `run.sh` on a
free 127.0.0.1 port with a fresh SQLite database (or a given DATABASE_URL),
waits for the health check and yields the server root. Whatever happens, the
server's whole process group is gone when the block ends.

    with running_app(APPS / "flask") as base_url:
        httpx.get(f"{base_url}/api/tags")
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

from tests.support.services import PG_HOST, PG_PORT, PG_USER

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("DECAYCHECK_TEST_CACHE", REPO / ".decaycheck-cache"))
VENVS = CACHE / "venvs"
_INSTALL_FLAVOUR = b"uv-compiled-1"  # bump when the way venvs are built changes


class AppStartError(RuntimeError):
    """The app could not be installed, exited early or never became healthy."""


def free_port() -> int:
    """A port nobody listens on right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_for(requirements: Path) -> Path:
    """A venv holding `requirements`, built once per distinct file content and Python version.

    Built beside its final place and renamed into it, under a lock, so that
    concurrent test processes never see a half-installed venv.
    """
    digest = hashlib.sha256(requirements.read_bytes() + sys.version.encode() + _INSTALL_FLAVOUR).hexdigest()[:16]
    target = VENVS / digest
    if (target / "bin" / "python").exists():
        return target
    VENVS.mkdir(parents=True, exist_ok=True)
    with open(VENVS / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "bin" / "python").exists():
            return target
        staging = Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=VENVS))
        try:
            _run(["uv", "venv", "-q", "--relocatable", "--python", sys.executable, str(staging)], "uv venv")
            # Bytecode compiled once here, not on every start (the environment may forbid writing it).
            _run(
                [
                    "uv",
                    "pip",
                    "install",
                    "-q",
                    "--compile-bytecode",
                    "--python",
                    str(staging / "bin" / "python"),
                    "-r",
                    str(requirements),
                ],
                "uv pip install",
            )
            staging.rename(target)  # relocatable: its scripts find their interpreter relatively
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AppStartError(f"{what} failed ({proc.returncode}): {proc.stderr[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # children that outlived the leader
            return


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    """Poll `url` until it answers 200; fail at once when the server process exits."""
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    with httpx.Client(timeout=2.0) as client:
        while True:
            if proc.poll() is not None:
                raise AppStartError(f"server exited with {proc.returncode}:\n{_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise AppStartError(f"no 200 from {url} within {timeout_s}s:\n{_tail(log)}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)


def _tail(log: Path, size: int = 4000) -> str:
    return log.read_text(errors="replace")[-size:] if log.exists() else ""


@contextlib.contextmanager
def running_app(
    app_dir: Path,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    health_path: str = "/api/health-check",
    start_timeout_s: float = 60.0,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Run `app_dir/run.sh` and yield its base URL (the server root, no API prefix).

    `database_url` defaults to a fresh SQLite file in a temporary folder; the
    server's output goes to `log_path` (or a temporary file, shown in errors).
    """
    app_dir = Path(app_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="decaycheck-app-") as scratch:
        log = log_path or Path(scratch) / "server.log"
        child_env = {**os.environ, **(env or {})}
        requirements = app_dir / "requirements.txt"
        if requirements.exists():
            venv = venv_for(requirements)
            child_env["VIRTUAL_ENV"] = str(venv)
            child_env["PATH"] = f"{venv / 'bin'}{os.pathsep}{child_env.get('PATH', '')}"
        port = free_port()
        child_env.update(
            PORT=str(port), HOST="127.0.0.1", DATABASE_URL=database_url or f"sqlite:///{Path(scratch) / 'conduit.db'}"
        )
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                ["sh", str(app_dir / "run.sh")],
                cwd=app_dir,
                env=child_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_healthy(base_url + health_path, proc, start_timeout_s, log)
            yield base_url
        finally:
            _stop(proc)


@contextlib.contextmanager
def postgres_database(host: str = PG_HOST, port: int = PG_PORT, user: str = PG_USER) -> Iterator[str]:
    """A uniquely named, empty database on the test PostgreSQL (tests/support/services.py); yields its URL, drops it at the end."""
    name = f"decaycheck_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    conn = ["-h", host, "-p", str(port), "-U", user]
    _run(["createdb", *conn, name], "createdb")
    try:
        yield f"postgresql://{user}@{host}:{port}/{name}"
    finally:
        subprocess.run(["dropdb", *conn, "--force", "--if-exists", name], capture_output=True)
