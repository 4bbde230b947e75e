"""The suites as data: compat counts exactly what compat-suite.md counts; strict covers the contract.

compat-suite.md (shipped in conduit_suite/data/) gives each of its 32
requests an assertion count in brackets; these tests read those brackets
rather than repeating them, so the suite and the document cannot drift apart.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from conduit_suite import SuiteError, behaviour, load_suite
from conduit_suite.aspects import ASPECT_NAMES, BEYOND_SPEC
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


# -- aspects and citations ------------------------------------------------------------

GOOD = {"name": "tags", "operation": "GetTags", "method": "GET", "path": "/tags", "assert": [{"status": 200}]}


def test_every_strict_assertion_names_an_aspect_and_cites_a_rule_that_exists() -> None:
    suite = load_suite("strict")
    rules = behaviour.rules()
    operations = {op["operationId"] for item in OPENAPI["paths"].values() for op in item.values()}
    components = set(OPENAPI["components"]["schemas"]) | set(OPENAPI["components"]["responses"])
    cited = set()
    for r in suite.requests:
        for a in r.assertions:
            assert a.aspect in ASPECT_NAMES, (r.name, a.text)
            source, _, name = (a.cites or "").partition(":")
            assert (source == "behaviour" and name in rules) or (
                source == "openapi" and name in operations | components
            )
            # Beyond the spec, and only there: the assertions of the rules that say they go beyond it.
            assert (a.aspect == BEYOND_SPEC) == (source == "behaviour" and rules[name].beyond_spec), (r.name, a.text)
            cited.add(a.cites)
    assert {f"behaviour:{rule}" for rule in rules} <= cited, "a rule of conduit-behaviour.md no assertion checks"
    assert {a for r in suite.requests for a in r.aspect_totals} == set(ASPECT_NAMES)
    assert sum(n for r in suite.requests for n in r.aspect_totals.values()) == suite.assertion_count == 337


def test_the_behaviour_document_marks_what_goes_beyond_the_spec() -> None:
    beyond = {rule.id for rule in behaviour.rules().values() if rule.beyond_spec}
    assert beyond == {
        "errors.envelope-all",
        "profiles.follow-idempotent",
        "articles.slug-unique",
        "articles.count-total",
        "favorites.idempotent",
    }
    rule = behaviour.rules()["errors.envelope"]
    assert rule.statement == 'Failed validations and refused logins answer `{"errors": {"body": ["<message>", ...]}}`.'
    text = DATA.joinpath(behaviour.DOCUMENT).read_text().splitlines()
    assert text[rule.line - 1].startswith("- `errors.envelope` ")
    # docs/conduit-behaviour.md is this document (it ships in the package, where loading a suite reads it).
    docs = Path(__file__).resolve().parents[1] / "docs" / "conduit-behaviour.md"
    assert docs.read_text() == DATA.joinpath(behaviour.DOCUMENT).read_text()


def test_rules_are_list_items_with_an_id_continued_on_indented_lines() -> None:
    rules = behaviour.parse_rules(
        "# T\n- `a.one` First rule. More\n  of it. Beyond the spec: yes.\n- not a rule\n- `a.two` Second (aside).\n"
    )
    assert [(r.id, r.line, r.beyond_spec) for r in rules.values()] == [("a.one", 2, True), ("a.two", 5, False)]
    assert rules["a.one"].text == "First rule. More of it. Beyond the spec: yes."
    assert (rules["a.one"].statement, rules["a.two"].statement) == ("First rule.", "Second.")
    with pytest.raises(behaviour.CitationError, match="defined twice"):
        behaviour.parse_rules("- `a.one` x\n- `a.one` y\n")


def test_aspect_and_cites_apply_from_the_innermost_place_that_sets_them() -> None:
    suite = parse_suite(
        {
            "require": ["aspect", "cites"],
            "groups": {
                "ERR": {
                    "aspect": "error_envelope",
                    "cites": "behaviour:errors.envelope",
                    "assert": [{"has": "errors"}],
                },
                "NF": [
                    {"status": 404, "aspect": "status_codes", "cites": "behaviour:errors.not-found"},
                    {"group": "ERR"},
                ],
                "PLAIN": [{"has": "tags"}],
            },
            "requests": [
                {
                    **GOOD,
                    "aspect": "values",
                    "cites": "behaviour:tags.list",
                    "assert": [
                        {"group": "NF"},
                        {"group": "PLAIN", "aspect": "shapes", "cites": "openapi:TagsResponse"},
                        {"array": "tags"},
                        {"status": 200, "aspect": "status_codes", "cites": "openapi"},
                    ],
                }
            ],
        }
    )
    got = [(a.text, a.aspect, a.cites) for a in suite.requests[0].assertions]
    assert got == [
        ("status is 404", "status_codes", "behaviour:errors.not-found"),
        ("has errors", "error_envelope", "behaviour:errors.envelope"),
        ("has tags", "shapes", "openapi:TagsResponse"),
        ("tags is an array", "values", "behaviour:tags.list"),
        ("status is 200", "status_codes", "openapi:GetTags"),
    ]
    assert suite.requests[0].aspect_totals == {"status_codes": 2, "error_envelope": 1, "shapes": 1, "values": 1}
    assert suite.requests[0].operation_totals == {"GetTags": 5}


@pytest.mark.parametrize(
    ("suite", "problem"),
    [
        ({"requests": [{**GOOD, "assert": [{"status": 200, "aspect": "colour"}]}]}, "unknown aspect 'colour'"),
        ({"require": ["aspect"], "requests": [GOOD]}, "has no 'aspect'"),
        ({"require": ["cites"], "requests": [{**GOOD, "aspect": "values"}]}, "has no 'cites'"),
        ({"require": ["colour"], "requests": [GOOD]}, "'require' lists some of"),
        ({"requests": [{**GOOD, "cites": "behaviour:no.such-rule"}]}, "has no rule 'no.such-rule'"),
        ({"requests": [{**GOOD, "cites": "openapi:GetTagz"}]}, "no operation or component 'GetTagz'"),
        ({"requests": [{**GOOD, "cites": "docs:tags.list"}]}, "expected 'openapi[:NAME]' or 'behaviour:RULE'"),
        (  # a rule beyond the spec cited from another aspect
            {"requests": [{**GOOD, "aspect": "status_codes", "cites": "behaviour:articles.count-total"}]},
            "a rule beyond the spec: its aspect is beyond_spec",
        ),
        (  # beyond_spec for a rule of the spec
            {"requests": [{**GOOD, "aspect": "beyond_spec", "cites": "behaviour:tags.list"}]},
            "it cites a rule marked beyond the spec",
        ),
        ({"requests": [{**GOOD, "aspect": ["values"]}]}, "'aspect' is a non-empty string"),
        ({"requests": [{**GOOD, "asert": []}]}, "unknown key(s) asert"),
        ({"colour": 1, "requests": [GOOD]}, "unknown key(s) colour"),
        ({"groups": {"G": [{"has": "x"}]}, "requests": [{**GOOD, "assert": [{"group": "G", "as": 1}]}]}, "unknown key"),
        ({"groups": {"G": {"asserts": []}}, "requests": [{**GOOD, "assert": [{"group": "G"}]}]}, "unknown key"),
        ({"groups": {"G": [{"group": "G"}]}, "requests": [{**GOOD, "assert": [{"group": "G"}]}]}, "includes itself"),
    ],
)
def test_aspect_and_citation_mistakes_are_load_errors(suite: dict, problem: str) -> None:
    with pytest.raises(SuiteError) as info:
        parse_suite(suite)
    assert problem in str(info.value)
