"""The `docker` sandbox backend against a real Docker engine and the locally built images.

The same reference apps must score the same through Docker as through the
local backend; broken apps must get the right startup status; a pod must have
no network but its own loopback, see no secrets, run without capabilities on a
read-only root within limits; and nothing a run creates may survive it, even
when the run fails. `./dev test` starts dockerd and builds the images first.
"""

from __future__ import annotations

import json
import os
import socket
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.pipeline import evaluate
from checks.report import Report
from checks.runtimes import PROFILES, install_plan
from checks.sandbox import PodSpec
from checks.sandbox import docker as docker_backend
from checks.sandbox.docker import LABEL, PYC_VOLUME, DockerBackend
from checks.sandbox.docker_images import LOCAL, images_from_env
from checks.workspace import Workspace
from tests.support.variants import APPS

pytestmark = [pytest.mark.docker, pytest.mark.slow]

SECRETS = {
    "DECAYCHECK_WEBHOOK_SECRET": "webhook-sentinel-7f3a",
    "DECAYCHECK_PRIVATE_KEY": "key-sentinel-91bc",
    "GITHUB_TOKEN": "token-sentinel-55d0",
}


@pytest.fixture(scope="module")
def engine() -> Iterator[DockerBackend]:
    """The backend on the local images; fails (not skips) when the engine or images are missing."""
    if os.environ.get("DECAYCHECK_SKIP_DOCKER") == "1":
        pytest.skip("DECAYCHECK_SKIP_DOCKER=1")
    backend = DockerBackend(LOCAL)
    backend.check()  # raises SandboxUnavailable with the reason: a failure, not a skip
    yield backend


@pytest.fixture()
def own_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the runs this test creates: the engine is shared, and only these are the test's to judge."""
    runs: list[str] = []
    create = docker_backend._Run.create.__func__

    def recording(cls: type, backend: DockerBackend, *args: object) -> object:
        run = create(cls, backend, *args)
        runs.append(run.id)
        return run

    monkeypatch.setattr(docker_backend._Run, "create", classmethod(recording))
    return runs


@pytest.fixture(autouse=True)
def _local_images(monkeypatch: pytest.MonkeyPatch, engine: DockerBackend, own_runs: list[str]) -> Iterator[None]:
    monkeypatch.setenv("DECAYCHECK_DOCKER_IMAGES", "local")
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    yield
    assert leftovers(engine, own_runs) == ([], []), "a run left containers or volumes behind"


def labelled(runs: list[str]) -> list[dict[str, str]]:
    """Docker filters matching the containers and volumes of `runs`, one per run."""
    return [{"label": f"{LABEL}={run}"} for run in runs]


def leftovers(backend: DockerBackend, runs: list[str]) -> tuple[list[str], list[str]]:
    client = backend.client
    return (
        [c.name for f in labelled(runs) for c in client.containers.list(all=True, filters=f)],
        [v.name for f in labelled(runs) for v in client.volumes.list(filters=f)],
    )


def scores(report: Report) -> list[tuple[str, int, int]]:
    return [(r.name, r.passed, r.total) for r in report.requests]


@pytest.mark.parametrize("app", ["flask", "express"])
def test_reference_app_scores_the_same_as_local(app: str) -> None:
    docker_report = evaluate(APPS / app, sandbox="docker")
    assert docker_report.error is None, docker_report.server_log_tail
    assert docker_report.startup == "ok"
    assert (docker_report.assertions_passed, docker_report.assertions_total) == (290, 290)
    local_report = evaluate(APPS / app, sandbox="local")
    assert local_report.error is None
    assert scores(docker_report) == scores(local_report)
    assert docker_report.findings == local_report.findings


def write_app(root: Path, main: str, *, requirements: str = "", config: str = "") -> Path:
    """A tiny stdlib Python app: `main.py` started by `run.sh`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "requirements.txt").write_text(requirements)
    (root / "main.py").write_text(textwrap.dedent(main))
    (root / "run.sh").write_text("#!/bin/sh\nexec python main.py\n")
    (root / "run.sh").chmod(0o755)
    if config:
        (root / ".github").mkdir()
        (root / ".github/decaycheck.yml").write_text(textwrap.dedent(config))
    return root


HEALTHY_SERVER = textwrap.indent(
    (Path(__file__).resolve().parent / "hostile" / "healthy_server.py").read_text(), "    "
)


def test_app_that_exits_gets_start_failed(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", "import sys\nprint('boom: cannot bind', flush=True)\nsys.exit(3)\n")
    report = evaluate(app, sandbox="docker")
    assert report.error is None
    assert report.startup == "start_failed"
    assert "boom: cannot bind" in report.server_log_tail
    assert report.assertions_passed == 0


def test_app_never_healthy_gets_health_timeout(tmp_path: Path) -> None:
    main = HEALTHY_SERVER.replace('200 if self.path == "/api/health-check" else 404', "503")
    app = write_app(tmp_path / "app", main, config="limits: {start_s: 4}\n")
    report = evaluate(app, sandbox="docker")
    assert report.error is None
    assert report.startup == "health_timeout"


def test_bad_requirements_get_install_failed(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", HEALTHY_SERVER, requirements="flask===\n")
    report = evaluate(app, sandbox="docker")
    assert report.error is None
    assert report.startup == "install_failed"


PROBE = (
    """
    import json, os, socket
    facts = {}
    status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
    facts["uid"] = os.getuid()
    facts["cap_eff"] = status["CapEff"].strip()
    facts["no_new_privs"] = status.get("NoNewPrivs", "").strip()
    facts["interfaces"] = sorted(os.listdir("/sys/class/net"))
    facts["postgres"] = socket.gethostbyname("postgres")
    def connect(host, port):
        try:
            socket.create_connection((host, port), timeout=3).close()
            return "connected"
        except OSError as exc:
            return type(exc).__name__
    facts["own_database"] = connect("127.0.0.1", 5432)
    facts["host_sentinel"] = connect("127.0.0.1", int(os.environ["SENTINEL_PORT"]))
    facts["documentation_net"] = connect("192.0.2.1", 80)  # reserved, never routed: proves there is no route
    try:
        open("/usr/probe", "w")
        facts["root_writable"] = True
    except OSError:
        facts["root_writable"] = False
    facts["env"] = dict(os.environ)
    facts["install_env"] = open("install-env.txt").read()
    print("PROBE " + json.dumps(facts), flush=True)
"""
    + HEALTHY_SERVER
)


def test_pod_is_isolated_unprivileged_and_secret_free(
    tmp_path: Path, engine: DockerBackend, own_runs: list[str]
) -> None:
    # A server on the host's loopback that the pod must not be able to reach.
    sentinel = socket.socket()
    sentinel.bind(("127.0.0.1", 0))
    sentinel.listen()
    sentinel.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(sentinel.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    port = sentinel.getsockname()[1]
    config = f"""
        app:
          install: uv pip install -r requirements.txt && env > install-env.txt
          env: {{SENTINEL_PORT: "{port}"}}
    """
    app = write_app(tmp_path / "app", PROBE, config=config)
    inspected: list[dict] = []

    def on_progress(message: str) -> None:
        if message.startswith("server ok"):  # the pod is up: read its containers' settings from the engine
            for c in [c for f in labelled(own_runs) for c in engine.client.containers.list(filters=f)]:
                inspected.append({"role": c.labels["org.decaycheck.role"], **c.attrs["HostConfig"]})

    try:
        report = evaluate(app, sandbox="docker", on_progress=on_progress)
    finally:
        stop.set()
        sentinel.close()
    assert report.startup == "ok", report.server_log_tail
    line = next(ln for ln in report.server_log_tail.splitlines() if ln.startswith("PROBE "))
    facts = json.loads(line[len("PROBE ") :])

    assert facts["interfaces"] == ["lo"]
    assert facts["postgres"] == "127.0.0.1"
    assert facts["own_database"] == "connected"
    assert facts["host_sentinel"] == "ConnectionRefusedError" and accepted == []
    assert facts["documentation_net"] != "connected"
    assert facts["uid"] == 1000 and facts["cap_eff"] == "0000000000000000" and facts["no_new_privs"] == "1"
    assert facts["root_writable"] is False
    for name, value in SECRETS.items():
        assert name not in facts["env"] and value not in json.dumps(facts["env"])
        assert name not in facts["install_env"] and value not in facts["install_env"]
    assert "SENTINEL_PORT" in facts["install_env"]  # the repo's own env does reach the install step

    roles = {c["role"]: c for c in inspected}
    assert set(roles) == {"app", "postgres", "runner"}
    assert roles["app"]["NetworkMode"] == "none"
    for role in ("postgres", "runner"):
        assert roles[role]["NetworkMode"].startswith("container:")
    for c in inspected:
        assert c["CapDrop"] == ["ALL"] and not c.get("CapAdd")
        assert c["ReadonlyRootfs"] is True
        assert "no-new-privileges" in c["SecurityOpt"]
        assert c["PidsLimit"] > 0 and c["Memory"] > 0 and c["NanoCpus"] > 0
        assert c["LogConfig"]["Config"].get("max-size")


def test_failed_pod_leaves_nothing_behind(engine: DockerBackend, tmp_path: Path) -> None:
    broken = DockerBackend(LOCAL.model_copy(update={"runner": "decaycheck/no-such-runner:local"}))
    with Workspace(APPS / "flask") as ws:
        plan = install_plan("python", ws.app, None, {})
        spec = PodSpec(runtime="python", env=plan.env, frozen_dirs=list(PROFILES["python"].frozen_dirs))
        with pytest.raises(Exception, match="no-such-runner"):
            broken.run_pod(ws.app, ws.run, spec)
    # The autouse fixture asserts no container or volume of the run is left; the cache stays.
    assert PYC_VOLUME in [v.name for v in engine.client.volumes.list()]


def test_image_settings_name_official_images_unless_told_otherwise() -> None:
    assert images_from_env({}).model_dump() == {
        "python": "python:3.11-slim",
        "node": "node:20-slim",
        "postgres": "postgres:16",
        "runner": "decaycheck/suite-runner:0.1.0",
    }
    assert images_from_env({"DECAYCHECK_DOCKER_IMAGES": "local"}) == LOCAL
    custom = images_from_env({"DECAYCHECK_DOCKER_IMAGES": '{"postgres": "postgres:16.4"}'})
    assert (custom.postgres, custom.python) == ("postgres:16.4", "python:3.11-slim")
