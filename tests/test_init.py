"""`decaycheck init`: detection from a repository's files, and a config that reads back as detected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.cli import main as cli
from checks.config import CONFIG_PATH, load, resolve
from checks.detect import detect
from tests.support.cli import CliRunner

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ("apps/flask", {"framework": "flask", "orm": "sqlalchemy", "architecture": "clean", "port": 8080}),
        ("apps/koa", {"framework": "koa", "orm": "sequelize", "runtime": "node", "port": 3000}),
        ("layouts/knex_app", {"framework": "express", "orm": "knex", "architecture": "none", "start": None}),
        ("layouts/prisma_app", {"orm": "prisma", "runtime": "node"}),
        ("layouts/django_orm", {"framework": "django", "orm": "django"}),
        ("layouts/sqlmodel_app", {"framework": "fastapi", "orm": "sqlmodel"}),
        ("layouts/aiohttp_src_suffixes", {"framework": "aiohttp", "architecture": "clean", "orm": "none"}),
        ("layouts/express_layer_map", {"app_path": "packages/api", "framework": "express"}),
    ],
)
def test_detection(tree: str, expected: dict, tmp_path: Path) -> None:
    repo = shutil.copytree(TESTS / tree, tmp_path / "repo", ignore=shutil.ignore_patterns(".github", "node_modules"))
    found = detect(repo).model_dump()
    assert {k: found[k] for k in expected} == expected


def test_init_writes_a_config_that_reads_back_and_refuses_to_overwrite(tmp_path: Path) -> None:
    repo = shutil.copytree(TESTS / "apps/koa", tmp_path / "koa", ignore=shutil.ignore_patterns("node_modules"))
    runner = CliRunner()
    first = runner.invoke(cli, ["init", str(repo)])
    assert first.exit_code == 0, first.output
    cfg = load(repo)
    assert cfg.constraints.framework == "koa" and cfg.constraints.orm == "sequelize"
    assert (cfg.app.start, cfg.app.port, cfg.app.api_prefix) == ("./run.sh", 3000, "/api")
    assert resolve(repo).constraints.architecture == "clean"
    again = runner.invoke(cli, ["init", str(repo)])
    assert again.exit_code == 2 and "exists already" in again.output
    assert runner.invoke(cli, ["init", str(repo), "--force"]).exit_code == 0


def test_init_on_an_empty_folder_writes_the_defaults_with_notes(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / CONFIG_PATH).read_text()
    assert "# note: no known web framework" in text and "TODO" in text
    resolved = resolve(tmp_path)
    assert (resolved.runtime, resolved.port, resolved.constraints.framework) == ("python", 8080, None)
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "absent")]).exit_code == 2
