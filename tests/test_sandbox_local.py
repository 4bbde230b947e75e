"""The local bubblewrap pod: isolation, the ephemeral database, limits, and that nothing survives a run.

A probe app reports from inside the pod what it can reach, see and write;
the tests compare that with what the host can do.
"""

from __future__ import annotations

import json
import shutil
import socket
import textwrap
import uuid
from pathlib import Path

import pytest

from checks import database, runtimes
from checks.sandbox import InstallSpec, Limits, PodSpec
from checks.sandbox.local import LocalBackend
from checks.workspace import cache_dir
from tests.support.services import PG_HOST, PG_PORT, REDIS_PORT

pytestmark = pytest.mark.slow

PROBE = textwrap.dedent("""
    import json, os, socket, subprocess, sys, threading, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    def tcp(host, port):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return "connected"
        except OSError as exc:
            return type(exc).__name__

    if os.environ.get("PROBE_ALLOC_MB"):
        hog = bytearray(int(os.environ["PROBE_ALLOC_MB"]) * 1024 * 1024)
        for i in range(0, len(hog), 4096):
            hog[i] = 1
    res = {"uid": os.getuid(), "env": dict(os.environ), "shadow": os.path.exists("/etc/shadow"),
           "postgres_is": socket.gethostbyname("postgres"),
           "connect": {f"{h}:{p}": tcp(h, p) for h, p in json.loads(os.environ.get("PROBE_TARGETS", "[]"))}}
    writes = {}
    for path in json.loads(os.environ.get("PROBE_WRITES", "[]")):
        try:
            with open(path, "w") as f:
                f.write("x")
            writes[path] = "written"
        except OSError as exc:
            writes[path] = type(exc).__name__
    res["writes"] = writes
    # A detached grandchild that would outlive a careless sandbox.
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", os.environ.get("PROBE_MARKER", "")],
                     start_new_session=True)

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a):
            pass

    port = int(os.environ["PORT"])
    server = ThreadingHTTPServer(("0.0.0.0", port), Health)  # listening from here on
    res["own_loopback"] = tcp("127.0.0.1", port)
    with open("/workspace/probe.json", "w") as f:  # written before the pod can see it healthy
        json.dump(res, f)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("probe ready", flush=True)
    time.sleep(3600)
""")


@pytest.fixture(scope="module")
def backend() -> LocalBackend:
    b = LocalBackend()
    b.check()
    return b


@pytest.fixture
def app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / ".venv").mkdir(parents=True)
    (app / "probe.py").write_text(PROBE)
    (app / "run.sh").write_text("#!/bin/sh\nexec python3 probe.py\n")
    (app / "run.sh").chmod(0o755)
    return app


def _pod(
    backend: LocalBackend,
    app: Path,
    work: Path,
    *,
    database_kind: str = "sqlite",
    start: str = "./run.sh",
    env: dict[str, str] | None = None,
    **limits: float,
) -> tuple:
    plan = runtimes.install_plan("python", app, None, {})
    spec = PodSpec(
        runtime="python",
        database=database_kind,
        start=start,
        env={**plan.env, **(env or {})},
        ro_paths=plan.ro_paths,
        suites=[],
        frozen_dirs=[".venv"],
        limits=Limits(start_s=limits.get("start_s", 20), memory_mb=int(limits.get("memory_mb", 1024))),
    )
    work.mkdir(exist_ok=True)
    result = backend.run_pod(app, work, spec)
    probe = json.loads((app / "probe.json").read_text()) if (app / "probe.json").exists() else None
    return result, probe, spec


def _processes_mentioning(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append(f"{entry.name}: {cmdline}")
    return found


def test_pod_reaches_only_its_own_loopback(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    host_port = listener.getsockname()[1]
    try:
        socket.create_connection(("127.0.0.1", host_port), timeout=1).close()  # reachable from the host
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
        targets = [["127.0.0.1", host_port], [PG_HOST, PG_PORT], ["127.0.0.1", REDIS_PORT], ["localhost", host_port]]
        result, probe, _ = _pod(backend, app, tmp_path / "work", env={"PROBE_TARGETS": json.dumps(targets)})
    finally:
        listener.close()
    assert result.startup == "ok", result.server_log_tail
    assert probe["own_loopback"] == "connected"
    assert probe["postgres_is"] == "127.0.0.1"
    assert set(probe["connect"].values()) == {"ConnectionRefusedError"}, probe["connect"]


def test_sandbox_sees_no_secrets_and_runs_unprivileged(
    backend: LocalBackend, app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = uuid.uuid4().hex
    monkeypatch.setenv("DECAYCHECK_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    plan = runtimes.install_plan(
        "python",
        app,
        "env > install-env.txt; id -u > install-uid.txt; "
        "for d in /etc /usr /root /tmp/..; do touch $d/x 2>/dev/null && echo $d; done "
        "> install-writable.txt; touch /cache/uv/probe && echo ok > cache-writable.txt",
        {"EXTRA": "given"},
    )
    installed = backend.install(
        app,
        tmp_path / "work",
        InstallSpec(runtime="python", commands=plan.commands[-1:], env=plan.env, ro_paths=plan.ro_paths),
    )
    assert installed.ok, installed.log_tail
    install_env = (app / "install-env.txt").read_text()
    assert secret not in install_env and "EXTRA=given" in install_env
    assert (app / "install-uid.txt").read_text().strip() == "1000"
    assert (app / "install-writable.txt").read_text() == "" and (app / "cache-writable.txt").exists()
    result, probe, _ = _pod(backend, app, tmp_path / "work")
    assert result.startup == "ok"
    assert secret not in json.dumps(probe["env"])
    assert "DECAYCHECK_WEBHOOK_SECRET" not in probe["env"] and "GITHUB_TOKEN" not in probe["env"]
    assert probe["env"]["DATABASE_URL"].startswith("sqlite:///")
    assert probe["uid"] == 1001 and probe["shadow"] is False


def test_only_the_workspace_is_writable(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    name = f"decaycheck-probe-{uuid.uuid4().hex[:8]}"
    source_root = Path(runtimes.__file__).resolve().parent.parent
    paths = {
        "/workspace/ok.txt": "written",
        "/workspace/.venv/x": "OSError",
        f"/tmp/{name}": "written",
        f"/usr/{name}": "OSError",
        f"/etc/{name}": "OSError",
        f"{source_root}/{name}": "OSError",
        f"{cache_dir()}/{name}": "OSError",
        f"{Path.home()}/{name}": "OSError",
    }
    # The app's /tmp is its own tmpfs: a host folder under /tmp (a checkout made there) is shadowed by it, so a
    # write there lands in that tmpfs; the host's copy stays untouched (checked below).
    paths = {p: ("written" if p.startswith("/tmp/") else v) for p, v in paths.items()}
    result, probe, _ = _pod(backend, app, tmp_path / "work", env={"PROBE_WRITES": json.dumps(list(paths))})
    assert result.startup == "ok"
    got = {p: ("OSError" if v != "written" else v) for p, v in probe["writes"].items()}
    assert got == paths
    assert (app / "ok.txt").exists()
    assert not Path(f"/tmp/{name}").exists() and not (source_root / name).exists()


def test_ephemeral_postgresql_serves_the_study_role_and_leaves_nothing(
    backend: LocalBackend, app: Path, tmp_path: Path
) -> None:
    psql = database.find_postgres().bindir / "psql"
    create = (
        f"{psql} -X -q -v ON_ERROR_STOP=1 \"$DATABASE_URL\" -c 'CREATE TABLE kept (x int)' "
        f"-c 'INSERT INTO kept VALUES (1), (2)' && ./run.sh"
    )
    result, probe, spec = _pod(backend, app, tmp_path / "w1", database_kind="postgresql", start=create)
    assert result.startup == "ok", result.server_log_tail
    assert result.timings["db"] > 0  # the cluster was made and started in this pod (its speed: benchmarks/)
    assert probe["env"]["DATABASE_URL"] == "postgresql://user:password@postgres:5432/conduit"
    assert result.evidence is not None and result.evidence.database == "postgresql"
    assert result.evidence.tables == {"kept": 2}
    assert _processes_mentioning(f"decaycheck-{spec.run_id}") == []
    # A second pod starts from the clean template: the table is gone.
    (app / "probe.json").unlink()
    result, _, spec = _pod(backend, app, tmp_path / "w2", database_kind="postgresql")
    assert result.startup == "ok" and result.evidence.tables == {}
    assert _processes_mentioning(f"decaycheck-{spec.run_id}") == []


def test_no_process_survives_the_pod(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    marker = f"decaycheck-marker-{uuid.uuid4().hex}"
    result, probe, _ = _pod(backend, app, tmp_path / "work", env={"PROBE_MARKER": marker})
    assert result.startup == "ok" and probe is not None
    assert _processes_mentioning(marker) == []


def test_memory_limit_stops_a_hungry_app(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    result, probe, _ = _pod(backend, app, tmp_path / "work", env={"PROBE_ALLOC_MB": "600"}, memory_mb=128)
    assert result.startup == "start_failed" and probe is None
    assert "memory limit reached" in result.reason and result.app_exit_code not in (None, 0)


def test_sqlite_file_written_by_the_app_is_evidence(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    start = (
        "python3 -c \"import sqlite3; c = sqlite3.connect('local.db'); c.execute('create table t(x)'); "
        'c.commit()" && ./run.sh'
    )
    result, _, _ = _pod(backend, app, tmp_path / "work", start=start)
    assert result.startup == "ok"
    assert result.evidence.sqlite_files == ["local.db"] and result.evidence.tables == {}


def test_install_has_network_and_caches(backend: LocalBackend, tmp_path: Path) -> None:
    """A real install from the registry through the shared uv cache; a second one reuses the cache."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("six==1.16.0\n")
    plan = runtimes.install_plan("python", app, None, {})
    spec = InstallSpec(runtime="python", commands=plan.commands, env=plan.env, ro_paths=plan.ro_paths)
    first = backend.install(app, tmp_path / "w", spec)
    assert first.ok, first.log_tail
    assert list((app / ".venv/lib").glob("python3*/site-packages/six.py"))
    shutil.rmtree(app / ".venv")
    second = backend.install(app, tmp_path / "w", spec)
    assert second.ok and "six" in second.log_tail


def test_server_log_is_capped(backend: LocalBackend, app: Path, tmp_path: Path) -> None:
    start = "python3 -c \"import sys; [print('x' * 1000) for _ in range(5000)]; print('LAST LINE')\" && ./run.sh"
    plan = runtimes.install_plan("python", app, None, {})
    spec = PodSpec(
        runtime="python",
        database="sqlite",
        start=start,
        env=plan.env,
        ro_paths=plan.ro_paths,
        suites=[],
        limits=Limits(start_s=20, log_bytes=64 * 1024),
    )
    result = backend.run_pod(app, tmp_path / "work", spec)
    assert result.startup == "ok"
    assert (tmp_path / "work/out/server.log").stat().st_size == 64 * 1024
    assert "over the log cap not kept" in result.server_log_tail and "LAST LINE" in result.server_log_tail
    assert len(result.server_log_tail) < 20000
