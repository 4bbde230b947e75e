"""The `docker` backend: the pod as containers on a Docker engine, through the docker SDK.

Topology (the same as `local`):
  * install: one container without a network of its own: it joins an egress relay's
    namespace, whose only way out is the registry-only proxy (a container on the host
    network; see `egress`); no secrets, only the workspace volume and the repository's
    dependency-cache volume writable; then the trusted byte-code step (no network,
    workspace read-only, only the byte-code volume writable);
  * pod: the app container with `network_mode=none` owns the network namespace;
    PostgreSQL and the suite runner join it (`network_mode=container:<app>`), so
    all traffic stays on the pod's loopback, and `postgres` is written into the
    pod's /etc/hosts as 127.0.0.1 once the database is ready (the app's start
    command waits for that line, so the app never races its database).
Every container runs with cap_drop ALL, no-new-privileges, a read-only root
with tmpfs where writes are needed, and pids/memory/CPU limits; logs are capped
by the log driver. The app is copied into a per-run volume (owned by the
sandbox user), so the engine may be remote. Everything a run creates carries
the label `org.decaycheck.sandbox=<run id>` and is removed in a `finally`;
leftovers of crashed workers are swept by age on every run.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import checks
from checks import database, extras
from checks.runtimes import CACHE, PROFILES, WORKSPACE
from checks.sandbox import egress
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
from checks.sandbox.docker_images import SandboxImages, images_from_env
from checks.sandbox.protocol import PodEvents, describe
from verifiers.runtime import RuntimeEvidence

LABEL = "org.decaycheck.sandbox"
ROLE_LABEL = "org.decaycheck.role"
OWNER_LABEL = "org.decaycheck.owner"
# One dependency cache per repository (uv, npm, the uv the install fetches), and the byte-code cache that
# only the trusted step after an install writes (see checks/sandbox/caches.py for the local layout).
DEPS_VOLUME = "decaycheck-deps-{key}"
PYC_VOLUME = "decaycheck-pyc-trusted"
PYC_DIR = f"{CACHE}/pyc"
UID = GID = 1000
PG_UID = 999  # the postgres user of the official image (and of the local stand-in)
SUITE_DIR = "/suite"
DB_DIR = str(Path(database.SQLITE_PATH).parent)
STATE_FILE = "docker-sandbox.json"
STALE_AFTER_S = 3 * 3600
TAIL_CHARS = 16000
EGRESS_DIR = "/egress"
EVENT_LINE_CAP = 64 * 1024 * 1024  # the runner's events carry whole suite results
# Where the install step puts uv when the image has none (the official python image).
TOOLS = f"{CACHE}/tools"
HARDENING: dict[str, Any] = {
    "cap_drop": ["ALL"],
    "security_opt": ["no-new-privileges"],
    "read_only": True,
    "ipc_mode": "private",
}


def _docker() -> Any:
    """The docker SDK, or SandboxUnavailable naming the extra that installs it."""
    try:
        import docker
    except ImportError as exc:
        raise SandboxUnavailable(extras.missing("docker", "the docker sandbox", exc)) from exc
    return docker


class DockerBackend(SandboxBackend):
    name = "docker"

    def __init__(
        self, images: SandboxImages | None = None, *, cpus: float | None = None, client: Any | None = None
    ) -> None:
        self.images = images or images_from_env()
        self.cpus = cpus or float(os.environ.get("DECAYCHECK_DOCKER_CPUS", "1.0"))
        self._client = client

    # -- public -----------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            docker = _docker()
            try:
                self._client = docker.from_env(version="auto", timeout=120)
            except docker.errors.DockerException as exc:
                raise SandboxUnavailable(f"cannot reach the Docker engine: {exc}") from exc
        return self._client

    def check(self) -> None:
        docker = _docker()
        try:
            self.client.ping()
        except docker.errors.DockerException as exc:
            raise SandboxUnavailable(f"cannot reach the Docker engine: {exc}") from exc
        missing = []
        for image in self.images.all():
            try:
                self.client.images.get(image)
            except docker.errors.ImageNotFound:
                missing.append(image)
        if missing:
            raise SandboxUnavailable(
                f"images missing on the Docker engine: {', '.join(missing)} (pull them, or "
                "build local ones with deploy/images/build-local.sh and set "
                "DECAYCHECK_DOCKER_IMAGES=local)"
            )

    def install(self, app: Path, work: Path, spec: InstallSpec, on_event: OnEvent | None = None) -> InstallResult:
        """The install container has no network of its own: it shares the egress relay's namespace, whose one
        way out is the registry-only proxy (a container on the host network) over a unix socket in a volume."""
        self.sweep()
        run = _Run.create(self, work, app, spec.cache_key)
        image = self.images.for_runtime(spec.runtime, spec.version)
        env = {**self._install_env(spec), **egress.proxy_environment()}
        t0 = time.monotonic()
        container = proxy = None
        refused: list[str] = []
        try:
            proxy, relay = self._egress(run)
            container = self.client.containers.create(
                image,
                ["/bin/sh", "-ec", "\n".join(self._install_commands(spec))],
                user=f"{UID}:{GID}",
                working_dir=WORKSPACE,
                environment=env,
                network_mode=f"container:{relay.id}",
                mounts=[
                    _volume(run.workspace, WORKSPACE),
                    _volume(run.deps, CACHE),
                    _volume(PYC_VOLUME, PYC_DIR, read_only=True),
                    _volume(run.suite, SUITE_DIR, read_only=True),
                ],
                tmpfs={"/tmp": f"rw,nosuid,nodev,size=512m,uid={UID},gid={GID}"},
                labels=run.labels("install"),
                **self._limits(spec.limits.memory_mb, spec.limits.pids),
            )
            container.start()
            code, timed_out = _wait(container, spec.limits.install_s)
            text = _logs(container, spec.limits.log_bytes)
            refused = egress.refusals_in(_logs(proxy, 64 * 1024))
        except BaseException:
            run.close()
            raise
        finally:
            for c in (container, *run.egress_containers):
                if c is not None:
                    _remove(c)
            run.egress_containers = []
        if refused:
            text += "\n" + egress.refusal_note(refused)
        text += disk_note(text)
        if timed_out:
            text += f"\n[install did not finish within {spec.limits.install_s:g} s]"
        elif code == 0 and spec.trusted:
            text += "\n" + self._trusted_step(run, spec)
        ok = code == 0 and not timed_out
        if not ok:
            run.close()
        return InstallResult(
            ok=ok,
            exit_code=code,
            timed_out=timed_out,
            seconds=round(time.monotonic() - t0, 4),
            log_tail=text[-TAIL_CHARS:],
        )

    def _trusted_step(self, run: _Run, spec: InstallSpec) -> str:
        """The install's trusted commands (warming the byte-code cache) in a container of their own: no network,
        the workspace read-only, the image's own interpreter (PATH without the venv); only the cache writable."""
        commands = [c.format(**self._tools()) for c in PROFILES[spec.runtime].finish]
        image = self.images.for_runtime(spec.runtime)
        container = self.client.containers.create(
            image,
            ["/bin/sh", "-ec", "\n".join(commands)],
            user=f"{UID}:{GID}",
            working_dir=WORKSPACE,
            environment={"PATH": self._image_path(image), "HOME": "/tmp", "LANG": "C.UTF-8"},
            network_mode="none",
            mounts=[
                _volume(run.workspace, WORKSPACE, read_only=True),
                _volume(PYC_VOLUME, PYC_DIR),
                _volume(run.suite, SUITE_DIR, read_only=True),
            ],
            tmpfs={"/tmp": f"rw,nosuid,nodev,size=64m,uid={UID},gid={GID}"},
            labels=run.labels("trusted"),
            **self._limits(1024, 64),
        )
        try:
            container.start()
            code, _ = _wait(container, spec.limits.install_s)
            text = _logs(container, 4000)
        finally:
            _remove(container)
        if code == 0:
            return text.strip()[-500:]
        return "[warming the byte-code cache failed; the app compiles its modules at start]: " + text[-1000:]

    def _egress(self, run: _Run) -> tuple[Any, Any]:
        """The proxy (host network, the allow-list) and the relay (no network) the install step goes out through."""
        mounts = [_volume(run.suite, SUITE_DIR, read_only=True), _volume(run.egress, EGRESS_DIR)]
        upstream = {k: os.environ[k] for k in ("HTTPS_PROXY", "https_proxy") if os.environ.get(k)}
        roles: tuple[tuple[str, list[str], str, dict[str, str]], ...] = (
            ("egress-proxy", ["proxy", f"{EGRESS_DIR}/proxy.sock"], "host", upstream),
            ("egress-relay", ["relay", f"{EGRESS_DIR}/proxy.sock", str(egress.RELAY_PORT)], "none", {}),
        )
        started = []
        for role, argv, network, extra in roles:
            c = self.client.containers.create(
                self.images.runner,
                ["python", f"{SUITE_DIR}/egress.py", *argv],
                user=f"{UID}:{GID}",
                network_mode=network,
                environment={"DECAYCHECK_EGRESS_ALLOW": ",".join(egress.allowed_hosts()), "HOME": "/tmp", **extra},
                mounts=mounts,
                labels=run.labels(role),
                **self._limits(256, 256),
            )
            run.egress_containers.append(c)
            c.start()
            _wait_for_output(c, "ready", 30)
            started.append(c)
        return started[0], started[1]

    def run_pod(self, app: Path, work: Path, spec: PodSpec, on_event: OnEvent | None = None) -> PodResult:
        run = _Run.load(self, work) or _Run.create(self, work, app)
        try:
            return _Pod(self, run, spec, on_event or (lambda _m: None)).run()
        finally:
            run.close()

    def sweep(self, older_than_s: float = STALE_AFTER_S) -> int:
        """Remove containers and volumes of runs that a crashed worker left behind; returns how many."""
        removed = 0
        cutoff = time.time() - older_than_s
        for c in self.client.containers.list(all=True, filters={"label": LABEL}):
            if _created(c.attrs.get("Created", "")) < cutoff:
                _remove(c)
                removed += 1
        for v in self.client.volumes.list(filters={"label": LABEL}):
            if _created(v.attrs.get("CreatedAt", "")) < cutoff:
                try:
                    v.remove(force=True)
                    removed += 1
                except Exception:
                    pass
        return removed

    # -- building blocks ----------------------------------------------------------------------
    def _limits(self, memory_mb: int, pids: int) -> dict[str, Any]:
        return {
            **HARDENING,
            "mem_limit": f"{memory_mb}m",
            "memswap_limit": f"{memory_mb}m",
            "pids_limit": pids,
            "nano_cpus": int(self.cpus * 1e9),
            "log_config": {"type": "json-file", "config": {"max-size": "2m", "max-file": "1"}},
        }

    def _image_path(self, image: str) -> str:
        for item in self.client.images.get(image).attrs["Config"].get("Env") or []:
            if item.startswith("PATH="):
                return item[5:]
        return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    def _runtime_env(self, runtime: str, given: dict[str, str]) -> dict[str, str]:
        """The spec's environment with the host's toolchain folders replaced by the image's."""
        image_path = self._image_path(self.images.for_runtime(runtime))
        path = PROFILES[runtime].environment(f"{image_path}:{TOOLS}/bin")["PATH"]
        return {**given, "PATH": path, "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "USER": "sandbox"}

    def _install_env(self, spec: InstallSpec) -> dict[str, str]:
        return self._runtime_env(spec.runtime, spec.env)

    @staticmethod
    def _install_commands(spec: InstallSpec) -> list[str]:
        """The profile's steps formatted with the image's tools around the spec's own install command.

        The spec's commands name the host's toolchain (the local backend's view), so the
        profile's templates are formatted again with the paths inside the image.
        """
        profile = PROFILES[spec.runtime]
        try:
            before = [c.format(**DockerBackend._tools()) for c in profile.prepare]
        except KeyError as exc:
            raise SandboxUnavailable(
                f"the {spec.runtime} profile needs a tool the docker backend does not provide: {exc}"
            ) from exc
        own = list(spec.commands[len(profile.prepare) :])
        if spec.runtime == "python":
            # The official python image has no uv: fetch it into the cache once (this step has network).
            before.insert(
                0,
                f"command -v uv >/dev/null 2>&1 || python3 -m pip install -q "
                f"--disable-pip-version-check --prefix {TOOLS} uv",
            )
        return before + own

    @staticmethod
    def _tools() -> dict[str, str]:
        """The profiles' tools inside the images (`python` is the image's own, found on the image's PATH)."""
        return {"uv": "uv", "python": "python3", "pyc_warm": f"{SUITE_DIR}/pyc_warm.py", "pycache": PYC_DIR}


class _Run:
    """The volumes of one evaluation (workspace, SQLite folder, suite code), named in `work/` between steps."""

    def __init__(self, backend: DockerBackend, work: Path, run_id: str) -> None:
        self.backend, self.work, self.id = backend, work, run_id
        self.workspace = f"decaycheck-{run_id}-workspace"
        self.db = f"decaycheck-{run_id}-db"
        self.suite = f"decaycheck-{run_id}-suite"
        self.egress = f"decaycheck-{run_id}-egress"
        self.deps = DEPS_VOLUME.format(key="shared")
        self.egress_containers: list[Any] = []

    def labels(self, role: str) -> dict[str, str]:
        owner = os.environ.get("DECAYCHECK_DOCKER_OWNER")  # who started the run (a worker, a test session)
        return {LABEL: self.id, ROLE_LABEL: role, **({OWNER_LABEL: owner} if owner else {})}

    @classmethod
    def load(cls, backend: DockerBackend, work: Path) -> _Run | None:
        state = work / STATE_FILE
        if not state.exists():
            return None
        return cls(backend, work, json.loads(state.read_text())["run"])

    @classmethod
    def create(cls, backend: DockerBackend, work: Path, app: Path, cache_key: str = "shared") -> _Run:
        """Make the volumes and fill them: the app and the suite code, owned by the sandbox user."""
        run = cls(backend, work, uuid.uuid4().hex[:12])
        run.deps = DEPS_VOLUME.format(key=cache_key)
        client = backend.client
        work.mkdir(parents=True, exist_ok=True)
        (work / STATE_FILE).write_text(json.dumps({"run": run.id}))
        try:
            for name in (run.workspace, run.db, run.suite, run.egress):
                client.volumes.create(name, labels=run.labels("volume"))
            client.volumes.create(run.deps, labels={"org.decaycheck.cache": "dependencies"})
            client.volumes.create(PYC_VOLUME, labels={"org.decaycheck.cache": "byte-code"})
            # A short root container whose only capability is CHOWN hands the fresh volumes to the sandbox user.
            roots = [WORKSPACE, DB_DIR, SUITE_DIR, CACHE, PYC_DIR, EGRESS_DIR]
            init = client.containers.create(
                backend.images.runner,
                ["chown", f"{UID}:{GID}", *roots],
                user="0:0",
                network_mode="none",
                mounts=[
                    _volume(run.workspace, WORKSPACE),
                    _volume(run.db, DB_DIR),
                    _volume(run.suite, SUITE_DIR),
                    _volume(run.deps, CACHE),
                    _volume(PYC_VOLUME, PYC_DIR),
                    _volume(run.egress, EGRESS_DIR),
                ],
                labels=run.labels("init"),
                **{**backend._limits(256, 64), "cap_add": ["CHOWN"]},
            )
            try:
                init.put_archive(WORKSPACE, _tar(app))
                init.put_archive(SUITE_DIR, _suite_tar())
                init.start()
                code, _ = _wait(init, 60)
                if code != 0:
                    raise SandboxUnavailable(f"could not prepare the pod volumes: {_logs(init, 4000)}")
            finally:
                _remove(init)
        except BaseException:
            run.close()
            raise
        return run

    def close(self) -> None:
        """Remove every container and volume of this run, whatever state they are in."""
        client = self.backend.client
        for c in client.containers.list(all=True, filters={"label": f"{LABEL}={self.id}"}):
            _remove(c)
        for v in client.volumes.list(filters={"label": f"{LABEL}={self.id}"}):
            for _ in range(20):
                try:
                    v.remove(force=True)
                    break
                except Exception:
                    time.sleep(0.1)
        (self.work / STATE_FILE).unlink(missing_ok=True)


class _Pod:
    """One run of the pod: database, app, suites, evidence; the caller removes the containers."""

    def __init__(self, backend: DockerBackend, run: _Run, spec: PodSpec, say: OnEvent) -> None:
        self.backend, self.run_, self.spec, self.say = backend, run, spec, say
        self.client = backend.client
        self.result: dict[str, Any] = {"startup": "start_failed", "timings": {}, "suites": [], "suite_errors": {}}

    def run(self) -> PodResult:
        spec = self.spec
        started_at = time.time() - 1
        app = self._app_container()
        app.start()
        pg = None
        t0 = time.monotonic()
        if spec.database == "postgresql":
            pg = self._postgres_container(app)
            pg.start()
        # The runner joins now, while the app still waits: an app that exits at once must not
        # take the namespace away before everything has joined it.
        runner = self._runner_container(app, started_at)
        runner.start()
        # Wait for the database, then name its host: that line also lets the app's start command go on.
        self._name_database_host(app, pg)
        self.result["timings"]["db"] = round(time.monotonic() - t0, 4) if pg is not None else 0.0
        if pg is not None:
            self.say(f"database ready in {self.result['timings']['db']:.2f} s")
        t_start = time.monotonic()
        self.say("server starting")
        evidence = self._supervise(app, runner, t_start)
        if pg is not None:
            evidence.setdefault("tables", {})
            try:
                evidence["tables"] = self._postgres_tables(pg)
            except Exception as exc:  # best effort, like the local backend
                evidence.update(collected=False, note=f"could not inspect the database: {exc}")
        app.reload()
        if app.status == "exited":
            self.result["app_exit_code"] = app.attrs["State"]["ExitCode"]
        self.result["server_log"] = _logs(app, spec.limits.log_bytes)
        self.result["server_log_tail"] = self.result["server_log"][-16000:]
        if self.result["startup"] != "ok":
            self.result["reason"] = self.result.get("reason", "") + disk_note(self.result["server_log"])
        self.result["evidence"] = RuntimeEvidence(database=spec.database, **evidence)
        return PodResult(**self.result)

    # -- containers ---------------------------------------------------------------------------
    def _app_container(self) -> Any:
        spec = self.spec
        env = {
            **self.backend._runtime_env(spec.runtime, spec.env),
            **database.database_env(spec.database),
            "PORT": str(spec.port),
            "HOST": "0.0.0.0",
            "DECAYCHECK_START": spec.start,
        }
        # Wait until the backend names `postgres` in /etc/hosts (the database is ready), then start.
        waiter = (
            f"while ! grep -q ' {database.HOST}$' /etc/hosts; do sleep 0.02; done; "
            'exec /bin/sh -c "$DECAYCHECK_START"'
        )
        mem = self.spec.limits.memory_mb
        return self.client.containers.create(
            self.backend.images.for_runtime(spec.runtime, spec.version),
            ["/bin/sh", "-c", waiter],
            user=f"{UID}:{GID}",
            working_dir=WORKSPACE,
            environment=env,
            network_mode="none",
            hostname="pod",
            mounts=[
                _volume(self.run_.workspace, WORKSPACE),
                _volume(self.run_.db, DB_DIR),
                _volume(PYC_VOLUME, PYC_DIR, read_only=True),
            ],
            tmpfs={"/tmp": f"rw,nosuid,nodev,size={spec.limits.tmp_mb}m,uid={UID},gid={GID}"},
            labels=self.run_.labels("app"),
            **self.backend._limits(mem, spec.limits.pids),
        )

    def _postgres_container(self, app: Any) -> Any:
        command = ["postgres"]
        for key, value in database.SERVER_SETTINGS.items():
            command += ["-c", f"{key}={value}"]
        owned = f"uid={PG_UID},gid={PG_UID}"
        return self.client.containers.create(
            self.backend.images.postgres,
            command,
            user=f"{PG_UID}:{PG_UID}",
            network_mode=f"container:{app.id}",
            environment={
                "POSTGRES_USER": database.USER,
                "POSTGRES_PASSWORD": database.PASSWORD,
                "POSTGRES_DB": database.NAME,
                "PGDATA": "/var/lib/postgresql/data",
            },
            tmpfs={
                "/var/lib/postgresql": f"rw,nosuid,nodev,size=512m,{owned}",
                "/var/run/postgresql": f"rw,nosuid,nodev,size=8m,{owned}",
                "/tmp": f"rw,nosuid,nodev,size=64m,{owned}",
            },
            shm_size="128m",
            labels=self.run_.labels("postgres"),
            **self.backend._limits(512, 128),
        )

    def _runner_container(self, app: Any, started_at: float) -> Any:
        spec = self.spec
        runner_spec = {
            "port": spec.port,
            "health_path": spec.health_path,
            "ready": spec.ready,
            "api_prefix": spec.api_prefix,
            "suites": spec.suites,
            "suite_plans": spec.suite_plans,
            "start_s": spec.limits.start_s,
            "suite_s": spec.limits.suite_s,
            "workspace": WORKSPACE,
            "frozen_dirs": spec.frozen_dirs,
            "started_at": started_at,
            "database": spec.database,
            "sqlite_path": database.SQLITE_PATH,
            "suite_argv": ["python", "-m", "conduit_suite"],
            "suite_cwd": "/tmp",
            "out_dir": "/tmp",
        }
        return self.client.containers.create(
            self.backend.images.runner,
            ["python", f"{SUITE_DIR}/docker_pod_runner.py", json.dumps(runner_spec)],
            user=f"{UID}:{GID}",
            network_mode=f"container:{app.id}",
            working_dir="/tmp",
            environment={"PYTHONPATH": SUITE_DIR, "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp"},
            mounts=[
                _volume(self.run_.workspace, WORKSPACE, read_only=True),
                _volume(self.run_.db, DB_DIR, read_only=True),
                _volume(self.run_.suite, SUITE_DIR, read_only=True),
            ],
            tmpfs={"/tmp": f"rw,nosuid,nodev,size=64m,uid={UID},gid={GID}"},
            labels=self.run_.labels("runner"),
            **self.backend._limits(512, 128),
        )

    # -- phases -------------------------------------------------------------------------------
    def _name_database_host(self, app: Any, pg: Any | None, budget: float = 30) -> None:
        """A one-shot container in the pod waits for PostgreSQL, then adds `postgres` to the pod's /etc/hosts.

        Containers that join a namespace share its owner's hosts file, but a read-only root
        mounts it read-only; this helper runs only the line below, so it alone gets a writable
        root (still without capabilities: root owns the file).
        """
        line = f"echo '127.0.0.1 {database.HOST}' >> /etc/hosts"
        wait = f"until pg_isready -q -h 127.0.0.1 -p {database.PORT}; do sleep 0.05; done; " if pg else ""
        helper = self.client.containers.create(
            self.backend.images.postgres,
            ["/bin/sh", "-c", wait + line],
            entrypoint=[],
            user="0:0",
            network_mode=f"container:{app.id}",
            labels=self.run_.labels("hosts"),
            **{**self.backend._limits(64, 32), "read_only": False},
        )
        try:
            helper.start()
            code, timed_out = _wait(helper, budget)
        finally:
            _remove(helper)
        if timed_out or code != 0:
            why = "PostgreSQL was not ready in time" if timed_out else f"the hosts helper exited {code}"
            raise SandboxUnavailable(f"pod failed: {why}: " + (_logs(pg, 4000) if pg is not None else ""))

    def _supervise(self, app: Any, runner: Any, t_start: float) -> dict[str, Any]:
        """Follow the runner's events (the pod protocol) while watching the app; returns the SQLite evidence."""
        spec = self.spec
        lines: list[str] = []
        done = threading.Event()

        def follow() -> None:
            try:
                for line in _lines(runner.logs(stream=True, follow=True, stdout=True, stderr=False)):
                    lines.append(line)
            finally:
                done.set()

        threading.Thread(target=follow, daemon=True).start()
        events = PodEvents(spec.suites)
        deadline = time.monotonic() + spec.limits.start_s + spec.limits.suite_s + 30
        seen = 0
        while not done.wait(0.05):
            while seen < len(lines):
                event = events.take(lines[seen])
                seen += 1
                if event is not None:
                    self.say(describe(event))
            if events.startup is None:
                app.reload()
                if app.status == "exited":
                    code = app.attrs["State"]["ExitCode"]
                    self.result["timings"]["start"] = round(time.monotonic() - t_start, 4)
                    self.result["startup"] = "start_failed"
                    self.result["reason"] = f"the server process exited with code {code} before it was healthy" + (
                        " (memory limit reached)" if app.attrs["State"].get("OOMKilled") else ""
                    )
                    _remove(runner)
                    return {"collected": False, "note": "the server never became healthy"}
            if time.monotonic() > deadline:
                _remove(runner)
                raise SandboxUnavailable("pod failed: the pod did not finish in time")
        for line in lines[seen:]:
            event = events.take(line)
            if event is not None:
                self.say(describe(event))
        if events.done is None and events.failure is None:
            raise SandboxUnavailable(
                "pod failed: the suite runner ended without a result: " + _logs(runner, 2000, True)
            )
        folded = events.result()
        evidence = folded.pop("evidence") or {}
        folded["timings"] = {**self.result["timings"], **folded["timings"], "db": self.result["timings"]["db"]}
        self.result.update(folded)
        return evidence

    def _postgres_tables(self, pg: Any) -> dict[str, int]:
        res = pg.exec_run(
            [
                "psql",
                "-X",
                "-At",
                "-F",
                "|",
                "-h",
                "127.0.0.1",
                "-U",
                database.USER,
                "-d",
                database.NAME,
                "-c",
                database.TABLES_SQL,
            ],
            environment={"PGPASSWORD": database.PASSWORD},
            demux=True,
        )
        out, err = res.output
        if res.exit_code != 0:
            raise RuntimeError((err or b"").decode("utf-8", "replace").strip()[-500:])
        lines = (out or b"").decode().splitlines()
        return {name: int(count) for name, count in (line.rsplit("|", 1) for line in lines if line)}


# -- helpers ------------------------------------------------------------------------------------
def _volume(name: str, target: str, *, read_only: bool = False) -> Any:
    from docker.types import Mount

    return Mount(target=target, source=name, type="volume", read_only=read_only)


def _wait(container: Any, timeout: float) -> tuple[int | None, bool]:
    """Wait for the container to exit; kill it at the deadline. Returns (exit code, timed out)."""
    import requests

    try:
        return int(container.wait(timeout=timeout)["StatusCode"]), False
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        try:
            container.kill()
        except Exception:
            pass
        return None, True


def _logs(container: Any, cap: int, stderr_only: bool = False) -> str:
    """The container's last output, capped (the log driver caps what is kept at all)."""
    try:
        raw = container.logs(stdout=not stderr_only, stderr=True, tail=400)
    except Exception:
        return ""
    text = raw[-min(cap, 4 * TAIL_CHARS) :].decode("utf-8", "replace")
    return text[-TAIL_CHARS:]


def _wait_for_output(container: Any, text: str, budget: float) -> None:
    """Block until the container prints `text` (a helper saying it is ready); fail the sandbox otherwise."""
    deadline = time.monotonic() + budget
    for line in _lines(container.logs(stream=True, follow=True)):
        if text in line:
            return
        if time.monotonic() > deadline:
            break
    raise SandboxUnavailable(f"sandbox helper did not start: {_logs(container, 2000)}")


def _lines(stream: Iterator[bytes], cap: int = EVENT_LINE_CAP) -> Iterator[str]:
    """The stream's lines, each cut at `cap` bytes (the rest of a longer line is dropped)."""
    buf, dropping = b"", False
    for chunk in stream:
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not dropping:
                yield line[:cap].decode("utf-8", "replace")
            dropping = False
        if len(buf) > cap:
            if not dropping:
                yield buf[:cap].decode("utf-8", "replace")
            buf, dropping = b"", True
    if buf and not dropping:
        yield buf.decode("utf-8", "replace")


def _remove(container: Any) -> None:
    try:
        container.remove(force=True, v=True)
    except Exception:  # already gone is fine; anything else is caught by the run's close or the sweep
        pass


def _created(stamp: str) -> float:
    """Seconds since the epoch from Docker's RFC 3339 stamps (which carry nanoseconds)."""
    from datetime import datetime

    stamp = re.sub(r"\.\d+", "", stamp.strip()).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return 0.0


def _tar(folder: Path) -> bytes:
    """The folder as a tar whose entries belong to the sandbox user."""
    buf = io.BytesIO()

    def own(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid, info.gid, info.uname, info.gname = UID, GID, "", ""
        return info

    with tarfile.open(fileobj=buf, mode="w") as tar:
        for entry in sorted(folder.iterdir()):
            tar.add(entry, arcname=entry.name, filter=own)
    return buf.getvalue()


def _suite_tar() -> bytes:
    """The conduit_suite package and the in-pod runner, for the runner container."""
    source = Path(checks.__file__).resolve().parent.parent / "conduit_suite"
    buf = io.BytesIO()

    def own(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if "__pycache__" in info.name:
            return None
        info.uid, info.gid, info.uname, info.gname = UID, GID, "", ""
        return info

    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(source, arcname="conduit_suite", filter=own)
        for helper in ("docker_pod_runner.py", "pod_shared.py", "pyc_warm.py", "egress.py"):
            tar.add(Path(__file__).with_name(helper), arcname=helper, filter=own)
    return buf.getvalue()
