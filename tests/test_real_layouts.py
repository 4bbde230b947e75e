"""Third-party-style layouts through the real pipeline, configured only by what `decaycheck init` writes.

Reference apps recast as public projects are laid out: Flask as a Poetry
project on Python 3.12 (no requirements.txt, versions only in poetry.lock,
`python = "^3.12"`); Express as a member of an npm workspace (the lockfile
at the workspace root, none beside the app); Koa as a yarn project
(yarn.lock, no package-lock.json); FastAPI as a uv project pinned to 3.12 by
`.python-version` (ranges in pyproject.toml, versions in uv.lock). Nothing
is pinned by hand in any config:
the install reads the lock, with the matching tool and interpreter.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.cli import main as cli
from checks.pipeline import evaluate
from checks.runtimes import python_interpreters
from tests.support.cli import CliRunner

pytestmark = pytest.mark.slow

APPS = Path(__file__).parent / "apps"
LOCKS = Path(__file__).parent / "fixtures" / "lockfiles"
L3_NODE = {"architecture": "clean", "database": "postgresql", "orm": "sequelize"}
L3_PYTHON = {"architecture": "clean", "database": "postgresql", "orm": "sqlalchemy"}


def _scores_290(repo: Path, installed_from: str, constraints: dict[str, str]) -> list[str]:
    """Evaluate `repo` as it is; it must start, install from what is named, score 290/290 and pass the gate.

    Returns the progress lines."""
    progress: list[str] = []
    report = evaluate(repo, on_progress=progress.append)
    assert report.error is None and report.startup == "ok", (report.error, report.server_log_tail[-2000:])
    assert report.install.startswith(f"from {installed_from}"), report.install
    failing = [(r.name, [f.assertion for f in r.failures]) for r in report.requests if r.failures]
    assert (report.assertions_passed, report.assertions_total) == (290, 290), failing[:8]
    assert report.constraints == constraints and report.gate_passed, (report.gate, report.findings)
    return [*progress, report.install]


def _init(repo: Path) -> str:
    result = CliRunner().invoke(cli, ["init", str(repo)])
    assert result.exit_code == 0, result.output
    config = (repo / ".github/decaycheck.yml").read_text()
    assert "==" not in config and "install:" not in config.replace("# install:", "")
    return config


PINS = {
    "blinker": "1.9.0",
    "click": "8.5.1",
    "flask": "3.1.3",
    "greenlet": "3.5.6",
    "itsdangerous": "2.2.0",
    "jinja2": "3.1.6",
    "markupsafe": "3.0.4",
    "psycopg": "3.3.9",
    "psycopg-binary": "3.3.9",
    "pyjwt": "2.15.1",
    "sqlalchemy": "2.0.58",
    "typing-extensions": "4.16.0",
    "waitress": "3.0.2",
    "werkzeug": "3.1.9",
}
PYPROJECT = """[tool.poetry]
name = "conduit-flask"
version = "0.1.0"
description = "Conduit on Flask"
package-mode = false

[tool.poetry.dependencies]
python = "^3.12"
flask = "^3.1"
sqlalchemy = "^2.0"
psycopg = {extras = ["binary"], version = "^3.3"}
pyjwt = "^2.8"
waitress = "^3.0"

[tool.poetry.group.dev.dependencies]
pytest = "^8"
"""


def _poetry_lock() -> str:
    packages = [
        f'[[package]]\nname = "{name}"\nversion = "{version}"\ndescription = ""\noptional = false\n'
        f'python-versions = ">=3.8"\ngroups = ["main"]\nfiles = []\n'
        for name, version in PINS.items()
    ]
    dev = '[[package]]\nname = "pytest"\nversion = "8.3.0"\ndescription = ""\noptional = false\ngroups = ["dev"]\nfiles = []\n'
    return "\n".join([*packages, dev, '[metadata]\nlock-version = "2.1"\npython-versions = "^3.12"\n'])


def test_poetry_project_on_python_312_scores_290_with_the_config_init_writes(tmp_path: Path) -> None:
    assert any(v.startswith("3.12") for v in python_interpreters()), (
        "the layout needs a Python 3.12 on the host (pyenv install 3.12)"
    )
    repo = shutil.copytree(APPS / "flask", tmp_path / "flask-poetry", ignore=shutil.ignore_patterns(".venv", "*.db"))
    (repo / "requirements.txt").unlink()
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "poetry.lock").write_text(_poetry_lock())
    _init(repo)
    _scores_290(repo, "poetry.lock on python 3.12", {"framework": "flask", **L3_PYTHON})


def test_npm_workspace_member_installs_from_the_root_lockfile(tmp_path: Path) -> None:
    repo = tmp_path / "monorepo"
    shutil.copytree(APPS / "express", repo / "packages/api", ignore=shutil.ignore_patterns("node_modules"))
    (repo / "packages/api/package-lock.json").unlink()
    (repo / "package.json").write_text('{"name": "conduit-monorepo", "private": true, "workspaces": ["packages/*"]}\n')
    shutil.copy(LOCKS / "express-workspace.package-lock.json", repo / "package-lock.json")
    assert "path: packages/api" in _init(repo)
    progress = _scores_290(repo, "package-lock.json on node", {"framework": "express", **L3_NODE})
    assert any("member of the workspace at the repository root" in line for line in progress)


def test_yarn_project_installs_with_yarn_from_the_npm_registry(tmp_path: Path) -> None:
    repo = shutil.copytree(APPS / "koa", tmp_path / "koa-yarn", ignore=shutil.ignore_patterns("node_modules"))
    (repo / "package-lock.json").unlink()
    shutil.copy(LOCKS / "koa.yarn.lock", repo / "yarn.lock")
    _init(repo)
    _scores_290(repo, "yarn.lock on node", {"framework": "koa", **L3_NODE})


def test_a_native_module_builds_in_the_install_sandbox(tmp_path: Path) -> None:
    """bcrypt@5 would download a prebuilt binary from a host the install step cannot reach: it builds instead."""
    import subprocess

    from checks import runtimes
    from checks.sandbox import InstallSpec, Limits, get_backend

    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "native", "private": true, "dependencies": {"bcrypt": "5.1.1"}}\n')
    plan = runtimes.install_plan("node", app, None, {})
    backend = get_backend("local")
    (tmp_path / "work").mkdir()
    spec = InstallSpec(runtime="node", commands=plan.commands, env=plan.env, ro_paths=plan.ro_paths, limits=Limits())
    installed = backend.install(app, tmp_path / "work", spec)
    assert installed.ok, installed.log_tail[-3000:] + runtimes.installer_error(app)
    hashed = subprocess.run(
        ["node", "-e", "process.stdout.write(require('bcrypt').hashSync('x', 4).slice(0, 7))"],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert hashed.stdout == "$2b$04$", hashed.stderr


def test_uv_project_with_a_python_version_file(tmp_path: Path) -> None:
    repo = shutil.copytree(APPS / "fastapi", tmp_path / "fastapi-uv", ignore=shutil.ignore_patterns(".venv"))
    (repo / "requirements.txt").unlink()
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(LOCKS / "fastapi-uv" / name, repo / name)
    (repo / ".python-version").write_text("3.12\n")
    _init(repo)
    [*_, installed] = _scores_290(repo, "uv.lock on python 3.12", {"framework": "fastapi", **L3_PYTHON})
    assert ".python-version: 3.12" in installed


def test_pnpm_workspace_member_installs_with_pnpm_from_the_root(tmp_path: Path) -> None:
    repo = tmp_path / "pnpm-monorepo"
    shutil.copytree(APPS / "koa", repo / "apps/api", ignore=shutil.ignore_patterns("node_modules"))
    (repo / "apps/api/package-lock.json").unlink()
    (repo / "package.json").write_text('{"name": "conduit-pnpm", "private": true}\n')
    (repo / "pnpm-workspace.yaml").write_text('packages:\n  - "apps/*"\n')
    shutil.copy(LOCKS / "koa-workspace.pnpm-lock.yaml", repo / "pnpm-lock.yaml")
    assert "path: apps/api" in _init(repo)
    _scores_290(repo, "pnpm-lock.yaml on node", {"framework": "koa", **L3_NODE})


def test_knex_app_is_compliant_under_orm_knex_and_scores_290(tmp_path: Path) -> None:
    from tests.support.variants import CORPUS, Variant
    from verifiers import Constraints, verify

    variant = Variant.load(CORPUS / "layout_koa_knex.yml")
    repo = variant.materialize(tmp_path / "koa-knex")
    declared = Constraints(framework="koa", architecture="clean", database="postgresql", orm="knex")
    assert [f"{f.rule} {f.path}:{f.line}" for f in verify(repo, declared)] == []
    assert "orm: knex" in _init(repo)
    _scores_290(repo, "package.json on node", {**L3_NODE, "framework": "koa", "orm": "knex"})
