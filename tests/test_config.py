"""Repo config: defaults are the study's contract; every error names file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.config import ConfigError, load, parse, resolve


def _repo(tmp_path: Path, config: str | None = None, files: dict[str, str] | None = None) -> Path:
    for name, text in (files or {"requirements.txt": "flask\n"}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    if config is not None:
        (tmp_path / ".github").mkdir(exist_ok=True)
        (tmp_path / ".github/decaycheck.yml").write_text(config)
    return tmp_path


def test_no_file_gives_the_study_contract(tmp_path: Path) -> None:
    r = resolve(_repo(tmp_path))
    assert (r.runtime, r.port, r.database, r.source) == ("python", 8080, "postgresql", None)
    app = r.config.app
    assert (app.start, app.api_prefix, app.health_path, app.install) == ("./run.sh", "/api", "/api/health-check", None)
    assert r.config.suites == ["compat"]
    assert r.config.limits.install_s == 600 and r.config.limits.start_s == 60 and r.config.limits.memory_mb == 2048
    assert r.constraints.declared() == {}


def test_node_is_detected_with_its_port(tmp_path: Path) -> None:
    r = resolve(_repo(tmp_path, files={"package.json": "{}"}))
    assert (r.runtime, r.port) == ("node", 3000)


def test_declared_framework_decides_the_runtime(tmp_path: Path) -> None:
    r = resolve(_repo(tmp_path, "constraints: {framework: koa}\n", files={"requirements.txt": ""}))
    assert (r.runtime, r.port) == ("node", 3000)


def test_level_expands_and_keys_override(tmp_path: Path) -> None:
    r = resolve(_repo(tmp_path, "constraints:\n  level: L3\n  framework: express\n  database: sqlite\n"))
    assert r.constraints.declared() == {
        "framework": "express",
        "architecture": "clean",
        "database": "sqlite",
        "orm": "sequelize",
    }
    assert r.database == "sqlite"
    r = resolve(_repo(tmp_path, "constraints:\n  level: L3\n  orm: none\n"))
    assert r.constraints.declared() == {"architecture": "clean", "database": "postgresql", "orm": "none"}


def test_every_key_can_be_overridden(tmp_path: Path) -> None:
    text = """
constraints: {level: L1, framework: flask}
app:
  path: service
  runtime: python
  install: pip install .
  start: python main.py
  port: 9000
  api_prefix: /v1/
  health_path: /healthz
  env: {SECRET_KEY: dev, WORKERS: 2, DEBUG: false}
suites: strict
gate: {min_assert_pct: 90, strict_aspects: [status_codes, shapes]}
limits: {install_s: 100, start_s: 5, suite_s: 30, memory_mb: 512}
"""
    r = resolve(_repo(tmp_path, text, files={"service/requirements.txt": ""}))
    app = r.config.app
    assert r.app_dir == (tmp_path / "service").resolve() and r.port == 9000
    assert (app.install, app.start, app.api_prefix, app.health_path) == (
        "pip install .",
        "python main.py",
        "/v1",
        "/healthz",
    )
    assert app.env == {"SECRET_KEY": "dev", "WORKERS": "2", "DEBUG": "false"}
    assert r.config.suites == ["strict"] and r.config.gate.min_assert_pct == 90
    assert r.config.gate.strict_aspects == ["status_codes", "shapes"]
    assert r.config.limits.memory_mb == 512 and r.source is not None


@pytest.mark.parametrize(
    ("text", "line", "key", "problem"),
    [
        ("app:\n  port: 8080\n  prot: 1\n", 3, "app.prot", "unknown key"),
        ("suites: [compat]\nconstraints:\n\n  orm: hibernate\n", 4, "constraints.orm", "hibernate"),
        ("app:\n  port: eighty\n", 2, "app.port", "integer"),
        ("suites:\n  - compat\n  - fuzz\n", 3, "suites.1", "expected 'compat' or 'strict'"),
        ("limits: {install_s: -1}\n", 1, "limits.install_s", "greater than 0"),
        ("gate:\n  pass_at_1: maybe\n", 2, "gate.pass_at_1", "boolean"),
        ("gate:\n  strict_aspects: [shapes, colour]\n", 2, "gate.strict_aspects", "unknown aspect(s) 'colour'"),
        ("gate:\n  strict_aspects: []\n", 2, "gate.strict_aspects", "at least 1 item"),
        ("app:\n  health_path: health\n", 2, "app.health_path", "must start with '/'"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(_repo(tmp_path, text))
    err = info.value
    assert (err.file, err.line, err.key) == (".github/decaycheck.yml", line, key)
    assert problem in err.problem
    assert str(err).startswith(f".github/decaycheck.yml:{line}: {key}: ")


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(_repo(tmp_path, "app:\n  port: 8080\n  env: {A: 1\nsuites: [compat]\n"))
    assert info.value.line in (4, 5) and "YAML syntax" in str(info.value)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError, match="must hold a mapping"):
        parse("- compat\n- strict\n")


def test_empty_file_is_the_defaults() -> None:
    assert parse("# nothing here\n").suites == ["compat"]


def test_explicit_config_file_is_used_and_must_exist(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    other = tmp_path / "elsewhere.yml"
    other.write_text("app: {port: 5000}\n")
    assert resolve(repo, other).port == 5000
    with pytest.raises(ConfigError, match="file not found"):
        resolve(repo, tmp_path / "missing.yml")


def test_app_path_must_be_a_folder_inside_the_repo(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", "app: {path: ../..}\n")
    with pytest.raises(ConfigError, match="outside the repository") as info:
        resolve(repo)
    assert info.value.key == "app.path"
    _repo(tmp_path / "repo", "app: {path: nope}\n")
    with pytest.raises(ConfigError, match="not a folder"):
        resolve(tmp_path / "repo")


def test_every_default_has_one_source_and_the_docs_quote_it() -> None:
    """The config, the sandbox specs and docs/design.md agree on the defaults of checks/defaults.py."""
    import re

    import yaml

    from checks import defaults
    from checks.config import LimitsConfig, RepoConfig
    from checks.sandbox.base import Limits, PodSpec

    assert LimitsConfig().limits() == Limits()
    assert Limits().log_bytes == defaults.LOG_KB * 1024 and Limits().install_s == defaults.INSTALL_S
    app, pod = RepoConfig().app, PodSpec(runtime="python")
    assert (app.start, app.api_prefix, app.health_path) == (pod.start, pod.api_prefix, pod.health_path)
    assert (RepoConfig().suites, RepoConfig().database()) == (pod.suites, pod.database)
    assert resolve(Path(__file__).parent / "apps" / "flask").port == pod.port == defaults.PORTS["python"]
    design = (Path(__file__).resolve().parent.parent / "docs" / "design.md").read_text()
    documented = yaml.safe_load(re.search(r"^limits: \{.*\}", design, re.M)[0])["limits"]
    assert documented == LimitsConfig().model_dump()


def test_layer_maps_waivers_and_toolchain_keys() -> None:
    cfg = parse(
        "constraints:\n  architecture:\n    layers:\n      repositories: ['impl/*_repository.py']\n"
        "waivers:\n  - {rule: 'orm.*', path: app/report.py, reason: reviewed}\n"
        "app: {python: 3.12, node: 20, dependencies_as_of: commit, ready: health}\n"
    )
    assert cfg.layers == {"repositories": ["impl/*_repository.py"]}
    assert cfg.declared_constraints().architecture == "clean"
    assert cfg.waivers[0].covers("orm.raw-query", "app/report.py") and not cfg.waivers[0].covers(
        "orm.raw-query", "x.py"
    )
    assert (cfg.app.python, cfg.app.node, cfg.app.dependencies_as_of, cfg.app.ready) == (
        "3.12",
        "20",
        "commit",
        "health",
    )
    assert parse("constraints: {architecture: none}").layers is None


@pytest.mark.parametrize(
    ("text", "line", "key", "problem"),
    [
        (
            "constraints:\n  architecture:\n    layers: {repos: [a]}\n",
            3,
            "constraints.architecture.layers.repos",
            "expected 'routes'",
        ),
        (
            "constraints:\n  architecture:\n    layers:\n      routes: []\n",
            3,
            "constraints.architecture.layers",
            "at least one",
        ),
        ("constraints:\n  architecture: layered\n", 2, "constraints.architecture", "expected 'clean' or 'none'"),
        ("waivers:\n  - {rule: orm.raw-query}\n", 2, "waivers.0.reason", "Field required"),
        ("app:\n  python: 3.10\n", 2, "app.python", 'write the version in quotes ("3.10"'),
        ("app:\n  dependencies_as_of: today\n", 2, "app.dependencies_as_of", "expected 'commit'"),
        ("app:\n  ready: soon\n", 2, "app.ready", "expected 'auto' or 'health'"),
    ],
)
def test_new_keys_fail_with_their_line(text: str, line: int, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.key) == (line, key), str(caught.value)
    assert problem in caught.value.problem, caught.value.problem
