"""The verifiers piece by piece: parsers, import resolution, the rule table, each rule family, the CLI.

Fixture trees live in tests/verifier_fixtures/: `py_synonyms` (FastAPI with
controllers/usecases/repos/entities, a migration and a test holding raw SQL)
and `ts_app` (Hono in TypeScript with handlers/application/data/domain).
Each test copies a tree, edits it, and checks what the verifiers say.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from checks.cli import main as cli
from tests.support.cli import CliRunner
from verifiers import Constraints, RuntimeEvidence, verify
from verifiers.parse_js import parse_js
from verifiers.parse_python import parse_python
from verifiers.project import load_project
from verifiers.rules import load_table

FIXTURES = Path(__file__).resolve().parent / "verifier_fixtures"
L3_FASTAPI = Constraints.from_level("L3", framework="fastapi")
L3_HONO = Constraints.from_level("L3", framework="hono")


def tree(name: str, tmp_path: Path, files: dict[str, str | None] | None = None) -> Path:
    """A copy of a fixture tree with `files` written (None deletes)."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    for rel, text in (files or {}).items():
        if text is None:
            (root / rel).unlink()
        else:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
    return root


def triples(findings) -> set[tuple[str, str | None, int | None]]:  # type: ignore[no-untyped-def]
    return {(f.rule, f.path, f.line) for f in findings}


# parsers ---------------------------------------------------------------------------


def test_python_model_has_positions_bindings_and_conditions() -> None:
    source = parse_python(
        "app/db.py",
        '''"""select * from docstrings is not data"""
import os, sqlite3 as lite
from .models import User as U

def connect(url):
    if url.startswith("sqlite"):
        return lite.connect(url[9:])
    q = f"SELECT * FROM users WHERE id = {url}"
    return db.session.query(U).filter(U.id == 1).first()
''',
    )
    assert [(i.module, i.line, i.bindings) for i in source.imports] == [
        ("os", 2, ("os",)),
        ("sqlite3", 2, ("lite",)),
        (".models", 3, ("U",)),
    ]
    connect = next(c for c in source.calls if c.callee == "lite.connect")
    assert (connect.line, connect.column) == (7, 16)
    assert connect.conditions == ('url.startswith("sqlite")',)
    assert "db.session.query().filter().first" in {c.callee for c in source.calls}
    values = [s.value for s in source.strings]
    assert "SELECT * FROM users WHERE id = {}" in values
    assert not any("docstrings" in v for v in values)


def test_python_syntax_error_is_reported_not_raised() -> None:
    source = parse_python("bad.py", "def broken(:\n")
    assert source.parse_error and source.imports == []


def test_js_and_ts_models_agree() -> None:
    js = parse_js(
        "src/a.js",
        "const { Pool } = require('pg');\nconst pool = new Pool();\n"
        "pool.query(`SELECT * FROM t WHERE id = ${id}`);\nconst m = await import('./m');\n",
    )
    assert [(i.module, i.line, i.bindings) for i in js.imports] == [("pg", 1, ("Pool",)), ("./m", 4, ("m",))]
    query = next(c for c in js.calls if c.callee == "pool.query")
    assert query.first_string == "SELECT * FROM t WHERE id = ${id}" and query.line == 3
    assert next(c for c in js.calls if c.callee == "Pool").line == 2

    ts = parse_js(
        "src/a.ts",
        "import Koa, { Context as Ctx } from 'koa';\nimport * as repo from '../data/repo.js';\n"
        "const cfg: { dialect: string } = { dialect: 'sqlite' };\nexport const x = <T,>(v: T): T => v;\n",
    )
    assert ts.language == "typescript" and ts.parse_error is None
    assert [(i.module, i.bindings) for i in ts.imports] == [("koa", ("Koa", "Ctx")), ("../data/repo.js", ("repo",))]
    assert [(s.value, s.key) for s in ts.strings] == [("sqlite", "dialect")]
    tsx = parse_js("src/view.tsx", "export const V = () => <div className='x'>hi</div>;\n")
    assert tsx.parse_error is None


def test_inline_require_builds_an_app(tmp_path: Path) -> None:
    root = tree("ts_app", tmp_path, {"src/handlers/legacy.js": "const app = require('fastify')({ logger: true });\n"})
    assert triples(verify(root, Constraints(framework="hono"))) == {
        ("framework.second-framework", "src/handlers/legacy.js", 1)
    }


def test_imports_resolve_to_repository_files(tmp_path: Path) -> None:
    ts = load_project(FIXTURES / "ts_app")
    handler = ts.files["src/handlers/articles.ts"]
    assert [(i.module, i.target, i.package) for i in handler.imports] == [
        ("hono", None, "hono"),
        ("../application/articles.js", "src/application/articles.ts", None),
    ]
    assert ts.files["src/data/articles.ts"].imports[1].target == "src/domain/index.ts"

    py = load_project(FIXTURES / "py_synonyms")
    controller = py.files["api/controllers/articles.py"]
    assert controller.imports[1].target == "api/usecases/articles.py"
    assert py.files["api/repos/articles.py"].imports[-1].target == "api/entities/article.py"
    assert py.files["api/repos/articles.py"].imports[0].package == "os"
    assert {d.name for d in py.dependencies} == {"fastapi", "sqlalchemy", "psycopg"}


# the rule table --------------------------------------------------------------------


def test_every_rule_the_checks_emit_is_in_the_table_with_a_usable_message() -> None:
    table = load_table()
    code = "".join(p.read_text() for p in (Path(__file__).parent.parent / "verifiers").glob("check_*.py"))
    emitted = set(re.findall(r'"((?:framework|architecture|database|orm)\.[a-z-]+)"', code))
    emitted |= {f"database.other-engine-{k}" for k in ("url", "dialect", "driver")}
    assert emitted <= set(table.rules), emitted - set(table.rules)
    assert set(table.rules) <= emitted | {"database.other-engine-dependency"}
    for rule in table.rules.values():
        assert rule.constraint == rule.id.split(".")[0]
        assert rule.severity in ("error", "warning", "notice") and "{" in rule.message


# compliant fixtures and each rule family ----------------------------------------------------


def test_fixtures_with_synonym_layers_migrations_and_tests_are_compliant() -> None:
    assert verify(FIXTURES / "py_synonyms", L3_FASTAPI) == []
    assert verify(FIXTURES / "ts_app", L3_HONO) == []


def test_missing_layers_and_wrong_framework(tmp_path: Path) -> None:
    root = tree("py_synonyms", tmp_path)
    shutil.rmtree(root / "api" / "repos")
    found = verify(root, Constraints(framework="flask", architecture="clean"))
    assert triples(found) == {
        ("architecture.layer-missing", None, None),
        ("framework.not-a-dependency", "requirements.txt", None),
        ("framework.not-used", None, None),
        ("framework.second-framework", "main.py", 6),
        ("framework.second-framework", "api/controllers/articles.py", 6),
    }
    missing = next(f for f in found if f.rule == "architecture.layer-missing")
    assert "repositories" in missing.message and "repos" in missing.message


def test_database_evidence_respects_configuration_branches(tmp_path: Path) -> None:
    guarded = (
        "import os\nfrom sqlalchemy import create_engine\n\n"
        "def engine(url):\n    if url.startswith('sqlite'):\n"
        "        return create_engine(url, connect_args={'check_same_thread': False})\n"
        "    return create_engine(url)\n"
    )
    root = tree("py_synonyms", tmp_path, {"api/repos/engine.py": guarded})
    assert verify(root, L3_FASTAPI) == []
    hard = tree(
        "py_synonyms",
        tmp_path / "hard",
        {"api/repos/engine.py": "URL = 'sqlite:///conduit.db'\nENGINE = {'ENGINE': 'django.db.backends.sqlite3'}\n"},
    )
    assert triples(verify(hard, L3_FASTAPI)) == {
        ("database.other-engine-url", "api/repos/engine.py", 1),
        ("database.other-engine-dialect", "api/repos/engine.py", 2),
    }
    found = verify(hard, Constraints(database="sqlite"))
    assert triples(found) == {("database.other-engine-url", "api/repos/articles.py", 9)}


def test_declared_engine_missing_and_other_engine_dependency(tmp_path: Path) -> None:
    root = tree("ts_app", tmp_path)
    package = root / "package.json"
    package.write_text(package.read_text().replace('"pg": "8.23.1"', '"sqlite3": "5.1.7"'))
    (root / "src/data/articles.ts").write_text("export const url = process.env.DATABASE_URL;\n")
    found = verify(root, Constraints(database="postgresql"))
    assert triples(found) == {
        ("database.declared-engine-missing", None, None),
        ("database.other-engine-dependency", "package.json", 7),
    }


def test_runtime_evidence_rules() -> None:
    app, pg = FIXTURES / "py_synonyms", Constraints(database="postgresql")
    good = RuntimeEvidence(database="postgresql", tables={"articles": 3, "users": 2})
    assert verify(app, pg, runtime=good) == []
    assert verify(app, pg, runtime=RuntimeEvidence(database="postgresql", collected=False)) == []
    cases = {
        "database.runtime-engine": RuntimeEvidence(database="sqlite", tables={"articles": 1}),
        "database.runtime-no-tables": RuntimeEvidence(database="postgresql"),
        "database.runtime-no-rows": RuntimeEvidence(database="postgresql", tables={"articles": 0}),
    }
    for rule, evidence in cases.items():
        assert [f.rule for f in verify(app, pg, runtime=evidence)] == [rule]
    stray = RuntimeEvidence(database="postgresql", tables={"articles": 1}, sqlite_files=["conduit.db"])
    assert triples(verify(app, pg, runtime=stray)) == {("database.runtime-sqlite-file", "conduit.db", None)}
    sqlite = verify(
        app,
        Constraints(database="sqlite"),
        runtime=RuntimeEvidence(database="sqlite", tables={"articles": 1}, sqlite_files=["conduit.db"]),
    )
    assert [f.rule for f in sqlite if f.rule.startswith("database.runtime")] == []


def test_orm_bypasses_outside_migrations_and_tests(tmp_path: Path) -> None:
    root = tree(
        "ts_app",
        tmp_path,
        {
            "src/data/raw.ts": (
                "import { QueryTypes } from 'sequelize';\nimport knex from 'knex';\n"
                "export const TOP = 'select name from tags order by name';\n"
                "export const q = (s: any) => s.query(`DELETE FROM articles WHERE id = 1`, { type: QueryTypes.DELETE });\n"
                "export const k = () => knex({ client: 'pg' });\n"
            ),
            "src/migrations/001.ts": "export const up = (s: any) => s.query('CREATE TABLE tags (name TEXT)');\n",
            "src/__tests__/raw.test.ts": "export const t = (s: any) => s.query('SELECT * FROM tags');\n",
        },
    )
    assert triples(verify(root, L3_HONO)) == {
        ("orm.raw-sql", "src/data/raw.ts", 3),
        ("orm.raw-query", "src/data/raw.ts", 4),
        ("orm.driver-use", "src/data/raw.ts", 5),
    }


def test_orm_declared_but_not_used(tmp_path: Path) -> None:
    root = tree(
        "py_synonyms",
        tmp_path,
        {
            "api/repos/articles.py": "import psycopg\n\ndef all_articles(url):\n    return psycopg.connect(url).execute('SELECT * FROM articles').fetchall()\n",
            "api/entities/article.py": "from dataclasses import dataclass\n\n@dataclass\nclass Article:\n    title: str\n",
        },
    )
    assert triples(verify(root, Constraints(orm="sqlalchemy"))) == {
        ("orm.not-used", None, None),
        ("orm.raw-query", "api/repos/articles.py", 4),
        ("orm.driver-use", "api/repos/articles.py", 4),
    }


def test_upward_import_through_a_chain_of_helpers(tmp_path: Path) -> None:
    root = tree(
        "py_synonyms",
        tmp_path,
        {
            "api/helpers/__init__.py": "",
            "api/helpers/a.py": "from api.helpers import b\n",
            "api/helpers/b.py": "from api.helpers import a\nfrom api.controllers import articles\n",
            "api/entities/tag.py": "from api.helpers import a\n",
        },
    )
    found = verify(root, Constraints(architecture="clean"))
    assert triples(found) == {("architecture.upward-import", "api/entities/tag.py", 1)}
    assert "through api/helpers/a.py -> api/helpers/b.py" in found[0].message


# the command line --------------------------------------------------------------------


def test_cli_reads_the_repo_config_and_writes_json(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["verify", str(FIXTURES / "ts_app"), "--json", str(tmp_path / "ok.json")])
    assert clean.exit_code == 0, clean.output
    ok = json.loads((tmp_path / "ok.json").read_text())
    assert ok["constraints"] == {
        "framework": "hono",
        "architecture": "clean",
        "database": "postgresql",
        "orm": "sequelize",
    }
    assert ok["findings"] == [] and ok["counts"]["total"] == 0

    root = tree(
        "ts_app", tmp_path, {"src/domain/bad.ts": "import { Hono } from 'hono';\nexport const h = new Hono();\n"}
    )
    bad = runner.invoke(cli, ["verify", str(root), "--json", str(tmp_path / "bad.json")])
    assert bad.exit_code == 1
    report = json.loads((tmp_path / "bad.json").read_text())
    assert report["counts"]["by_rule"] == {"architecture.framework-in-inner-layer": 1}
    assert report["findings"][0]["path"] == "src/domain/bad.ts" and report["findings"][0]["line"] == 1
    assert "src/domain/bad.ts:1" in bad.output


def test_cli_flags_override_and_bad_usage_exits_2(tmp_path: Path) -> None:
    runner = CliRunner()
    level = runner.invoke(
        cli,
        [
            "verify",
            str(FIXTURES / "py_synonyms"),
            "--level",
            "L3",
            "--framework",
            "fastapi",
            "--json",
            str(tmp_path / "l3.json"),
        ],
    )
    assert level.exit_code == 0, level.output
    assert json.loads((tmp_path / "l3.json").read_text())["constraints"]["orm"] == "sqlalchemy"
    sqlite = runner.invoke(
        cli, ["verify", str(FIXTURES / "py_synonyms"), "--database", "sqlite", "--json", str(tmp_path / "sqlite.json")]
    )
    assert sqlite.exit_code == 1
    by_rule = json.loads((tmp_path / "sqlite.json").read_text())["counts"]["by_rule"]
    assert by_rule == {"database.declared-engine-missing": 1, "database.other-engine-url": 1}
    assert runner.invoke(cli, ["verify", str(FIXTURES / "py_synonyms"), "--orm", "hibernate"]).exit_code == 2
    assert runner.invoke(cli, ["verify", str(tmp_path / "absent")]).exit_code == 2
    broken = tree("ts_app", tmp_path, {".github/decaycheck.yml": "constraints:\n  framework: rails\n"})
    result = runner.invoke(cli, ["verify", str(broken)])
    assert result.exit_code == 2 and "decaycheck.yml:2" in result.output


def test_inner_layer_reaching_the_framework_through_a_helper(tmp_path: Path) -> None:
    root = tree(
        "py_synonyms",
        tmp_path,
        {
            "api/shared.py": "from fastapi import HTTPException\n",
            "api/repos/errors.py": '"""Errors."""\nfrom api import shared\n',
            "api/controllers/errors.py": "from api import shared\n",
        },
    )
    found = verify(root, Constraints(framework="fastapi", architecture="clean"))
    assert triples(found) == {("architecture.framework-in-inner-layer", "api/repos/errors.py", 2)}
    assert "through api/shared.py" in found[0].message and found[0].column == 1
