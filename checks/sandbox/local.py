"""The `local` backend: bubblewrap on this host, an ephemeral PostgreSQL inside the pod.

Every step runs in a fresh user namespace without capabilities (the install
and the pod's supervisor as uid 1000, since PostgreSQL refuses root; the app
as uid 1001), with a PID namespace (`--die-with-parent`: when the step ends,
every process in it ends), an explicit minimal environment (never the
caller's), and a filesystem built from an allow-list: the system folders and
the toolchain read-only, a generated /etc (no shadow files, no host secrets),
a private /tmp, and only the workspace writable (plus, during install, the
repository's own dependency cache). The install step has a network namespace
of its own whose one way out is the registry-only egress proxy (`egress`);
the trusted step after it (byte code) has no network. The pod is two
sandboxes in one loopback-only network namespace: the supervisor's (driver,
database, suite runner) and the app's, which has its own PID and user
namespaces and sees none of the supervisor's processes, files or stdio.
Memory and process count are bounded by a cgroup per step (see `limits`);
every stream read from a sandbox is capped (see `streams`).
"""

from __future__ import annotations

import collections
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import checks
from checks import database
from checks.runtimes import CACHE, WORKSPACE
from checks.sandbox import caches, egress
from checks.sandbox.base import (
    InstallResult,
    InstallSpec,
    OnEvent,
    PodResult,
    PodSpec,
    SandboxBackend,
    SandboxUnavailable,
    disk_note,
)
from checks.sandbox.limits import StepLimits
from checks.sandbox.protocol import DbReady, PodEvents, describe
from checks.sandbox.streams import LINE_CAP, CappedLog, bounded_lines
from checks.workspace import cache_dir
from verifiers.runtime import RuntimeEvidence

UID = GID = 1000
SANDBOX_USER = "sandbox"
APP_UID = 1001  # the app's own sandbox, apart from the pod's supervisor (uid 1000)
APP_USER = "app"
# The whole environment of every process decaycheck starts for a sandbox: never the caller's.
HOST_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
# The driver's events carry the suites' results: long lines, but still bounded.
EVENT_LINE_CAP = 64 * 1024 * 1024
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
# Host settings the install step needs to trust the registries' certificates: never credentials, never proxies
# (the install step's only way out is the egress proxy, which goes through the host's own proxy if it has one).
INSTALL_TRUST = ("SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS")
DRIVER = Path(__file__).with_name("pod_driver.py")
DRIVER_HELPERS = Path(__file__).with_name("pod_shared.py")
EGRESS = Path(__file__).with_name("egress.py")


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
            env=HOST_ENV,
        )
        if probe.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap cannot create namespaces here: {probe.stderr.strip()}")

    def install(self, app: Path, work: Path, spec: InstallSpec, on_event: OnEvent | None = None) -> InstallResult:
        """The install step: its own network namespace, whose one way out is the registry-only egress proxy."""
        deps = caches.dependency_cache(spec.cache_key)
        pyc = caches.byte_code_cache()
        etc = self._etc(work, resolv=False)
        trust = {k: os.environ[k] for k in INSTALL_TRUST if os.environ.get(k)}
        sockets = Path(tempfile.mkdtemp(prefix="decaycheck-egress-"))
        os.chmod(sockets, 0o755)
        proxy = egress.EgressProxy(str(sockets / "proxy.sock")).start()
        python = [Path(sys.prefix), Path(sys.base_prefix).resolve()]
        args = [
            self.bwrap,
            *self._base_args(etc, tmp_mb=spec.limits.tmp_mb),
            "--unshare-net",
            *self._ro([*spec.ro_paths, *python, *(Path(v) for v in trust.values() if Path(v).exists())]),
            "--bind",
            str(app),
            WORKSPACE,
            *(a for name in caches.SUBFOLDERS for a in ("--bind", str(deps / name), f"{CACHE}/{name}")),
            "--ro-bind",
            str(pyc),
            f"{CACHE}/{caches.PYC}",
            "--bind",
            str(sockets),
            f"{POD}/egress",
            "--ro-bind",
            str(EGRESS),
            f"{POD}/egress.py",
            "--remount-ro",
            "/",
            "--chdir",
            WORKSPACE,
            *self._env({**self._base_env(), **trust, **spec.env, **egress.proxy_environment()}),
            sys.executable,
            "-I",
            "-S",
            f"{POD}/egress.py",
            "relay",
            f"{POD}/egress/proxy.sock",
            str(egress.RELAY_PORT),
            "--",
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
        try:
            code, timed_out = _supervise(args, limits, spec.limits.install_s, tail.append)
        finally:
            proxy.close()
            shutil.rmtree(sockets, ignore_errors=True)
        text = "".join(tail)[-16000:]
        notes = [proxy.note(), caches.bound(spec.cache_key), disk_note(text).strip()]
        if timed_out:
            notes.append(f"[install did not finish within {spec.limits.install_s:g} s]")
        elif code == 0 and spec.trusted:
            notes.append(self._trusted_step(app, work, spec))
        seconds = time.monotonic() - t0
        text += "".join(f"\n{n}" for n in notes if n)
        return InstallResult(
            ok=code == 0 and not timed_out,
            exit_code=code,
            timed_out=timed_out,
            seconds=round(seconds, 4),
            log_tail=text,
        )

    def _trusted_step(self, app: Path, work: Path, spec: InstallSpec) -> str:
        """The install's trusted commands (warming the byte-code cache): every PR process has ended, the
        workspace is read-only, no network; the only writable place is the byte-code cache."""
        args = [
            self.bwrap,
            *self._base_args(self._etc(work, resolv=False)),
            "--unshare-net",
            *self._ro(spec.ro_paths),
            "--ro-bind",
            str(app),
            WORKSPACE,
            "--bind",
            str(caches.byte_code_cache()),
            f"{CACHE}/{caches.PYC}",
            "--remount-ro",
            "/",
            "--chdir",
            WORKSPACE,
            *self._env(self._base_env()),
            "/bin/sh",
            "-ec",
            "\n".join(spec.trusted),
        ]
        limits = StepLimits(memory_mb=1024, pids=64, cpu_s=spec.limits.install_s * 2)
        tail: collections.deque[str] = collections.deque(maxlen=20)
        code, timed_out = _supervise(args, limits, spec.limits.install_s, tail.append)
        if code == 0 and not timed_out:
            return "".join(tail).strip()[-500:]
        return "[warming the byte-code cache failed; the app compiles its modules at start]: " + "".join(tail)[-1000:]

    def run_pod(self, app: Path, work: Path, spec: PodSpec, on_event: OnEvent | None = None) -> PodResult:
        """Two sandboxes in one network namespace: the pod (driver, database, suite runner) and, started
        when the database is ready, the app in a sandbox of its own that cannot see the pod's processes."""
        out = work / "out"
        out.mkdir(parents=True, exist_ok=True)
        db_dir = work / "db"
        db_dir.mkdir(exist_ok=True)
        binds: list[str] = [
            "--ro-bind",
            str(app),
            WORKSPACE,
            "--bind",
            str(db_dir),
            str(Path(database.SQLITE_PATH).parent),
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
            subprocess.run(["cp", "-a", str(template), str(pgdata)], check=True, env=HOST_ENV)
            binds += ["--bind", str(pgdata), f"{POD}/pgdata"]

        source_root = Path(checks.__file__).resolve().parent.parent
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
            "port": spec.port,
            "health_path": spec.health_path,
            "ready": spec.ready,
            "api_prefix": spec.api_prefix,
            "suites": spec.suites,
            "suite_plans": spec.suite_plans,
            "start_s": spec.limits.start_s,
            "suite_s": spec.limits.suite_s,
            "frozen_dirs": spec.frozen_dirs,
            "suite_argv": [sys.executable, "-m", "conduit_suite"],
            "suite_cwd": str(source_root),
            "suite_env": {**self._base_env(), "PYTHONPATH": str(source_root), "PYTHONDONTWRITEBYTECODE": "1"},
        }
        (work / "spec.json").write_text(json.dumps(driver_spec))
        binds += ["--ro-bind", str(work / "spec.json"), f"{POD}/spec.json"]
        toolchain = [Path(sys.prefix), Path(sys.base_prefix).resolve(), source_root, *spec.suite_tools]
        pod_args = [
            self.bwrap,
            *self._base_args(self._etc(work, resolv=False)),
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
        budget = 30 + spec.limits.start_s + spec.limits.suite_s + 30
        pod_limits = StepLimits(memory_mb=max(512, spec.limits.memory_mb), pids=256, cpu_s=budget * 2)
        app_limits = StepLimits(
            memory_mb=spec.limits.memory_mb,
            pids=spec.limits.pids,
            cpu_s=budget * 2,
            address_space_fallback=spec.runtime == "python",
        )
        log = CappedLog(out / "server.log", spec.limits.log_bytes)
        pod = _Pod(self, spec, work, pod_args, pod_limits, app_limits, log, on_event)
        try:
            return pod.run(app)
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)

    def app_args(self, app: Path, work: Path, spec: PodSpec) -> list[str]:
        """The app's own sandbox (run inside the pod's network namespace): the workspace, its installed
        dependencies and caches read-only, the SQLite folder, its own /tmp; nothing of the pod's."""
        binds: list[str] = ["--bind", str(app), WORKSPACE]
        for d in spec.frozen_dirs:
            if (app / d).is_dir():
                binds += ["--ro-bind", str(app / d), f"{WORKSPACE}/{d}"]
        for d in spec.cache_dirs:
            binds += ["--ro-bind", str(caches.shared(d)), f"{CACHE}/{d}"]
        binds += ["--bind", str(work / "db"), str(Path(database.SQLITE_PATH).parent)]
        env = {
            **self._base_env(),
            **spec.env,
            **database.database_env(spec.database),
            "PORT": str(spec.port),
            "HOST": "0.0.0.0",
        }
        return [
            self.bwrap,
            *self._base_args(self._etc(work, resolv=False), uid=APP_UID, tmp_mb=spec.limits.tmp_mb),
            *self._ro(spec.ro_paths),
            *binds,
            "--remount-ro",
            "/",
            "--chdir",
            WORKSPACE,
            *self._env({**env, "USER": APP_USER, "LOGNAME": APP_USER}),
            "/bin/sh",
            "-c",
            spec.start,
        ]

    # -- building blocks ----------------------------------------------------------------------
    def _base_args(self, etc: Path, uid: int = UID, tmp_mb: int = 256) -> list[str]:
        args = [
            "--die-with-parent",
            "--new-session",
            "--unshare-user",
            "--uid",
            str(uid),
            "--gid",
            str(uid),
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
            "--size",
            str(tmp_mb * 1024 * 1024),
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
            f"{APP_USER}:x:{APP_UID}:{APP_UID}::/tmp:/bin/sh\n"
            "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n"
        )
        (etc / "group").write_text(f"root:x:0:\n{SANDBOX_USER}:x:{GID}:\n{APP_USER}:x:{APP_UID}:\nnogroup:x:65534:\n")
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


class _Pod:
    """One run of the local pod: the driver's sandbox, then the app's, followed to the driver's result."""

    def __init__(
        self,
        backend: LocalBackend,
        spec: PodSpec,
        work: Path,
        pod_args: list[str],
        pod_limits: StepLimits,
        app_limits: StepLimits,
        log: CappedLog,
        on_event: OnEvent | None,
    ) -> None:
        self.backend, self.spec, self.work = backend, spec, work
        self.pod_args, self.pod_limits, self.app_limits, self.log = pod_args, pod_limits, app_limits, log
        self.say = on_event or (lambda _m: None)
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.stderr: collections.deque[str] = collections.deque(maxlen=100)
        self.pod: subprocess.Popen | None = None
        self.app: subprocess.Popen | None = None
        self.app_thread: threading.Thread | None = None

    def run(self, app: Path) -> PodResult:
        spec = self.spec
        budget = 30 + spec.limits.start_s + spec.limits.suite_s + 30
        events = PodEvents(spec.suites)
        app_exit: int | None = None
        early_exit = timed_out = False
        t_app = 0.0
        try:
            child = self._start_pod()
            deadline = time.monotonic() + budget
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                try:
                    source, payload = self.inbox.get(timeout=remaining)
                except queue.Empty:
                    continue
                if source == "pod_end":
                    break
                if source == "app_exit":
                    app_exit = int(payload)
                    if events.startup is None:  # exited before the driver saw it healthy
                        early_exit = True
                        break
                    continue
                event = events.take(payload)
                if event is None:
                    self.stderr.append(payload[:2000].decode("utf-8", "replace"))
                    continue
                self.say(describe(event))
                if isinstance(event, DbReady):
                    t_app = time.monotonic()
                    self._start_app(app, child)
                    self.say("server starting")
        finally:
            self._stop()
        server_log, tail = self.log.whole(), self.log.text()
        note = " (memory limit reached)" if self.app_limits.hit_memory_limit else ""
        note += " (process limit reached)" if self.app_limits.hit_pids_limit else ""
        note += disk_note(server_log)
        if early_exit:
            return PodResult(
                startup="start_failed",
                reason=f"the server process exited with code {app_exit} before it was healthy{note}",
                timings={"db": events.db.seconds if events.db else 0.0, "start": round(time.monotonic() - t_app, 4)},
                app_exit_code=app_exit,
                evidence=RuntimeEvidence(
                    database=spec.database, collected=False, note="the server never became healthy"
                ),
                server_log_tail=tail,
                server_log=server_log,
            )
        if timed_out:
            raise SandboxUnavailable(f"pod failed: the pod did not finish in time{note}")
        if events.done is None and events.failure is None:
            code = self.pod.returncode if self.pod else None
            raise SandboxUnavailable(f"pod failed: the pod ended with code {code}: " + "".join(self.stderr)[-2000:])
        folded = events.result()
        evidence = folded.pop("evidence")
        if app_exit is None and self.app is not None and self.app.returncode not in (None, -signal.SIGKILL):
            app_exit = self.app.returncode
        pod = PodResult(
            **folded,
            evidence=RuntimeEvidence(database=spec.database, **evidence) if evidence else None,
            server_log_tail=tail,
            server_log=server_log,
            app_exit_code=app_exit,
        )
        if note and pod.startup != "ok":
            pod.reason += note
        return pod

    def _start_pod(self) -> int:
        """Start the driver's sandbox; returns the pid of its first process (to join its network namespace)."""
        info_r, info_w = os.pipe()
        try:
            self.pod = subprocess.Popen(
                [self.pod_args[0], "--info-fd", str(info_w), *self.pod_args[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=self.pod_limits.preexec(),
                pass_fds=[info_w],
                env=HOST_ENV,
            )
        finally:
            os.close(info_w)
        with os.fdopen(info_r, "rb") as info:
            raw = info.read(64 * 1024)
        threading.Thread(target=self._pump, args=(self.pod.stdout, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.pod.stderr, False), daemon=True).start()
        try:
            return int(json.loads(raw)["child-pid"])
        except (ValueError, KeyError, TypeError):
            raise SandboxUnavailable("pod failed: bubblewrap did not start the pod") from None

    def _pump(self, stream: Any, events: bool) -> None:
        for line in bounded_lines(stream, EVENT_LINE_CAP if events else LINE_CAP):
            if events:
                self.inbox.put(("line", line))
            else:
                self.stderr.append(line[:2000].decode("utf-8", "replace"))
        if events:
            self.inbox.put(("pod_end", None))

    def _start_app(self, app: Path, pod_pid: int) -> None:
        """The app's sandbox, in the pod's network namespace (nsenter) but nothing else of it."""
        args = ["nsenter", f"--net=/proc/{pod_pid}/ns/net", "--", *self.backend.app_args(app, self.work, self.spec)]
        self.app = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=self.app_limits.preexec(),
            env=HOST_ENV,
        )

        def follow(proc: subprocess.Popen) -> None:
            self.log.drain(proc.stdout)  # type: ignore[arg-type]
            self.inbox.put(("app_exit", proc.wait()))

        self.app_thread = threading.Thread(target=follow, args=(self.app,), daemon=True)
        self.app_thread.start()

    def _stop(self) -> None:
        _end(self.app, self.app_limits)
        _end(self.pod, self.pod_limits)
        if self.app_thread is not None:
            self.app_thread.join(timeout=5)


def _supervise(
    args: list[str], limits: StepLimits, timeout: float, on_line: Callable[[str], None]
) -> tuple[int | None, bool]:
    """Run `args` bounded by `limits` and `timeout`; stream its lines; kill everything it started on the way out."""
    proc: subprocess.Popen | None = None
    lines: queue.Queue[str | None] = queue.Queue()
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=limits.preexec(),
            env=HOST_ENV,
        )

        def pump(stream: Any) -> None:
            for raw in bounded_lines(stream):
                lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=pump, args=(proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, True
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                break
            on_line(line)
        return proc.wait(timeout=max(0.1, deadline - time.monotonic())), False
    except subprocess.TimeoutExpired:
        return None, True
    finally:
        _end(proc, limits)


def _end(proc: subprocess.Popen | None, limits: StepLimits) -> None:
    """Kill everything a step started (its process group and cgroup), reap it, remove its cgroups."""
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
        res = subprocess.run(args, capture_output=True, text=True, timeout=120, env=HOST_ENV)
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
