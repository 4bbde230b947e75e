"""What the install step runs for what a repository declares: lockfiles first, the interpreter it asks for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks import runtimes


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("runtime", "files", "source", "command"),
    [
        ("python", ["uv.lock", "requirements.txt"], "uv.lock", "uv sync --frozen"),
        ("python", ["poetry.lock", "pyproject.toml", "requirements.txt"], "poetry.lock", "locked.txt"),
        ("python", ["requirements.txt", "pyproject.toml"], "requirements.txt", "-r requirements.txt"),
        ("python", ["Pipfile.lock"], "Pipfile.lock", "locked.txt"),
        ("node", ["package-lock.json", "package.json"], "package-lock.json", "npm ci"),
        ("node", ["npm-shrinkwrap.json", "package.json"], "npm-shrinkwrap.json", "npm ci"),
        ("node", ["yarn.lock", "package.json"], "yarn.lock", "yarn@1"),
        ("node", ["pnpm-lock.yaml", "package.json"], "pnpm-lock.yaml", "pnpm@9"),
        ("node", ["package.json"], "package.json", "npm install"),
    ],
)
def test_first_lockfile_wins(runtime: str, files: list[str], source: str, command: str, tmp_path: Path) -> None:
    contents = {
        "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.1.3"\ngroups = ["main"]\n',
        "Pipfile.lock": json.dumps({"default": {"flask": {"version": "==3.1.3"}}}),
        "yarn.lock": '"koa@^2":\n  resolved "https://registry.yarnpkg.com/koa/-/koa-2.16.4.tgz"\n',
    }
    app = _tree(tmp_path, {f: contents.get(f, "{}\n" if f.endswith(".json") else "") for f in files})
    plan = runtimes.install_plan(runtime, app, None, {})
    assert plan.source == source and command in plan.commands[len(runtimes.PROFILES[runtime].prepare)]
    if source in ("poetry.lock", "Pipfile.lock"):
        assert (app / ".decaycheck/locked.txt").read_text() == "flask==3.1.3\n"
    if source == "yarn.lock":
        assert "registry.npmjs.org/koa" in (app / "yarn.lock").read_text()
    if runtime == "node":
        assert plan.env["npm_config_build_from_source"] == "true"
        assert (Path(plan.env["npm_config_nodedir"]) / "include/node/node.h").is_file()


def test_poetry_lock_leaves_dev_packages_out_and_keeps_markers(tmp_path: Path) -> None:
    lock = (
        '[[package]]\nname = "flask"\nversion = "3.1.3"\ncategory = "main"\n\n'
        '[[package]]\nname = "pytest"\nversion = "8.3.0"\ncategory = "dev"\n\n'
        '[[package]]\nname = "colorama"\nversion = "0.4.6"\ngroups = ["main"]\nmarkers = "sys_platform == \\"win32\\""\n'
    )
    app = _tree(tmp_path, {"poetry.lock": lock})
    assert runtimes.locked_requirements(app, "poetry.lock") == [
        "flask==3.1.3",
        'colorama==0.4.6 ; sys_platform == "win32"',
    ]


def test_interpreter_from_config_or_repo_and_a_clear_error(tmp_path: Path) -> None:
    found = runtimes.python_interpreters()
    assert found and all(p.name.startswith("python3") for p in found.values())
    app = _tree(tmp_path, {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.99"\n'})
    assert runtimes.declared_python(app) == (">=3.99,<4", "tool.poetry.dependencies.python")
    with pytest.raises(runtimes.RuntimeUnavailable, match=r"asks for python '>=3.99,<4'; this host has .*3\."):
        runtimes.choose_python(app, None)
    with pytest.raises(runtimes.RuntimeUnavailable, match=r"app\.python asks for python '2\.1'"):
        runtimes.choose_python(app, "2.1")
    (app / ".python-version").write_text(next(iter(found)) + "\n")
    chosen, why = runtimes.choose_python(app, None)
    assert chosen == found[next(iter(found))] and ".python-version" in why
    with pytest.raises(runtimes.RuntimeUnavailable, match=r"app\.node asks for node '1'"):
        runtimes.check_node(app, "1")


def test_dependencies_as_of_the_commit_date(tmp_path: Path) -> None:
    import subprocess

    from checks.pipeline import _commit_date

    repo = _tree(tmp_path / "repo", {"requirements.txt": "flask\n"})
    with pytest.raises(runtimes.RuntimeUnavailable, match="no commit"):
        _commit_date(repo)
    env = {"GIT_COMMITTER_DATE": "2024-03-01T12:00:00+02:00", "GIT_AUTHOR_DATE": "2024-03-01T12:00:00+02:00"}
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    stamp = _commit_date(repo)
    assert stamp == "2024-03-01T10:00:00Z"
    plan = runtimes.install_plan("python", repo, None, {}, as_of=stamp)
    assert plan.env["UV_EXCLUDE_NEWER"] == stamp and plan.env["npm_config_before"] == stamp
    assert "UV_EXCLUDE_NEWER" not in runtimes.install_plan("python", repo, None, {}).env


def test_the_docker_backend_picks_the_image_of_the_version(tmp_path: Path) -> None:
    from checks.sandbox.docker_images import LOCAL, OFFICIAL

    assert OFFICIAL.for_runtime("python", "3.12") == "python:3.12-slim"
    assert OFFICIAL.for_runtime("node", "20") == "node:20-slim"
    assert OFFICIAL.for_runtime("python") == OFFICIAL.python
    assert LOCAL.for_runtime("python", "3.12") == LOCAL.python  # a stand-in built here is what it is
    app = _tree(tmp_path, {"requirements.txt": "flask\n", ".python-version": "3.12\n"})
    assert runtimes.install_plan("python", app, None, {}).version == "3.12"


def test_the_installers_own_log_is_quoted_cause_first(tmp_path: Path) -> None:
    assert runtimes.installer_error(tmp_path) == ""
    lines = ["1 verbose cli /usr/bin/node npm ci"]
    lines.append(
        "374 error node-pre-gyp ERR! install request to https://github.com/x.tgz failed, reason: getaddrinfo ENOTFOUND github.com"
    )
    lines += [f"{400 + i} error gyp ERR! stack line {i}" for i in range(40)]
    _tree(tmp_path, {".decaycheck/npm-logs/2026-01-01T00_00_00_000Z-debug-0.log": "\n".join(lines) + "\n"})
    quoted = runtimes.installer_error(tmp_path).splitlines()
    assert "getaddrinfo ENOTFOUND github.com" in quoted[0] and quoted[1] == "..."
    assert quoted[-1].endswith("stack line 39") and len(quoted) <= 32
