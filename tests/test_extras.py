"""`pip install decaycheck` without extras: the CLI works; what needs an extra says which one to install.

The extras' modules are blocked by a folder of stub packages put first on
PYTHONPATH, each raising ModuleNotFoundError as a missing package would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = Path(__file__).parent / "apps"
APP_EXTRA = ("fastapi", "uvicorn", "arq", "redis", "gidgethub", "jwt", "prometheus_client", "pydantic_settings")
DOCKER_EXTRA = ("docker",)
APP_HINT = "pip install 'decaycheck[app]'"


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which every module of the app and docker extras fails to import."""
    stubs = tmp_path_factory.mktemp("no-extras")
    for module in APP_EXTRA + DOCKER_EXTRA:
        (stubs / module).mkdir()
        (stubs / module / "__init__.py").write_text(
            f"raise ModuleNotFoundError({f'No module named {module!r}'!r}, name={module!r})\n"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECAYCHECK_")}
    env["PYTHONPATH"] = os.pathsep.join([str(stubs), str(ROOT)])
    env["COLUMNS"] = "200"
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_stubs_block_the_extras(bare: dict[str, str]) -> None:
    probe = subprocess.run([sys.executable, "-c", "import fastapi"], env=bare, capture_output=True, text=True)
    assert probe.returncode == 1 and "No module named 'fastapi'" in probe.stderr


def test_the_core_dependencies_hold_no_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {dep.split(">")[0].split("=")[0].split("[")[0].lower() for dep in project["dependencies"]}
    blocked = {"fastapi", "uvicorn", "arq", "redis", "gidgethub", "pyjwt", "prometheus-client", "docker"}
    assert core and not core & (blocked | {"pydantic-settings"})
    extras = project["optional-dependencies"]
    assert {"fastapi", "uvicorn", "arq", "redis", "prometheus-client"} <= {d.split(">")[0] for d in extras["app"]}
    assert [d.split(">")[0] for d in extras["docker"]] == ["docker"]
    assert "decaycheck[app,docker,conformance]" in extras["dev"]


@pytest.mark.parametrize("command", ["run", "suite", "verify", "diagnose", "batch", "serve", "worker"])
def test_every_command_explains_itself_without_extras(bare: dict[str, str], command: str) -> None:
    proc = cli(bare, command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "usage: decaycheck" in proc.stdout and command in proc.stdout


def test_verify_diagnose_and_suite_run_without_extras(bare: dict[str, str], tmp_path: Path) -> None:
    verified = cli(bare, "verify", str(APPS / "flask"), "--level", "L3", "--framework", "flask")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "0 findings" in verified.stdout
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps({"requests": [], "server_log": "", "startup": "start_failed", "findings": []}))
    diagnosed = cli(bare, "diagnose", "--input", str(evidence))
    assert diagnosed.returncode == 1 and "server_startup_failure" in diagnosed.stdout, diagnosed.stderr
    with socket.socket() as sock:  # a port nobody answers on: every assertion fails, the command still works
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    suite = cli(bare, "suite", "--base-url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert suite.returncode == 1 and "compat: 0/290 assertions" in suite.stdout, suite.stdout + suite.stderr


@pytest.mark.parametrize(("command", "module"), [("serve", "uvicorn"), ("worker", "arq")])
def test_the_app_commands_name_the_app_extra(bare: dict[str, str], command: str, module: str) -> None:
    proc = cli(bare, command)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == (
        f"error: decaycheck {command} needs the 'app' extra ({module} is not installed): {APP_HINT}"
    )


def test_a_batch_on_the_queue_names_the_app_extra(bare: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(APPS / "broken_exits", source / "one")
    proc = cli(
        {**bare, "DECAYCHECK_REDIS_URL": "redis://127.0.0.1:6379/15"},
        "batch",
        str(source),
        "--out",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert APP_HINT in " ".join(proc.stderr.split())


def test_the_docker_sandbox_names_the_docker_extra(bare: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = cli(bare, "run", str(APPS / "broken_exits"), "--sandbox", "docker", "--json", str(out))
    assert proc.returncode == 2
    assert json.loads(out.read_text())["error"] == (
        "the docker sandbox needs the 'docker' extra (docker is not installed): pip install 'decaycheck[docker]'"
    )
