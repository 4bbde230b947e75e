"""The CLI's import graph: `decaycheck --help` loads the standard library alone, `decaycheck suite` the runner.

Each check runs the command in a fresh interpreter and lists the modules it
loaded, so what makes a command slow to start (the App's web stack, the
queue, the Docker SDK, pydantic, rich) cannot creep back in unseen. The
times themselves are measured by `python -m benchmarks startup`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "arq",
    "redis",
    "docker",
    "prometheus_client",
    "gidgethub",
    "jwt",
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "rich",
    "click",
    "typer",
    "jinja2",
    "jsonschema",
    "tree_sitter",
)

PROBE = """
import json, sys
from bot.cli import main
sys.argv = ["decaycheck", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(*args: str) -> tuple[int, set[str], str]:
    """Exit code, top-level packages loaded, and output of `decaycheck ARGS` run in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    output, _, tail = proc.stdout.rpartition("\n@@")
    assert tail, proc.stderr
    data = json.loads(tail)
    return data["code"], {m.split(".")[0] for m in data["modules"]}, output


def test_the_probe_sees_what_a_command_loads() -> None:
    _code, modules, _ = loaded("verify", "--help")
    assert "bot" in modules and "checks" in modules and "json" in modules


@pytest.mark.parametrize("args", [("--help",), ("suite", "--help"), ("run", "--help"), ("serve", "--help"), ()])
def test_help_loads_the_standard_library_alone(args: tuple[str, ...]) -> None:
    code, modules, output = loaded(*args)
    assert code == 0 and "usage: decaycheck" in output
    ours = {m for m in modules if m in ("bot", "checks", "conduit_suite", "verifiers")}
    assert ours == {"bot", "checks"} and not modules & set(HEAVY)
    assert "httpx" not in modules and "yaml" not in modules


def test_the_suite_command_loads_the_runner_and_not_the_report_stack() -> None:
    with socket.socket() as sock:  # nobody answers: the run is quick and every assertion fails
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, modules, output = loaded("suite", "--base-url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert code == 1 and "compat: 0/290 assertions" in output
    assert {"conduit_suite", "httpx", "yaml"} <= modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert "verifiers" not in modules
