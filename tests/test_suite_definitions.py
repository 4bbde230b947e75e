"""The suites as data: compat counts exactly what compat-suite.md counts; strict covers the contract.

compat-suite.md (shipped in conduit_suite/data/) gives each of its 32
requests an assertion count in brackets; these tests read those brackets
rather than repeating them, so the suite and the document cannot drift apart.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from conduit_suite import SuiteError, load_suite
from conduit_suite.assertions import KINDS, Observed
from conduit_suite.schemas import load_schemas
from conduit_suite.suite import parse_suite

DATA = resources.files("conduit_suite").joinpath("data")
OPENAPI = yaml.safe_load(DATA.joinpath("openapi.yml").read_text())


def compat_md_requests() -> list[tuple[int, str, int]]:
    """(number, text, bracketed count) for each numbered request of compat-suite.md."""
    text = DATA.joinpath("compat-suite.md").read_text()
    section = text.split("## The 32 requests", 1)[1].split("\nTotal:", 1)[0]
    items = re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |\Z)", section, flags=re.M | re.S)
    return [(int(n), body, int(re.findall(r"\[(\d+)", body)[-1])) for n, body in items]


def test_compat_has_32_requests_and_290_assertions() -> None:
    suite = load_suite("compat")
    assert len(suite.requests) == 32
    assert suite.assertion_count == 290


def test_compat_counts_per_request_match_the_brackets_of_compat_suite_md() -> None:
    expected = compat_md_requests()
    assert [n for n, _, _ in expected] == list(range(1, 33))
    assert sum(count for _, _, count in expected) == 290
    suite = load_suite("compat")
    for (number, body, count), request in zip(expected, suite.requests):
        assert request.name.startswith(f"{number:02d} ")
        assert len(request.assertions) == count, request.name
        said = re.match(r"(GET|POST|PUT|DELETE) (\S+)", body)
        if said:  # "same again" lines name no route
            assert request.method == said.group(1), request.name
            assert (
                said.group(2).split("?")[0].replace("celeb_USERNAME", "{username}").replace("{commentId}", "{id}")
                == request.path
            ), request.name


def test_compat_asserts_the_status_only_where_marked_200() -> None:
    suite = load_suite("compat")
    statuses = {r.name[:2] for r in suite.requests for a in r.assertions if a.kind == "status"}
    marked = {
        f"{n:02d}"
        for n, body, _ in compat_md_requests()
        if "status 200" in body
        or re.search(r"\b(LIST|PROFILE)\b", body)
        or "[17]" in body
        or body.startswith(("same again", "same without"))
    }
    assert statuses == marked
    assert all(a.args == (200,) for r in suite.requests for a in r.assertions if a.kind == "status")


def test_compat_captures_token_slug_and_comment_id_where_the_study_does() -> None:
    captures = {r.name: r.capture for r in load_suite("compat").requests if r.capture}
    assert captures == {
        "03 login and remember token": {"token": "user.token"},
        "10 create article": {"slug": "article.slug"},
        "23 create comment": {"commentId": "comment.id"},
    }


def test_strict_covers_all_19_operations_and_names_one_for_every_assertion() -> None:
    suite = load_suite("strict")
    operation_ids = {op["operationId"] for item in OPENAPI["paths"].values() for op in item.values()}
    assert len(operation_ids) == 19
    assert {r.operation for r in suite.requests} == operation_ids
    assert all(a.operation in operation_ids for r in suite.requests for a in r.assertions)
    ids = [f"{r.name}: {a.text}" for r in suite.requests for a in r.assertions]
    assert len(ids) == len(set(ids))


def test_strict_sends_no_token_to_every_auth_required_operation_and_expects_401() -> None:
    required = {op["operationId"] for item in OPENAPI["paths"].values() for op in item.values() if op.get("security")}
    assert len(required) == 12
    unauthorized = {
        r.operation
        for r in load_suite("strict").requests
        if r.auth is None
        and "Authorization" not in r.headers
        and any(a.kind == "status" and a.args == (401,) for a in r.assertions)
    }
    assert unauthorized == required


def test_strict_checks_403_404_and_422_with_the_error_envelope() -> None:
    suite = load_suite("strict")
    by_status: dict[int, set[str]] = {}
    for r in suite.requests:
        for a in r.assertions:
            if a.kind == "status" and isinstance(a.args[0], int) and a.args[0] >= 400 and a.operation == r.operation:
                by_status.setdefault(a.args[0], set()).add(r.operation)
                assert ("schema", ("GenericErrorModel",)) in {(x.kind, x.args) for x in r.assertions}, r.name
    assert by_status[403] == {"UpdateArticle", "DeleteArticle", "DeleteArticleComment"}
    assert {"GetArticle", "GetProfileByUsername", "DeleteArticleComment"} <= by_status[404]
    assert by_status[422] == {"CreateUser", "CreateArticle", "CreateArticleComment"}


def test_strict_validates_a_success_body_of_every_operation_that_has_one() -> None:
    validated = {
        r.operation
        for r in load_suite("strict").requests
        for a in r.assertions
        if a.kind == "schema" and a.args != ("GenericErrorModel",)
    }
    operation_ids = {op["operationId"] for item in OPENAPI["paths"].values() for op in item.values()}
    assert operation_ids - validated == {"DeleteArticle", "DeleteArticleComment"}  # EmptyOkResponse: no body schema


def test_suite_files_with_mistakes_are_rejected_at_load_time() -> None:
    good = {"name": "tags", "operation": "GetTags", "method": "GET", "path": "/tags", "assert": [{"status": 200}]}
    parse_suite({"requests": [good]})
    bad = [
        {**good, "assert": [{"shiny": "tags"}]},  # unknown kind
        {**good, "assert": [{"equals": ["tags"]}]},  # wrong arity
        {**good, "assert": [{"has": "tags"}, {"has": "tags"}]},  # same id twice
        {**good, "operation": "GetArticles"},  # operation is not GET /tags
        {**good, "path": "/tag"},
        {**good, "assert": [{"status": 200, "operation": "Nope"}]},
        {**good, "assert": [{"group": "NOPE"}]},
    ]
    for request in bad:
        with pytest.raises(SuiteError):
            parse_suite({"requests": [request]})
    with pytest.raises(SuiteError):
        parse_suite({"requests": [good, good]})
    with pytest.raises(SuiteError):  # schema assertions without a schema source
        parse_suite({"requests": [{**good, "assert": [{"schema": "TagsResponse"}]}]})
    with pytest.raises(SuiteError):  # a component the contract does not have
        parse_suite({"schemas": {"source": "openapi.yml"}, "requests": [{**good, "assert": [{"schema": "Tagz"}]}]})
    with pytest.raises(SuiteError):
        parse_suite(
            {
                "schemas": {"source": "openapi.yml", "nullable": ["User.nickname"]},
                "requests": [{**good, "assert": [{"schema": "TagsResponse"}]}],
            }
        )
    with pytest.raises(SuiteError):
        load_suite("no-such-suite")


def check(kind: str, body: object, *args: object, status: int | None = 200) -> bool:
    return (
        KINDS[kind].check(Observed(status, body, {}, load_schemas("openapi.yml", ("Profile.bio",)).validate), *args).ok
    )


def test_assertion_kinds_follow_json_types() -> None:
    assert check("integer", {"n": 3}, "n") and check("integer", {"n": 3.0}, "n")
    assert not check("integer", {"n": True}, "n") and not check("integer", {"n": "3"}, "n")
    assert check("has", {"n": None}, "n") and not check("has", {}, "n") and not check("has", [], "n")
    assert check("equals", {"f": True}, "f", True) and not check("equals", {"f": 1}, "f", True)
    assert not check("equals", {"n": "1"}, "n", 1) and check("equals", {"t": ["a", "b"]}, "t", ["a", "b"])
    assert check("greater", {"n": 1}, "n", 0) and not check("greater", {"n": "5"}, "n", 0)
    assert not check("array", {}, "articles[0].tagList")
    assert check("status", {}, [200, 201], status=201) and not check("status", {}, 200, status=None)


def test_list_kinds_read_items_by_field() -> None:
    items = {
        "a": [{"id": 1, "at": "2026-01-02T00:00:00Z", "u": {"n": "x"}}, {"id": 2, "at": "2026-01-01T00:00:00.5+00:00"}]
    }
    assert check("contains", items, "a", {"id": 1, "u.n": "x"}) and not check("contains", items, "a", {"id": 3})
    assert check("excludes", items, "a", {"id": 3}) and not check("excludes", {}, "a", {"id": 3})
    assert check("sequence", items, "a", "id", [1, 2]) and not check("sequence", items, "a", "id", [2, 1])
    assert check("sorted", items, "a", "at", "desc") and not check("sorted", items, "a", "at", "asc")
    assert check("occurs", {"t": ["x", "y", "x"]}, "t", "y", 1) and not check("occurs", {"t": ["x", "x"]}, "t", "x", 1)
    assert check("every", {"a": []}, "a", {"id": 1}) and not check("every", items, "a", {"id": 1})


def test_schema_kind_uses_the_openapi_components_with_declared_nullable_fields() -> None:
    profile = {"username": "jake", "bio": None, "image": "", "following": False}
    assert check("schema", {"profile": profile}, "ProfileResponse")
    assert not check("schema", {"profile": {**profile, "image": None}}, "ProfileResponse")  # not declared nullable here
    assert not check("schema", {"profile": {**profile, "following": "no"}}, "ProfileResponse")
    article = {
        "slug": "s",
        "title": "t",
        "description": "d",
        "body": "b",
        "tagList": [],
        "createdAt": "yesterday",
        "updatedAt": "2026-01-01T00:00:00Z",
        "favorited": False,
        "favoritesCount": 0,
        "author": profile,
    }
    assert not check("schema", {"article": article}, "SingleArticleResponse")  # createdAt is not a date-time
    assert check("schema", {"article": {**article, "createdAt": "2026-01-01T00:00:00.000Z"}}, "SingleArticleResponse")
    assert check("schema", {"errors": {"body": ["bad"]}}, "GenericErrorModel")
    assert not check("schema", {"errors": "bad"}, "GenericErrorModel")
