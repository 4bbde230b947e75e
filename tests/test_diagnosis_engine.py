"""The diagnosis engine on recorded evidence: log reading, signatures, the dependency graph, ranking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from checks.diagnosis import DiagnosisInput, diagnose
from checks.diagnosis.locate import locate_route
from checks.diagnosis.logs import parse_log
from checks.diagnosis.scoring import score
from checks.render.annotations import build_annotations
from verifiers.findings import Finding

PY_CHAINED = """127.0.0.1 - - "POST /api/articles HTTP/1.1" 500
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
"""

NODE_PINO = json.dumps(
    {
        "level": 50,
        "time": 1,
        "err": {
            "type": "FastifyError",
            "message": "Body cannot be empty",
            "stack": "FastifyError [FST_ERR_CTP_EMPTY_JSON_BODY]: Body cannot be empty when content-type is "
            "set to 'application/json'\n    at Parser.defaultJsonParser "
            "(/workspace/node_modules/fastify/lib/contentTypeParser.js:240:10)",
        },
    }
)

NODE_SEQUELIZE = """Executing (default): SELECT ...
SequelizeEagerLoadingError: User is not associated to Article!
    at Article._getIncludedAssociation (/workspace/node_modules/sequelize/lib/model.js:574:13)
    at ArticleRepository.findAll (/workspace/src/repositories/articleRepository.js:31:25)
    at ArticleService.list (/workspace/src/services/articleService.js:12:10)
"""


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
        req(
            "16 get article",
            "GET",
            "/api/articles/{slug}",
            404,
            0,
            13,
            url="http://h/api/articles/undefined",
            depends_on=["10 create article", "03 login"],
        ),
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
    missing = diagnose(
        DiagnosisInput(
            requests=[
                req("23 comment", "POST", "/api/articles/{slug}/comments", 404, 0, 6),
                req("24 comments", "GET", "/api/articles/{slug}/comments", 404, 0, 7),
            ]
        )
    )
    assert missing.category == "incomplete_implementation"
    lookup = diagnose(
        DiagnosisInput(
            requests=[
                req("29 profile", "GET", "/api/profiles/{username}", 404, 0, 6),
                req("30 follow", "POST", "/api/profiles/{username}/follow", 200, 7, 7),
                req("x profile again", "GET", "/api/profiles/{username}", 200, 6, 6),
            ]
        )
    )
    assert (lookup.category, lookup.subcategory) == ("logic_error", "incorrect_query_logic")


def test_value_failures_are_read_for_what_they_assert():
    failures = [
        {
            "assertion": "feed holds only followed authors' articles",
            "operation": "GetArticlesFeed",
            "expected": 0,
            "actual": 2,
        }
    ]
    result = diagnose(DiagnosisInput(requests=[req("feed", "GET", "/api/articles/feed", 200, 4, 5, failures=failures)]))
    assert (result.category, result.subcategory) == ("logic_error", "incorrect_query_logic")
    shape = diagnose(
        DiagnosisInput(
            requests=[
                req(
                    "create",
                    "POST",
                    "/api/articles",
                    201,
                    12,
                    13,
                    failures=[
                        {
                            "assertion": "has article.slug",
                            "operation": "CreateArticle",
                            "expected": "present",
                            "actual": None,
                        }
                    ],
                )
            ]
        )
    )
    assert shape.category == "schema_format_error"


def test_startup_failure_is_the_only_cause_and_points_at_the_failing_import():
    log = (
        'Traceback (most recent call last):\n  File "/workspace/app/main.py", line 3, in <module>\n'
        "    from app.routes import api\nModuleNotFoundError: No module named 'flask_cors'\n"
    )
    result = diagnose(DiagnosisInput(startup="start_failed", server_log=log))
    assert result.category == "server_startup_failure"
    assert (result.evidence[0].path, result.evidence[0].line) == ("app/main.py", 3)


def test_constraint_findings_alone_make_a_constraint_violation():
    findings = [
        {
            "constraint": "orm",
            "rule": "orm.raw-sql",
            "path": "app/repositories/a.py",
            "line": 9,
            "message": "raw SQL bypasses SQLAlchemy",
        }
    ]
    result = diagnose(DiagnosisInput(requests=[req("t", "GET", "/api/tags", 200, 3, 3)], findings=findings))
    assert result.category == "constraint_violation"
    assert result.evidence[0].path == "app/repositories/a.py"


def test_clean_run_has_no_cause():
    assert diagnose(DiagnosisInput(requests=[req("t", "GET", "/api/tags", 200, 3, 3)])).category == "none"


def test_routes_are_located_across_parameter_spellings(tmp_path: Path):
    (tmp_path / "src" / "routes").mkdir(parents=True)
    (tmp_path / "src" / "routes" / "articles.js").write_text(
        "router.get('/articles/:slug', get)\nrouter.post('/articles/:slug/comments', add)\n"
    )
    (tmp_path / "app.py").write_text(
        '@bp.route("/articles/<slug>/comments", methods=["GET"])\ndef comments(slug):\n    return []\n'
    )
    assert locate_route(tmp_path, "POST", "/api/articles/{slug}/comments") == ("src/routes/articles.js", 2)
    assert locate_route(tmp_path, "GET", "/api/articles/{slug}/comments") == ("app.py", 1)
    assert locate_route(tmp_path, "GET", "/api/nothing/here") is None


def test_annotations_put_failures_first_and_prefix_the_app_folder():
    result = diagnose(
        DiagnosisInput(requests=[req("10 create article", "POST", "/api/articles", 500, 0, 13)], server_log=PY_CHAINED)
    )
    findings = [
        Finding(
            constraint="architecture",
            rule="arch.upward-import",
            path="app/models/x.py",
            line=2,
            severity="warning",
            message="models import services",
        )
    ]
    notes = build_annotations(findings, result, app_path="backend")
    assert [n.level for n in notes] == ["failure", "failure", "warning"]
    assert notes[0].path == "backend/app/repositories/articles.py" and notes[0].start_line == 17
    assert notes[1].path == "backend/app/routes/articles.py" and notes[1].start_line == 42  # its caller


def test_diagnose_command_reads_documented_input_and_rejects_bad_json(tmp_path: Path):
    good = tmp_path / "evidence.json"
    good.write_text(
        json.dumps(
            {
                "requests": [req("10 create article", "POST", "/api/articles", 500, 0, 13)],
                "server_log": PY_CHAINED,
                "startup": "ok",
                "findings": [],
            }
        )
    )
    out = tmp_path / "out.json"
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "diagnose", "--input", str(good), "--json", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    assert json.loads(out.read_text())["diagnosis"]["subcategory"] == "database_runtime_error"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "diagnose", "--input", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "cannot read" in run.stderr


NODE_INSPECTED = """Error
    at Query.run (node_modules/sequelize/lib/dialects/postgres/query.js:50:25)
    at async Promise.all (index 1)
    at async Article.findAndCountAll (node_modules/sequelize/lib/model.js:1322:27)
    at async Object.findPage (src/repositories/articles.js:85:31)
    at async page (src/services/articles.js:68:46) {
  name: 'SequelizeDatabaseError',
  parent: error: column Article.created_at does not exist
      at Parser.parseErrorMessage (node_modules/pg-protocol/dist/parser.js:306:11) {
    code: '42703'
  },
  original: error: column Article.created_at does not exist
}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_node_inspected_errors_keep_the_wrapped_name_and_cause_and_skip_placeless_frames(tmp_path: Path):
    write(tmp_path, {"src/repositories/articles.js": "x\n", "src/services/articles.js": "y\n"})
    (error,) = parse_log(NODE_INSPECTED, repo=tmp_path)  # the nested `parent:` stack is not a second error
    assert "SequelizeDatabaseError" in error.types
    assert "column Article.created_at does not exist" in error.message
    assert [(f.path, f.line) for f in error.chain] == [
        ("src/repositories/articles.js", 85),
        ("src/services/articles.js", 68),
    ]
    result = diagnose(
        DiagnosisInput(requests=[req("06 all articles", "GET", "/api/articles", 500, 0, 5)], server_log=NODE_INSPECTED),
        repo=tmp_path,
    )
    assert (result.subcategory, result.evidence[0].path, result.evidence[0].line) == (
        "database_runtime_error",
        "src/repositories/articles.js",
        85,
    )
    assert result.evidence[1].path == "src/services/articles.js"  # the caller is evidence too


APP = {
    "app/routes/articles.py": '@router.get("/articles/feed")\ndef feed(viewer=None):\n    return articles.feed(viewer)\n',
    "app/routes/http.py": "def ok(body):\n    return body\n",
    "app/services/articles.py": "def feed(viewer):\n    with unit_of_work() as session:\n"
    "        return ArticleRepository(session).feed(viewer)\n",
    "app/repositories/articles.py": "class ArticleRepository:\n    def feed(self, follower_id):\n"
    "        query = select(Article)\n        return self._page(query)\n\n"
    "    def _page(self, query):\n        return query\n",
    "app/services/security.py": 'def token_from_header(header):\n    """`Token <jwt>`."""\n'
    '    scheme, _, token = header.partition(" ")\n'
    '    if scheme != "Bearer":\n        return None\n    return token\n',
}


def test_call_chain_follows_the_handler_into_services_and_repositories(tmp_path: Path):
    from checks.diagnosis.code import call_chain

    write(tmp_path, APP)
    chain = call_chain(tmp_path, "app/routes/articles.py", 1, topic="feed")
    assert (chain[0].path, chain[0].start, chain[0].end) == ("app/routes/articles.py", 1, 3)
    assert {(s.path, s.start, s.end) for s in chain[1:3]} == {
        ("app/services/articles.py", 1, 3),
        ("app/repositories/articles.py", 2, 4),
    }
    assert ("app/repositories/articles.py", 6) in [(s.path, s.start) for s in chain]  # depth 3: _page


def test_value_failures_point_at_the_code_behind_the_route_and_vote_by_majority(tmp_path: Path):
    write(tmp_path, APP)
    failures = [
        {"assertion": "articlesCount equals 2"},
        {"assertion": 'articles[*].slug is ["b", "c"]'},
        {"assertion": "every item of articles has author.following = true"},
    ]
    result = diagnose(
        DiagnosisInput(requests=[req("feed of A", "GET", "/api/articles/feed", 200, 2, 5, failures=failures)]),
        repo=tmp_path,
    )
    assert result.subcategory == "incorrect_query_logic"  # two of three say query; `following` alone would not
    assert score(
        {
            "category": "logic_error",
            "subcategory": "incorrect_query_logic",
            "path": "app/repositories/articles.py",
            "line": 3,
        },
        result,
    ).correct


def test_an_empty_list_read_at_item_zero_is_a_query_not_a_missing_field():
    failures = [{"assertion": "has articles[0].title"}, {"assertion": "has articles[0].slug"}]
    empty = diagnose(
        DiagnosisInput(
            requests=[
                req(
                    "by author",
                    "GET",
                    "/api/articles",
                    200,
                    3,
                    5,
                    failures=failures,
                    response_excerpt='{"articles": [], "articlesCount": 0}',
                )
            ]
        )
    )
    assert empty.subcategory == "incorrect_query_logic"
    full = diagnose(
        DiagnosisInput(
            requests=[
                req(
                    "by author",
                    "GET",
                    "/api/articles",
                    200,
                    3,
                    5,
                    failures=failures,
                    response_excerpt='{"articles": [{"body": "x"}], "articlesCount": 1}',
                )
            ]
        )
    )
    assert full.category == "schema_format_error"


def test_a_rejected_token_points_at_the_header_check_before_anything_else(tmp_path: Path):
    write(tmp_path, APP)
    requests = [
        req("03 login", "POST", "/api/users/login", 200, 7, 7),
        req("11 feed", "GET", "/api/articles/feed", 401, 0, 5, sent_auth=True, depends_on=["03 login"]),
    ]
    result = diagnose(DiagnosisInput(requests=requests), repo=tmp_path)
    assert result.subcategory == "auth_misconfiguration"
    code = [e for e in result.evidence if e.kind == "code"]
    assert (code[0].path, code[0].line) == ("app/services/security.py", 4)  # the docstring line 2 is skipped


def test_a_route_family_that_is_missing_points_at_its_routes_module(tmp_path: Path):
    write(tmp_path, {"src/routes/comments.js": "function commentRoutes() { return router; }\n"})
    result = diagnose(
        DiagnosisInput(requests=[req("23 comment", "POST", "/api/articles/{slug}/comments", 404, 0, 6)]), repo=tmp_path
    )
    assert result.category == "incomplete_implementation"
    assert "src/routes/comments.js" in [e.path for e in result.evidence]


def test_relative_frames_map_to_the_checkout(tmp_path: Path):
    write(tmp_path, {"src/server.js": "x\n"})
    log = (
        "Error: Cannot find module 'koa-helmet'\nRequire stack:\n- src/server.js\n"
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1140:15)\n"
        "    at Object.<anonymous> (src/server.js:3:15)\n"
    )
    result = diagnose(DiagnosisInput(startup="start_failed", server_log=log), repo=tmp_path)
    assert (result.category, result.evidence[0].path, result.evidence[0].line) == (
        "server_startup_failure",
        "src/server.js",
        3,
    )


def test_a_missing_field_points_at_the_code_that_shapes_the_response(tmp_path: Path):
    write(
        tmp_path,
        {
            "src/routes/articles.js": "router.post('/articles', async (ctx) => {\n"
            "  ctx.body = { article: await articles.create(ctx.request.body) };\n});\n",
            "src/services/articles.js": "async function create(body) {\n  const row = await save(body);\n"
            "  return present(row);\n}\nasync function save(body) {\n  return body;\n}\n"
            "function present(row) {\n  return {\n    slug: row.slug,\n    title: row.title,\n"
            "    body: row.body,\n  };\n}\n",
        },
    )
    failures = [{"assertion": "has article.tagList"}, {"assertion": "article.tagList is an array"}]
    result = diagnose(
        DiagnosisInput(
            requests=[
                req(
                    "10 create article",
                    "POST",
                    "/api/articles",
                    201,
                    8,
                    10,
                    failures=failures,
                    response_excerpt='{"article": {"slug": "a", "title": "A", "body": "b"}}',
                )
            ]
        ),
        repo=tmp_path,
    )
    assert result.category == "schema_format_error"
    code = [e for e in result.evidence if e.kind == "code"]
    assert (code[0].path, code[0].line, code[0].end_line) == ("src/services/articles.js", 8, 14)


def test_a_query_on_an_attribute_the_model_lacks_is_query_logic_not_business_logic():
    log = (
        "Traceback (most recent call last):\n"
        '  File "/workspace/app/repositories/articles.py", line 26, in _filtered\n'
        "    Article.tags.any(Tag.name == flt.tag)\n"
        "AttributeError: type object 'Article' has no attribute 'tags'\n"
    )
    result = diagnose(
        DiagnosisInput(requests=[req("09 tag filter", "GET", "/api/articles", 500, 0, 5)], server_log=log)
    )
    assert (result.category, result.subcategory) == ("logic_error", "incorrect_query_logic")
    assert (result.evidence[0].path, result.evidence[0].line) == ("app/repositories/articles.py", 26)
    plain = diagnose(
        DiagnosisInput(
            requests=[req("t", "GET", "/api/tags", 500, 0, 3)],
            server_log=log.replace("type object 'Article'", "'NoneType' object"),
        )
    )
    assert plain.subcategory == "business_logic_defect"
