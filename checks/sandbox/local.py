"""The `local` backend: bubblewrap on this host, an ephemeral PostgreSQL inside the pod.

Both steps run as uid 1000 in a fresh user namespace (PostgreSQL refuses
root; no capabilities survive), with a PID namespace (`--die-with-parent`:
when the step ends, every process in it ends) and a filesystem built from an
allow-list: the system folders and the toolchain read-only, a generated
/etc (no shadow files, no host secrets), a private /tmp, and only the
workspace (plus the dependency cache during install) writable. The install
step shares the host network; the pod gets a new network namespace where
only loopback exists. Memory and process count are bounded by a cgroup per
step (see `limits`).
"""

from __future__ import annotations

import collections
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import checks
from checks import database
from checks.runtimes import CACHE, WORKSPACE
from checks.sandbox.base import (
    InstallResult,
    InstallSpec,
    OnEvent,
    PodResult,
    PodSpec,
    SandboxBackend,
    SandboxUnavailable,
)
from checks.sandbox.limits import StepLimits
from checks.workspace import cache_dir
from verifiers.runtime import RuntimeEvidence

UID = GID = 1000
SANDBOX_USER = "sandbox"
# Host /etc entries the sandbox may read: name service, TLS roots, linker cache, time zone.
ETC_ALLOWED = (
    "ssl",
    "ca-certificates",
    "ca-certificates.conf",
    "alternatives",
    "nsswitch.conf",
    "host.conf",
    "gai.conf",
    "localtime",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "protocols",
    "services",
    "mime.types",
    "os-release",
    "debian_version",
    "npmrc",
    "pki",
)
TOP_LEVEL = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
POD = "/pod"
TEMPLATE_LAYOUT = "2"  # bump when the template's making changes, so machines rebuild it
# Host settings the install step needs to reach registries (trust roots, proxies): never credentials.
INSTALL_PASSTHROUGH = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
DRIVER = Path(__file__).with_name("pod_driver.py")
DRIVER_HELPERS = Path(__file__).with_name("pod_shared.py")


class LocalBackend(SandboxBackend):
    name = "local"

    def __init__(self, bwrap: str | None = None) -> None:
        self.bwrap = bwrap or shutil.which("bwrap") or "bwrap"

    # -- public -----------------------------------------------------------------------------
    def check(self) -> None:
        if shutil.which(self.bwrap) is None:
            raise SandboxUnavailable("bubblewrap (bwrap) is not installed (./dev setup installs it)")
        probe = subprocess.run(
            [self.bwrap, *self._base_args(Path("/nonexistent")), "--unshare-net", "true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if probe.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap cannot create namespaces here: {probe.stderr.strip()}")

    def install(self, app: Path, work: Path, spec: InstallSpec, on_event: OnEvent | None = None) -> InstallResult:
        cache = cache_dir()
        (cache / "uv").mkdir(exist_ok=True)
        (cache / "npm").mkdir(exist_ok=True)
        etc = self._etc(work, resolv=True)
        passthrough = {k: os.environ[k] for k in INSTALL_PASSTHROUGH if os.environ.get(k)}
        trust = [Path(v) for k, v in passthrough.items() if k.startswith(("SSL_", "NODE_")) and Path(v).exists()]
        args = [
            self.bwrap,
            *self._base_args(etc),
            *self._ro([*spec.ro_paths, *trust]),
            "--bind",
            str(app),
            WORKSPACE,
            "--bind",
            str(cache),
            CACHE,
            "--remount-ro",
            "/",
            "--chdir",
            WORKSPACE,
            *self._env({**self._base_env(), **passthrough, **spec.env}),
            "/bin/sh",
            "-ec",
            "\n".join(spec.commands),
        ]
        limits = StepLimits(
            memory_mb=spec.limits.memory_mb,
            pids=spec.limits.pids,
            cpu_s=spec.limits.install_s * 2,
            address_space_fallback=spec.runtime == "python",
        )
        tail: collections.deque[str] = collections.deque(maxlen=200)
        t0 = time.monotonic()
        code, timed_out = _supervise(args, limits, spec.limits.install_s, tail.append, merge_stderr=True)
        seconds = time.monotonic() - t0
        text = "".join(tail)[-16000:]
        if timed_out:
            text += f"\n[install did not finish within {spec.limits.install_s:g} s]"
        return InstallResult(
            ok=code == 0 and not timed_out,
            exit_code=code,
            timed_out=timed_out,
            seconds=round(seconds, 4),
            log_tail=text,
        )

    def run_pod(self, app: Path, work: Path, spec: PodSpec, on_event: OnEvent | None = None) -> PodResult:
        out = work / "out"
        out.mkdir(parents=True, exist_ok=True)
        binds: list[str] = ["--bind", str(app), WORKSPACE]
        for d in spec.frozen_dirs:
            if (app / d).is_dir():
                binds += ["--ro-bind", str(app / d), f"{WORKSPACE}/{d}"]
        for d in spec.cache_dirs:
            (cache_dir() / d).mkdir(parents=True, exist_ok=True)
            binds += ["--ro-bind", str(cache_dir() / d), f"{CACHE}/{d}"]
        binds += [
            "--bind",
            str(out),
            f"{POD}/out",
            "--ro-bind",
            str(DRIVER),
            f"{POD}/driver.py",
            "--ro-bind",
            str(DRIVER_HELPERS),
            f"{POD}/pod_shared.py",
        ]
        pg = None
        scratch: Path | None = None
        if spec.database == "postgresql":
            pg = database.find_postgres()
            template = postgres_template(self, pg)
            scratch = Path(tempfile.mkdtemp(prefix="decaycheck-pg-", dir=_memory_dir()))
            pgdata = scratch / "pgdata"
            subprocess.run(["cp", "-a", str(template), str(pgdata)], check=True)
            binds += ["--bind", str(pgdata), f"{POD}/pgdata"]
        else:
            (work / "db").mkdir(exist_ok=True)
            binds += ["--bind", str(work / "db"), str(Path(database.SQLITE_PATH).parent)]

        source_root = Path(checks.__file__).resolve().parent.parent
        app_env = {
            **self._base_env(),
            **spec.env,
            **database.database_env(spec.database),
            "PORT": str(spec.port),
            "HOST": "0.0.0.0",
        }
        driver_spec = {
            "database": spec.database,
            "out_dir": f"{POD}/out",
            "workspace": WORKSPACE,
            "pg_bindir": str(pg.bindir) if pg else "",
            "pgdata": f"{POD}/pgdata",
            "pg_socket_dir": "/tmp/pgsock",
            "pg_settings": {**database.SERVER_SETTINGS, "cluster_name": f"decaycheck-{spec.run_id}"},
            "pg_database": database.NAME,
            "tables_sql": database.TABLES_SQL,
            "sqlite_path": database.SQLITE_PATH,
            "start": spec.start,
            "port": spec.port,
            "health_path": spec.health_path,
            "ready": spec.ready,
            "api_prefix": spec.api_prefix,
            "suites": spec.suites,
            "suite_plans": spec.suite_plans,
            "start_s": spec.limits.start_s,
            "suite_s": spec.limits.suite_s,
            "log_bytes": spec.limits.log_bytes,
            "frozen_dirs": spec.frozen_dirs,
            "app_env": app_env,
            "suite_argv": [sys.executable, "-m", "conduit_suite"],
            "suite_cwd": str(source_root),
            "suite_env": {**self._base_env(), "PYTHONPATH": str(source_root), "PYTHONDONTWRITEBYTECODE": "1"},
        }
        (work / "spec.json").write_text(json.dumps(driver_spec))
        binds += ["--ro-bind", str(work / "spec.json"), f"{POD}/spec.json"]
        toolchain = [*spec.ro_paths, Path(sys.prefix), Path(sys.base_prefix).resolve(), source_root]
        etc = self._etc(work, resolv=False)
        args = [
            self.bwrap,
            *self._base_args(etc),
            "--unshare-net",
            *self._ro(toolchain),
            *binds,
            "--remount-ro",
            "/",
            "--chdir",
            WORKSPACE,
            *self._env(self._base_env()),
            sys.executable,
            "-I",
            f"{POD}/driver.py",
            f"{POD}/spec.json",
        ]

        events: list[dict] = []
        stderr: collections.deque[str] = collections.deque(maxlen=100)

        def on_line(line: str) -> None:
            try:
                event = json.loads(line)
            except ValueError:
                stderr.append(line)
                return
            events.append(event)
            if on_event is not None and event.get("event") != "result":
                on_event(_describe(event))

        budget = 30 + spec.limits.start_s + spec.limits.suite_s + 30
        limits = StepLimits(
            memory_mb=spec.limits.memory_mb,
            pids=spec.limits.pids,
            cpu_s=budget * 2,
            address_space_fallback=spec.runtime == "python",
        )
        try:
            code, timed_out = _supervise(args, limits, budget, on_line, merge_stderr=False, on_stderr=stderr.append)
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        final = next((e for e in reversed(events) if e["event"] in ("result", "error")), None)
        if final is None or final["event"] == "error":
            why = (
                final["message"]
                if final
                else (
                    "the pod did not finish in time"
                    if timed_out
                    else f"the pod ended with code {code}: " + "".join(stderr)[-2000:]
                )
            )
            if limits.hit_memory_limit:
                why += " (memory limit reached)"
            raise SandboxUnavailable(f"pod failed: {why}")
        final.pop("event")
        evidence = final.pop("evidence", None)
        result = PodResult(**final, evidence=RuntimeEvidence(**evidence) if evidence else None)
        if limits.hit_memory_limit and result.startup != "ok":
            result.reason += " (memory limit reached)"
        return result

    # -- building blocks ----------------------------------------------------------------------
    def _base_args(self, etc: Path) -> list[str]:
        args = [
            "--die-with-parent",
            "--new-session",
            "--unshare-user",
            "--uid",
            str(UID),
            "--gid",
            str(GID),
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "pod",
            "--cap-drop",
            "ALL",
            "--clearenv",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
        ]
        for name in TOP_LEVEL:
            p = Path("/") / name
            if p.is_symlink():
                args += ["--symlink", os.readlink(p), str(p)]
            elif p.is_dir():
                args += ["--ro-bind", str(p), str(p)]
        if etc.is_dir():
            for entry in sorted(etc.iterdir()):
                args += ["--ro-bind", str(entry), f"/etc/{entry.name}"]
        for name in ETC_ALLOWED:
            p = Path("/etc") / name
            if p.exists() and not (etc / name).exists():
                args += ["--ro-bind", str(p.resolve()), str(p)]
        return args

    def _etc(self, work: Path, *, resolv: bool) -> Path:
        """Generated /etc files: a passwd naming the sandbox user, hosts where `postgres` is loopback."""
        etc = work / ("etc-install" if resolv else "etc-pod")
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "passwd").write_text(
            f"root:x:0:0::/root:/bin/sh\n{SANDBOX_USER}:x:{UID}:{GID}::/tmp:/bin/sh\n"
            "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n"
        )
        (etc / "group").write_text(f"root:x:0:\n{SANDBOX_USER}:x:{GID}:\nnogroup:x:65534:\n")
        (etc / "hosts").write_text(f"127.0.0.1 localhost {database.HOST} pod\n::1 localhost ip6-localhost\n")
        if resolv and Path("/etc/resolv.conf").exists():
            shutil.copyfile(Path("/etc/resolv.conf").resolve(), etc / "resolv.conf")
        return etc

    @staticmethod
    def _ro(paths: list[Path]) -> list[str]:
        args: list[str] = []
        kept: list[Path] = []
        for p in sorted({Path(p) for p in paths}, key=lambda p: len(p.parts)):
            if not p.exists() or any(p.is_relative_to(k) for k in kept) or str(p).startswith("/usr"):
                continue
            kept.append(p)
            args += ["--ro-bind", str(p), str(p)]
        return args

    @staticmethod
    def _base_env() -> dict[str, str]:
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "USER": SANDBOX_USER,
            "LOGNAME": SANDBOX_USER,
        }

    @staticmethod
    def _env(env: dict[str, str]) -> list[str]:
        args: list[str] = []
        for key, value in env.items():
            args += ["--setenv", key, value]
        return args


def _memory_dir() -> str | None:
    """A tmpfs for the per-run database copy (a disk copy costs seconds on a busy machine)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _describe(event: dict) -> str:
    kind = event.get("event")
    if kind == "db_ready":
        return f"database ready in {event['seconds']:.2f} s"
    if kind == "app_started":
        return "server starting"
    if kind == "startup":
        return (
            f"server {event['status']}"
            + (f": {event['reason']}" if event.get("reason") else "")
            + f" ({event['seconds']:.2f} s)"
        )
    if kind == "suite_done":
        return f"suite {event['suite']} {'done' if event['ok'] else 'failed to run'}"
    if kind == "error":
        return f"pod error: {event['message'][:200]}"
    return str(kind)


def _supervise(
    args: list[str],
    limits: StepLimits,
    timeout: float,
    on_line: Callable[[str], None],
    *,
    merge_stderr: bool,
    on_stderr: Callable[[str], None] | None = None,
) -> tuple[int | None, bool]:
    """Run `args` bounded by `limits` and `timeout`; stream its lines; kill everything it started on the way out."""
    proc: subprocess.Popen | None = None
    lines: queue.Queue[str | None] = queue.Queue()
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            start_new_session=True,
            preexec_fn=limits.preexec(),
        )

        def pump(stream, sink) -> None:
            for raw in iter(stream.readline, b""):
                sink(raw.decode("utf-8", "replace"))
            sink(None)

        reader = threading.Thread(target=pump, args=(proc.stdout, lines.put), daemon=True)
        reader.start()
        if not merge_stderr:
            err_sink = on_stderr or (lambda _l: None)
            threading.Thread(
                target=pump, args=(proc.stderr, lambda line: line is not None and err_sink(line)), daemon=True
            ).start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, True
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                break
            on_line(line)
        return proc.wait(timeout=max(0.1, deadline - time.monotonic())), False
    except subprocess.TimeoutExpired:
        return None, True
    finally:
        limits.kill_all(proc.pid if proc is not None else None)
        if proc is not None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        limits.close()


def postgres_template(backend: LocalBackend, pg: database.PostgresBinaries) -> Path:
    """A data folder with the study's role and database, made once per machine and PostgreSQL version."""
    root = cache_dir() / "postgres"
    root.mkdir(exist_ok=True)
    template = root / f"template-{pg.version}-{TEMPLATE_LAYOUT}"
    if (template / "PG_VERSION").exists() and (template / ".decaycheck-ready").exists():
        return template
    with open(root / f"template-{pg.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (template / ".decaycheck-ready").exists():
            return template
        building = root / f"building-{uuid.uuid4().hex[:8]}"
        building.mkdir()
        bindir = pg.bindir
        script = f"""
set -e
{bindir}/initdb -D /pg/data -U postgres -A trust -E UTF8 --locale=C --no-sync --wal-segsize=1 >/pg/initdb.log
{bindir}/pg_ctl -D /pg/data -o "-k /tmp -c listen_addresses=''" -l /pg/server.log -w start >/dev/null
{bindir}/psql -X -q -h /tmp -U postgres -d postgres -v ON_ERROR_STOP=1 -f /pg/setup.sql
{bindir}/pg_ctl -D /pg/data -m fast -w stop >/dev/null
"""
        (building / "setup.sql").write_text(database.SETUP_SQL)
        work = building / "sandbox"
        work.mkdir()
        args = [
            backend.bwrap,
            *backend._base_args(backend._etc(work, resolv=False)),
            "--unshare-net",
            "--bind",
            str(building),
            "/pg",
            "--remount-ro",
            "/",
            *backend._env(backend._base_env()),
            "/bin/sh",
            "-c",
            script,
        ]
        res = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            log = (building / "server.log").read_text() if (building / "server.log").exists() else ""
            shutil.rmtree(building, ignore_errors=True)
            raise SandboxUnavailable(f"could not prepare the PostgreSQL template: {res.stderr.strip()} {log[-1000:]}")
        data = building / "data"
        (data / "pg_hba.conf").write_text(database.HBA)
        for stale in ("postmaster.pid", "postmaster.opts"):
            (data / stale).unlink(missing_ok=True)
        (data / ".decaycheck-ready").write_text(pg.version)
        if template.exists():
            shutil.rmtree(template)
        data.rename(template)
        shutil.rmtree(building, ignore_errors=True)
    return template
