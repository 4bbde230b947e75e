"""What a batch evaluates and how each checkout is labelled: folder naming, repo config, manifests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from checks.config import parse
from checks.study import labels, source


def _checkout(path: Path, config: str | None = None) -> Path:
    path.mkdir(parents=True)
    (path / "requirements.txt").write_text("flask\n")
    if config is not None:
        (path / ".github").mkdir()
        (path / ".github" / "decaycheck.yml").write_text(config)
    return path


def test_the_study_folder_naming_gives_framework_task_constraints_level_and_run() -> None:
    got = labels.merge(labels.from_folder_name("fastapi-openapi-clean_architecture-postgres-sqlalchemy/run_0"))
    assert got == {
        "framework": "fastapi",
        "task": "openapi",
        "architecture": "clean",
        "database": "postgresql",
        "orm": "sqlalchemy",
        "run": "0",
        "constraints": "3",
        "level": "L3",
    }
    assert labels.merge(labels.from_folder_name("koa-openapi/run_2")) == {
        "framework": "koa",
        "task": "openapi",
        "run": "2",
        "constraints": "0",
        "level": "L0",
    }


def test_folder_naming_off_the_ladder_has_no_level_and_leading_folders_form_a_group() -> None:
    got = labels.merge(labels.from_folder_name("claude-code/opus/flask-openapi-sqlite/run_1"))
    assert got["group"] == "claude-code/opus"
    assert got["database"] == "sqlite" and got["constraints"] == "1"
    assert "level" not in got  # a database without Clean Architecture is not one of L0..L3
    assert labels.from_folder_name("a/b/express-openapi-clean_architecture/run_0", group=False) == {
        "framework": "express",
        "architecture": "clean",
        "run": "0",
    }
    assert labels.from_folder_name("some/repo") == {"name": "some/repo"}


def test_a_bare_level_expands_to_its_constraints_for_the_runtime() -> None:
    assert labels.merge({"framework": "express", "level": "L3"})["orm"] == "sequelize"
    flask = labels.merge({"framework": "flask", "level": "L2"})
    assert (flask["architecture"], flask["database"], flask.get("orm"), flask["constraints"]) == (
        "clean",
        "postgresql",
        None,
        "2",
    )


def test_run_is_not_part_of_the_configuration() -> None:
    a = labels.merge(labels.from_folder_name("flask-openapi/run_0"))
    b = labels.merge(labels.from_folder_name("flask-openapi/run_1"))
    assert a != b and labels.configuration(a) == labels.configuration(b)


def test_a_folder_source_finds_checkouts_without_descending_into_them(tmp_path: Path) -> None:
    root = tmp_path / "study"
    _checkout(root / "flask-openapi-clean_architecture" / "run_0")
    _checkout(root / "flask-openapi-clean_architecture" / "run_1")
    inner = _checkout(root / "koa-openapi" / "run_0")
    _checkout(inner / "nested")  # inside a checkout: part of it, not another one
    _checkout(root / "node_modules" / "pkg")
    _checkout(root / ".hidden" / "x")
    outside = _checkout(tmp_path / "elsewhere")
    os.symlink(outside, root / "linked")
    found = source.load(root)
    assert [c.id for c in found] == [
        "flask-openapi-clean_architecture/run_0",
        "flask-openapi-clean_architecture/run_1",
        "koa-openapi/run_0",
    ]
    first = found[0]
    assert first.labels["level"] == "L1" and first.labels["run"] == "0"
    assert first.path == str((root / "flask-openapi-clean_architecture" / "run_0").resolve())
    # no config of its own: evaluated with the constraints its name promises
    assert first.config_text is not None
    assert parse(first.config_text).declared_constraints().declared() == {"framework": "flask", "architecture": "clean"}


def test_the_repository_config_overrides_folder_naming_and_is_used_as_it_is(tmp_path: Path) -> None:
    root = tmp_path / "study"
    _checkout(root / "flask-openapi" / "run_0", "constraints:\n  level: L2\n  framework: flask\n")
    (found,) = source.load(root)
    assert found.labels["level"] == "L2" and found.labels["database"] == "postgresql"
    assert found.config_text is None


def test_a_yaml_manifest_gives_labels_and_configs(tmp_path: Path) -> None:
    _checkout(tmp_path / "repos" / "a")
    _checkout(tmp_path / "repos" / "b")
    (tmp_path / "b.yml").write_text("constraints: {framework: flask, level: L3}\n")
    manifest = tmp_path / "runs.yml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "runs": [
                    {"path": "repos/a", "agent": "claude-code", "model": "opus", "level": "L1", "framework": "flask"},
                    {"path": "repos/b", "config": "b.yml", "labels": {"agent": "codex"}},
                ]
            }
        )
    )
    a, b = source.load(manifest)
    assert a.labels == {
        "agent": "claude-code",
        "model": "opus",
        "level": "L1",
        "framework": "flask",
        "architecture": "clean",
        "constraints": "1",
    }
    assert b.labels["agent"] == "codex" and b.labels["level"] == "L3" and b.labels["orm"] == "sqlalchemy"
    assert b.config_text == "constraints: {framework: flask, level: L3}\n"


def test_a_csv_manifest(tmp_path: Path) -> None:
    _checkout(tmp_path / "x")
    _checkout(tmp_path / "y")
    manifest = tmp_path / "runs.csv"
    manifest.write_text("path,agent,framework,level\nx,a1,flask,L0\ny,a2,fastify,L3\n")
    x, y = source.load(manifest)
    assert (x.id, x.labels["agent"], x.labels["level"]) == ("x", "a1", "L0")
    assert y.labels["orm"] == "sequelize"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("m.csv", "folder,agent\nx,a\n", "must name a `path` column"),
        ("m.yml", "- {agent: a}\n", "entry 1: `path` is required"),
        ("m.yml", "- x\n- x\n", "listed twice"),
        ("m.yml", "- nowhere\n", "nowhere is not a folder"),
        ("m.yml", "- {path: x, agent: [a, b]}\n", "must be a single value"),
        ("m.yml", "runs: {path: x}\n", "expected a list"),
        ("m.yml", "- {path: x\n", "YAML syntax"),
        ("m.yml", "[]\n", "lists no checkout"),
        ("m.txt", "x\n", "must be .yml, .yaml or .csv"),
    ],
)
def test_bad_manifests_get_clear_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    _checkout(tmp_path / "x")
    (tmp_path / name).write_text(text)
    with pytest.raises(source.SourceError, match=message.replace("[", r"\[").replace("`", "`")):
        source.load(tmp_path / name)


def test_an_empty_folder_or_missing_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(source.SourceError, match="no checkout found"):
        source.load(tmp_path)
    with pytest.raises(source.SourceError, match="no such folder or manifest"):
        source.load(tmp_path / "missing")
