"""The deployment: the compose file starts a service that answers /healthz; the Helm chart is sound.

The compose test builds the service image on the local Python stand-in (no
registry), runs the shipped file with every service moved to the host network
and bound to loopback on free ports (the engine has no bridge), and tears the
project down afterwards. With
no `helm` binary installable here, the chart is checked structurally: its
YAML parses, every manifest names apiVersion and kind, every `.Values` path a
template reads exists in values.yaml, and every `include` names a defined
helper.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "decaycheck"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def compose_command() -> list[str]:
    """`docker compose` (v2 plugin) when present, else Debian's `docker-compose`."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("neither `docker compose` nor `docker-compose` is installed (./dev test installs docker-compose)")


def throwaway_private_key() -> str:
    """A fresh RSA key in PEM, newlines escaped as the env file wants them."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode().strip().replace("\n", "\\n")


def on_host_network(compose_file: Path, folder: Path) -> Path:
    """The compose file with every service on the host network (this engine has no bridge):
    `network_mode: host`, no published ports, Redis bound to loopback. Everything else is as shipped."""
    config = yaml.safe_load(compose_file.read_text())
    for _name, service in config["services"].items():
        service["network_mode"] = "host"
        service.pop("ports", None)
        if "build" in service:
            service["build"]["context"] = str((compose_file.parent / service["build"]["context"]).resolve())
    redis = config["services"]["redis"]
    redis["command"] = [*redis["command"], "--bind", "127.0.0.1"]
    target = folder / "compose.host-network.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


@pytest.fixture
def compose_project(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str], int]]:
    if os.environ.get("DECAYCHECK_SKIP_DOCKER") == "1":
        pytest.skip("DECAYCHECK_SKIP_DOCKER=1")
    env_file = tmp_path / "decaycheck.env"
    env_file.write_text(
        "DECAYCHECK_APP_ID=12345\nDECAYCHECK_WEBHOOK_SECRET=compose-test\n"
        f"DECAYCHECK_PRIVATE_KEY={throwaway_private_key()}\n"
    )
    web_port, redis_port = free_port(), free_port()
    env = {
        **os.environ,
        "DECAYCHECK_ENV_FILE": str(env_file),
        "DECAYCHECK_IMAGE": "decaycheck:compose-test",
        "DECAYCHECK_PYTHON_BASE": "decaycheck/python:local",
        "DECAYCHECK_BUILD_NETWORK": "host",
        "DECAYCHECK_REDIS_IMAGE": "decaycheck/redis:local",
        "DECAYCHECK_DOCKER_IMAGES": "local",
        "DECAYCHECK_DOCKER_GID": str(os.stat("/var/run/docker.sock").st_gid),
        "DECAYCHECK_LISTEN_HOST": "127.0.0.1",
        "DECAYCHECK_LISTEN_PORT": str(web_port),
        "DECAYCHECK_REDIS_PORT": str(redis_port),
        "DECAYCHECK_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    base = [
        *compose_command(),
        "-p",
        f"decaycheck-test-{uuid.uuid4().hex[:8]}",
        "-f",
        str(on_host_network(DEPLOY / "compose.yml", tmp_path)),
    ]
    try:
        yield base, env, web_port
    finally:
        subprocess.run([*base, "down", "-v", "--remove-orphans", "-t", "5"], env=env, capture_output=True, timeout=120)
        # Earlier builds of the test image, superseded by this one.
        subprocess.run(
            ["docker", "image", "prune", "-f", "--filter", "label=org.opencontainers.image.title=decaycheck"],
            capture_output=True,
            timeout=120,
        )


@pytest.mark.docker
@pytest.mark.slow
def test_compose_starts_the_service_answering_healthz(compose_project: tuple[list[str], dict[str, str], int]) -> None:
    base, env, port = compose_project
    up = subprocess.run([*base, "up", "-d", "--build"], env=env, capture_output=True, text=True, timeout=900)
    assert up.returncode == 0, up.stderr[-3000:]
    deadline, last = time.monotonic() + 60, "no answer"
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            resp = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            if resp.status_code == 200:
                body = resp.json()
                break
            last = f"HTTP {resp.status_code}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.5)
    logs = subprocess.run([*base, "logs", "--no-color"], env=env, capture_output=True, text=True).stdout
    assert body == {"status": "ok", "queue": "redis"}, f"{last}\n{logs[-3000:]}"
    ps = subprocess.run([*base, "ps", "-q", "worker"], env=env, capture_output=True, text=True)
    worker_ids = ps.stdout.split()
    assert worker_ids, logs[-3000:]
    state = subprocess.run(
        ["docker", "inspect", "-f", "{{.State.Status}} {{.HostConfig.ReadonlyRootfs}}", *worker_ids],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert state[:2] == ["running", "true"], logs[-3000:]


def test_compose_files_are_valid() -> None:
    env = {**os.environ, "DECAYCHECK_ENV_FILE": str(DEPLOY / "decaycheck.env.example")}
    res = subprocess.run(
        [*compose_command(), "-f", str(DEPLOY / "compose.yml"), "config", "-q"], env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    config = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    assert set(config["services"]) == {"web", "worker", "redis"}
    worker = config["services"]["worker"]
    assert worker["environment"]["DECAYCHECK_SANDBOX"] == "docker"
    assert any("docker.sock" in v for v in worker["volumes"])
    assert "volumes" not in config["services"]["web"]  # only workers get the Docker socket


# -- Helm chart -------------------------------------------------------------------------------
ACTION = re.compile(r"{{-?\s*(.*?)\s*-?}}", re.S)


def values_paths(tree: object, prefix: str = "") -> set[str]:
    paths = {prefix} if prefix else set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            paths |= values_paths(value, f"{prefix}.{key}" if prefix else key)
    return paths


def strip_actions(text: str) -> str:
    """The template with its actions removed line by line, so the remaining YAML skeleton can be parsed."""
    lines = []
    for line in text.splitlines():
        stripped = ACTION.sub("X", line)
        if stripped.strip() in ("X", ""):
            continue
        lines.append(stripped)
    return "\n".join(lines)


def test_helm_chart_is_structurally_sound() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "decaycheck" and chart["version"]
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    known = values_paths(values)
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    defined = set(re.findall(r'define "([^"]+)"', helpers))
    kinds: set[str] = set()
    for template in sorted((CHART / "templates").glob("*.yaml")):
        text = template.read_text()
        assert "{{" not in ACTION.sub("", text), f"{template.name}: an action is not closed"
        for action in ACTION.findall(text + helpers):
            for ref in re.findall(r"\.Values\.([A-Za-z0-9_.]+)", action):
                assert ref in known, f"{template.name}: .Values.{ref} is not in values.yaml"
            for name in re.findall(r'include "([^"]+)"', action):
                assert name in defined, f"{template.name}: include {name!r} is not defined"
        for doc in strip_actions(text).split("\n---"):
            manifest = yaml.safe_load(doc)
            assert isinstance(manifest, dict), template.name
            assert {"apiVersion", "kind", "metadata"} <= set(manifest), template.name
            kinds.add(manifest["kind"])
    assert {"Deployment", "Service", "StatefulSet", "Secret"} <= kinds
    worker = (CHART / "templates" / "worker.yaml").read_text()
    assert "DECAYCHECK_SANDBOX" in worker and "docker.sock" in worker
    assert values["sandbox"]["images"] == {
        "python": "python:3.11-slim",
        "node": "node:20-slim",
        "postgres": "postgres:16",
        "runner": "decaycheck/suite-runner:0.1.0",
    }
