"""The diagnosis engine on recorded evidence: log reading, signatures, the dependency graph, ranking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from checks.annotations import build_annotations
from checks.diagnosis import DiagnosisInput, diagnose
from checks.diagnosis.logs import parse_log
from checks.diagnosis.locate import locate_route
from verifiers.findings import Finding

PY_CHAINED = '''127.0.0.1 - - "POST /api/articles HTTP/1.1" 500
Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec_single_context
    self.dialect.do_execute(
psycopg.errors.UndefinedTable: relation "articles" does not exist

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/workspace/app/routes/articles.py", line 42, in create
    return service.create(data)
  File "/workspace/app/repositories/articles.py", line 17, in add
    session.flush()
  File "/venv/lib/python3.11/site-packages/sqlalchemy/orm/session.py", line 4312, in flush
    self._flush(objects)
sqlalchemy.exc.ProgrammingError: (psycopg.errors.UndefinedTable) relation "articles" does not exist
[SQL: INSERT INTO articles ...]
'''

NODE_PINO = json.dumps({"level": 50, "time": 1, "err": {"type": "FastifyError", "message": "Body cannot be empty",
                        "stack": "FastifyError [FST_ERR_CTP_EMPTY_JSON_BODY]: Body cannot be empty when content-type is "
                                 "set to 'application/json'\n    at Parser.defaultJsonParser "
                                 "(/workspace/node_modules/fastify/lib/contentTypeParser.js:240:10)"}})

NODE_SEQUELIZE = '''Executing (default): SELECT ...
SequelizeEagerLoadingError: User is not associated to Article!
    at Article._getIncludedAssociation (/workspace/node_modules/sequelize/lib/model.js:574:13)
    at ArticleRepository.findAll (/workspace/src/repositories/articleRepository.js:31:25)
    at ArticleService.list (/workspace/src/services/articleService.js:12:10)
'''


def req(name, method, path, status, passed, total, **extra):
    return {"name": name, "method": method, "path": path, "status": status, "passed": passed, "total": total, **extra}


def test_python_chain_keeps_every_type_and_the_innermost_repository_frame():
    (error,) = parse_log(PY_CHAINED)
    assert error.types == ["psycopg.errors.UndefinedTable", "sqlalchemy.exc.ProgrammingError"]
    assert error.repo_frame is not None
    assert (error.repo_frame.path, error.repo_frame.line) == ("app/repositories/articles.py", 17)


def test_node_stacks_are_read_from_plain_text_and_from_json_logs():
    errors = parse_log(NODE_SEQUELIZE + NODE_PINO)
    assert [e.type for e in errors] == ["SequelizeEagerLoadingError", "FST_ERR_CTP_EMPTY_JSON_BODY"]
    assert (errors[0].repo_frame.path, errors[0].repo_frame.line) == ("src/repositories/articleRepository.js", 31)
    assert errors[1].repo_frame is None  # the framework's own frame is not the repository's


def test_frames_map_to_the_checkout_by_the_longest_existing_suffix(tmp_path: Path):
    (tmp_path / "app" / "repositories").mkdir(parents=True)
    (tmp_path / "app" / "repositories" / "articles.py").write_text("x = 1\n")
    (error,) = parse_log(PY_CHAINED.replace("/workspace/", "/tmp/pod-123/ws/"), repo=tmp_path)
    assert error.repo_frame.path == "app/repositories/articles.py"


def test_server_error_is_diagnosed_from_its_log_and_later_requests_are_its_consequences():
    requests = [
        req("03 login", "POST", "/api/users/login", 200, 7, 7),
        req("10 create article", "POST", "/api/articles", 500, 0, 13, depends_on=["03 login"]),
        req("16 get article", "GET", "/api/articles/{slug}", 404, 0, 13, url="http://h/api/articles/undefined",
            depends_on=["10 create article", "03 login"]),
    ]
    result = diagnose(DiagnosisInput(requests=requests, server_log=PY_CHAINED))
    assert (result.category, result.subcategory) == ("logic_error", "database_runtime_error")
    assert result.evidence[0].path == "app/repositories/articles.py" and result.evidence[0].line == 17
    assert result.causes[0].consequences == ["16 get article"]
    assert len(result.causes) == 1


def test_upstream_auth_failure_wins_over_everything_it_breaks():
    requests = [
        req("01 register", "POST", "/api/users", 201, 6, 6),
        req("04 get user", "GET", "/api/user", 401, 0, 5, sent_auth=True, depends_on=["03 login"]),
        req("03 login", "POST", "/api/users/login", 200, 7, 7),
        req("10 create article", "POST", "/api/articles", 401, 0, 13, sent_auth=True, depends_on=["03 login"]),
    ]
    result = diagnose(DiagnosisInput(requests=requests, server_log="jwt.exceptions.InvalidSignatureError: bad\n"))
    assert (result.category, result.subcategory) == ("logic_error", "auth_misconfiguration")


def test_missing_route_family_is_incomplete_but_a_lone_404_is_a_lookup_bug():
    missing = diagnose(DiagnosisInput(requests=[
        req("23 comment", "POST", "/api/articles/{slug}/comments", 404, 0, 6),
        req("24 comments", "GET", "/api/articles/{slug}/comments", 404, 0, 7),
    ]))
    assert missing.category == "incomplete_implementation"
    lookup = diagnose(DiagnosisInput(requests=[
        req("29 profile", "GET", "/api/profiles/{username}", 404, 0, 6),
        req("30 follow", "POST", "/api/profiles/{username}/follow", 200, 7, 7),
        req("x profile again", "GET", "/api/profiles/{username}", 200, 6, 6),
    ]))
    assert (lookup.category, lookup.subcategory) == ("logic_error", "incorrect_query_logic")


def test_value_failures_are_read_for_what_they_assert():
    failures = [{"assertion": "feed holds only followed authors' articles", "operation": "GetArticlesFeed",
                 "expected": 0, "actual": 2}]
    result = diagnose(DiagnosisInput(requests=[
        req("feed", "GET", "/api/articles/feed", 200, 4, 5, failures=failures)]))
    assert (result.category, result.subcategory) == ("logic_error", "incorrect_query_logic")
    shape = diagnose(DiagnosisInput(requests=[req("create", "POST", "/api/articles", 201, 12, 13, failures=[
        {"assertion": "article has slug", "operation": "CreateArticle", "expected": "present", "actual": None}])]))
    assert shape.category == "schema_format_error"


def test_startup_failure_is_the_only_cause_and_points_at_the_failing_import():
    log = ('Traceback (most recent call last):\n  File "/workspace/app/main.py", line 3, in <module>\n'
           "    from app.routes import api\nModuleNotFoundError: No module named 'flask_cors'\n")
    result = diagnose(DiagnosisInput(startup="start_failed", server_log=log))
    assert result.category == "server_startup_failure"
    assert (result.evidence[0].path, result.evidence[0].line) == ("app/main.py", 3)


def test_constraint_findings_alone_make_a_constraint_violation():
    findings = [{"constraint": "orm", "rule": "orm.raw-sql", "path": "app/repositories/a.py", "line": 9,
                 "message": "raw SQL bypasses SQLAlchemy"}]
    result = diagnose(DiagnosisInput(requests=[req("t", "GET", "/api/tags", 200, 3, 3)], findings=findings))
    assert result.category == "constraint_violation"
    assert result.evidence[0].path == "app/repositories/a.py"


def test_clean_run_has_no_cause():
    assert diagnose(DiagnosisInput(requests=[req("t", "GET", "/api/tags", 200, 3, 3)])).category == "none"


def test_routes_are_located_across_parameter_spellings(tmp_path: Path):
    (tmp_path / "src" / "routes").mkdir(parents=True)
    (tmp_path / "src" / "routes" / "articles.js").write_text(
        "router.get('/articles/:slug', get)\nrouter.post('/articles/:slug/comments', add)\n")
    (tmp_path / "app.py").write_text('@bp.route("/articles/<slug>/comments", methods=["GET"])\n')
    assert locate_route(tmp_path, "POST", "/api/articles/{slug}/comments") == ("src/routes/articles.js", 2)
    assert locate_route(tmp_path, "GET", "/api/articles/{slug}/comments") == ("app.py", 1)
    assert locate_route(tmp_path, "GET", "/api/nothing/here") is None


def test_annotations_put_failures_first_and_prefix_the_app_folder():
    result = diagnose(DiagnosisInput(requests=[req("10 create article", "POST", "/api/articles", 500, 0, 13)],
                                     server_log=PY_CHAINED))
    findings = [Finding(constraint="architecture", rule="arch.upward-import", path="app/models/x.py", line=2,
                        severity="warning", message="models import services")]
    notes = build_annotations(findings, result, app_path="backend")
    assert [n.level for n in notes] == ["failure", "warning"]
    assert notes[0].path == "backend/app/repositories/articles.py" and notes[0].start_line == 17


def test_diagnose_command_reads_documented_input_and_rejects_bad_json(tmp_path: Path):
    good = tmp_path / "evidence.json"
    good.write_text(json.dumps({"requests": [req("10 create article", "POST", "/api/articles", 500, 0, 13)],
                                "server_log": PY_CHAINED, "startup": "ok", "findings": []}))
    out = tmp_path / "out.json"
    run = subprocess.run([sys.executable, "-m", "bot.cli", "diagnose", "--input", str(good), "--json", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert json.loads(out.read_text())["diagnosis"]["subcategory"] == "database_runtime_error"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    run = subprocess.run([sys.executable, "-m", "bot.cli", "diagnose", "--input", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "cannot read" in run.stderr
