"""The diagnosis on failures real agents produce: following the cause upstream, pointing at repository code,
one reading of the code (the verifiers' project), stable answers, honest confidence, quiet failed starts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from checks.diagnosis import DiagnosisInput, diagnose
from checks.diagnosis.code import definitions, handler_span, project
from checks.diagnosis.scoring import covers, label
from checks.pipeline import judged_runtime
from checks.render.markdown import markdown
from checks.report import Report
from tests.support.diagnosis_cases import CORPUS, load_cases
from verifiers.runtime import RuntimeEvidence

ROOT = Path(__file__).resolve().parent.parent


def base_app(framework: str, tmp: Path) -> Path:
    dest = tmp / framework
    shutil.copytree(CORPUS / "apps" / framework, dest)
    return dest


def req(name, method, path, status, passed, total, **extra):  # type: ignore[no-untyped-def]
    return {"name": name, "method": method, "path": path, "status": status, "passed": passed, "total": total, **extra}


def line_of(repo: Path, path: str, text: str) -> int:
    return next(n for n, line in enumerate((repo / path).read_text().splitlines(), 1) if text in line)


KNEX_FEED = """  <-- GET /api/articles/feed
{head}: select count(*) as "count" from "articles" where "author_id" in select "followed_id" from "follows" where "follower_id" = 12 - syntax error at or near "select"
    at Parser.parseErrorMessage (/repository/node_modules/pg-protocol/dist/parser.js:283:98)
    at Parser.handlePacket (/repository/node_modules/pg-protocol/dist/parser.js:122:29)
    at Parser.parse (/repository/node_modules/pg-protocol/dist/parser.js:35:38)
    at Socket.<anonymous> (/repository/node_modules/pg-protocol/dist/index.js:11:42) {{
  length: 117,
  severity: 'ERROR',
  code: '42601',
  routine: 'scanner_yyerror'
}}
  --> GET /api/articles/feed 500 12ms 52b
"""


def test_a_pg_error_in_either_casing_is_query_logic_at_the_repository_query(tmp_path: Path) -> None:
    """koa-knex: every frame is inside the driver; the failing route's handler chain holds the knex query."""
    repo = base_app("koa", tmp_path)
    query = line_of(repo, "src/services/articles.js", "whereIn('author_id', followed)")
    requests = [req("11 feed", "GET", "/api/articles/feed", 500, 0, 5)]
    results = []
    for head in ("error", "Error"):
        evidence = DiagnosisInput(requests=requests, server_log=KNEX_FEED.format(head=head))
        results.append(diagnose(evidence, repo=repo))
    assert [label(d.category, d.subcategory) for d in results] == ["incorrect_query_logic"] * 2
    assert results[0].summary == results[1].summary
    for d in results:
        assert any(covers(e, "src/services/articles.js", query) for e in d.evidence), d.evidence
        assert all("node_modules" not in (e.path or "") for e in d.evidence)


EXPRESS_TRANSIENT = """
> conduit@1.0.0 start
> node src/app.js

SequelizeDatabaseError: relation "Users" does not exist
    at Query.run (/repository/node_modules/sequelize/lib/dialects/postgres/query.js:50:25)
    at async initDatabase (/repository/src/db.js:35:3)
Server listening on port 3000
POST /api/users 201 12.001 ms - 312
Error: data and salt arguments required
    at Object.hash (/repository/node_modules/bcrypt/bcrypt.js:133:23)
    at hashPassword (/repository/src/utils/bcrypt.js:4:17)
    at async Object.updateUser (/repository/src/services/users.js:{line}:22)
    at async updateMe (/repository/src/controllers/users.js:21:19)
PUT /api/user 500 3.210 ms - 57
"""


def test_an_error_logged_while_starting_is_not_blamed_for_a_later_500(tmp_path: Path) -> None:
    """conduit-express: a transient table error during startup, then PUT /user hashes an undefined password."""
    repo = base_app("express", tmp_path)
    line = line_of(repo, "src/services/users.js", "hashPassword(data.password)")
    evidence = DiagnosisInput(
        requests=[
            req("01 register", "POST", "/api/users", 201, 6, 6),
            req("05 update user", "PUT", "/api/user", 500, 0, 5),
        ],
        server_log=EXPRESS_TRANSIENT.format(line=line),
    )
    first = diagnose(evidence, repo=repo)
    assert label(first.category, first.subcategory) == "business_logic_defect"
    assert any(covers(e, "src/services/users.js", line) for e in first.evidence)
    assert all(e.path != "src/db.js" for e in first.evidence)
    assert all(diagnose(evidence, repo=repo) == first for _ in range(3))


def test_a_passlib_bcrypt_clash_names_the_dependency_and_its_line(tmp_path: Path) -> None:
    repo = base_app("flask", tmp_path)
    log = """(trapped) error reading bcrypt version
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/passlib/handlers/bcrypt.py", line 620, in _load_backend_mixin
    version = _bcrypt.__about__.__version__
AttributeError: module 'bcrypt' has no attribute '__about__'
[2026-12-01 10:00:03,114] ERROR in app: Exception on /api/users [POST]
Traceback (most recent call last):
  File "/repository/app/services/users.py", line 16, in hash_password
    return pwd_context.hash(password)
  File "/usr/local/lib/python3.12/site-packages/passlib/handlers/bcrypt.py", line 655, in _calc_checksum
    hash = _bcrypt.hashpw(secret, config)
ValueError: password cannot be longer than 72 bytes, truncate manually if necessary (e.g. my_password[:72])
127.0.0.1 - - [01/Dec/2026 10:00:03] "POST /api/users HTTP/1.1" 500 -
"""
    d = diagnose(
        DiagnosisInput(requests=[req("01 register", "POST", "/api/users", 500, 0, 6)], server_log=log), repo=repo
    )
    assert (
        label(d.category, d.subcategory) == "auth_misconfiguration"
    )  # no hash, no token: the catalogue files it as auth
    assert "passlib" in d.summary and "bcrypt" in d.summary
    bcrypt = line_of(repo, "requirements.txt", "bcrypt")
    assert any(e.path == "requirements.txt" and e.line for e in d.evidence)
    assert any(covers(e, "requirements.txt", bcrypt) or e.path == "requirements.txt" for e in d.evidence)


def test_429s_say_rate_limiting() -> None:
    requests = [req("01 register", "POST", "/api/users", 201, 6, 6)] + [
        req(f"{n} all articles", "GET", "/api/articles", 429, 0, 5) for n in range(20, 30)
    ]
    d = diagnose(DiagnosisInput(requests=requests))
    assert label(d.category, d.subcategory) == "framework_idiosyncrasy"
    assert "rate limit" in d.summary.lower()
    assert d.confidence >= 0.8


def test_the_same_evidence_gives_the_same_diagnosis_in_every_process(tmp_path: Path) -> None:
    case = next(c for c in load_cases("train") if c.pattern == "db-schema-not-created")
    repo = case.materialize(tmp_path / "app")
    source = tmp_path / "evidence.json"
    source.write_text(case.evidence.model_dump_json())
    script = (
        "import json, sys; from pathlib import Path; from checks.diagnosis import DiagnosisInput, diagnose; "
        "e = DiagnosisInput.model_validate_json(Path(sys.argv[1]).read_text()); "
        "print(diagnose(e, repo=Path(sys.argv[2])).model_dump_json())"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(source), str(repo)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["subcategory"] == "database_runtime_error"


def test_thin_evidence_names_both_readings_in_the_report(tmp_path: Path) -> None:
    """Counts only: a 404 on an article that was just created is a lookup bug or a lost slug; say both."""
    repo = base_app("fastapi", tmp_path)
    requests = [
        req("10 create article", "POST", "/api/articles", 201, 13, 13),
        req("16 single article by slug", "GET", "/api/articles/{slug}", 404, 0, 13),
        req("12 all articles with auth", "GET", "/api/articles", 200, 17, 17),
    ]
    d = diagnose(DiagnosisInput(requests=requests), repo=repo)
    cells = {label(d.category, d.subcategory)} | {label(a.category, a.subcategory) for a in d.alternatives}
    assert {"incorrect_query_logic", "state_propagation_failure"} <= cells
    note = d.thin_note()
    assert "too thin" in note and "incorrect_query_logic" in note and "state_propagation_failure" in note
    report = Report(repo=str(repo), diagnosis=d)
    assert note in markdown(report)


def test_every_cause_carries_a_confidence_and_what_decided_it(tmp_path: Path) -> None:
    for case in load_cases("train")[::9]:
        d = diagnose(case.evidence, repo=case.materialize(tmp_path / case.id))
        for cause in d.causes:
            assert 0.0 < cause.confidence <= 1.0
            assert cause.decided_by, (case.id, cause.summary)


def test_runtime_database_evidence_is_judged_only_when_the_server_started_and_the_suite_ran() -> None:
    evidence = RuntimeEvidence(database="postgresql", tables={})
    assert judged_runtime("start_failed", [], evidence) is None
    assert judged_runtime("health_timeout", [], evidence) is None
    assert judged_runtime("ok", [], evidence) is None
    assert judged_runtime("ok", [object()], evidence) is evidence  # type: ignore[list-item]


def test_handlers_and_definitions_come_from_the_verifiers_project(tmp_path: Path) -> None:
    repo = base_app("fastify", tmp_path).resolve()
    parsed = project(repo)
    spans = definitions(repo)
    declared = {d.name for f in parsed.files.values() for d in f.definitions if d.name}
    assert set(spans) == declared
    route = line_of(repo, "src/routes.js", "app.get('/articles/feed'")
    handler = handler_span(repo, "src/routes.js", route)
    inline = next(d for d in parsed.files["src/routes.js"].definitions if d.line == route and not d.name)
    assert (handler.start, handler.end) == (route, inline.end_line)


DRIVER_ERRORS = [
    ("psycopg", 'psycopg.errors.UndefinedTable: relation "users" does not exist', "database_runtime_error"),
    (
        "asyncpg",
        "sqlalchemy.exc.ProgrammingError: (sqlalchemy.dialects.postgresql.asyncpg.ProgrammingError) "
        "<class 'asyncpg.exceptions.UndefinedTableError'>: relation \"users\" does not exist",
        "database_runtime_error",
    ),
    (
        "sqlite3",
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: users",
        "database_runtime_error",
    ),
    ("django", 'django.db.utils.ProgrammingError: relation "api_user" does not exist', "database_runtime_error"),
    ("sequelize", 'SequelizeDatabaseError: relation "Users" does not exist', "database_runtime_error"),
    ("node-postgres", 'error: relation "users" does not exist', "database_runtime_error"),
    (
        "psycopg",
        "psycopg.errors.UndefinedFunction: operator does not exist: integer = character varying",
        "incorrect_query_logic",
    ),
    (
        "knex",
        'error: select * from "articles" where "author_id" in select 1 - syntax error at or near "select"',
        "incorrect_query_logic",
    ),
    ("sqlite3", 'sqlite3.OperationalError: near "~": syntax error', "incorrect_query_logic"),
    (
        "django",
        "django.core.exceptions.FieldError: Cannot resolve keyword 'author_username' into field.",
        "incorrect_query_logic",
    ),
    (
        "psycopg",
        'psycopg.errors.NotNullViolation: null value in column "author_id" of relation "articles" violates not-null constraint',
        "state_propagation_failure",
    ),
    ("sequelize", "SequelizeUniqueConstraintError: Validation error", "business_logic_defect"),
    (
        "knex",
        "KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full.",
        "database_runtime_error",
    ),
    (
        "sqlalchemy",
        "sqlalchemy.exc.InvalidRequestError: This session is provisioning a new connection; concurrent operations are not permitted",
        "database_runtime_error",
    ),
]


def test_database_errors_are_read_in_every_drivers_spelling() -> None:
    from checks.diagnosis.logs import LogError
    from checks.diagnosis.signatures import classify

    for driver, line, cell in DRIVER_ERRORS:
        name, _, message = line.partition(": ")
        signature = classify(LogError(types=[name], message=message))
        assert signature is not None and (signature.subcategory or signature.category) == cell, (driver, line)
