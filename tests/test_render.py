"""The report's renderings show every suite that ran, and a strict suite by aspect, in every rendering."""

from __future__ import annotations

import json

from rich.console import Console

from checks import gate
from checks.config import GateConfig
from checks.render.checkrun import outcome_of
from checks.render.markdown import markdown
from checks.render.terminal import terminal
from checks.report import Report
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult


def _suite(name: str, passed: int, total: int) -> SuiteResult:
    failures = [
        AssertionFailure(assertion="articlesCount equals 0", operation="GetArticlesFeed", expected=0, actual=2)
    ] * (total - passed)
    request = RequestResult(
        name="feed",
        operation="GetArticlesFeed",
        method="GET",
        path="/api/articles/feed",
        status=200,
        passed=passed,
        total=total,
        failures=failures,
    )
    return SuiteResult(suite=name, base_url="http://127.0.0.1:1", api_prefix="/api", requests=[request])


def test_second_suite_is_shown_in_markdown_and_on_the_terminal() -> None:
    report = Report(startup="ok").with_suites([_suite("compat", 5, 5), _suite("strict", 3, 5)])
    text = markdown(report)
    assert "Suite **strict**: A% 60.00 (3/5), pass@1 no" in text
    console = Console(record=True, width=120)
    terminal(report, console)
    shown = console.export_text()
    assert "suite strict: A% 60.00 (3/5), pass@1 no" in shown
    assert "A% 100.00 (5/5)" in shown


def _envelope_failure(name: str, text: str, kind: str) -> AssertionFailure:
    return AssertionFailure(
        id=f"{name}: {text}",
        assertion=text,
        operation="CreateUser",
        expected="GenericErrorModel",
        actual="errors: 'body' is a required property",
        kind=kind,
        aspect="error_envelope",
        cites="behaviour:errors.envelope",
    )


def _register(name: str, field: str) -> RequestResult:
    """A 422 with a per-field envelope: its status passes, both envelope assertions fail."""
    return RequestResult(
        name=name,
        operation="CreateUser",
        method="POST",
        path="/api/users",
        status=422,
        passed=1,
        total=3,
        failures=[
            _envelope_failure(name, "body matches GenericErrorModel", "schema"),
            _envelope_failure(name, "errors.body has at least 1 items", "min_length"),
        ],
        response_excerpt=json.dumps({"errors": {field: ["has already been `taken`"]}}),
        aspects={"status_codes": 1, "error_envelope": 2},
        operations={"CreateUser": 3},
    )


def strict_result() -> SuiteResult:
    create = RequestResult(
        name="create article A1",
        operation="CreateArticle",
        method="POST",
        path="/api/articles",
        status=500,
        passed=0,
        total=1,
        failures=[
            AssertionFailure(
                id="create article A1: status is one of 200, 201",
                assertion="status is one of 200, 201",
                operation="CreateArticle",
                expected=[200, 201],
                actual=500,
                kind="status",
                aspect="status_codes",
                cites="openapi:CreateArticle",
            )
        ],
        aspects={"status_codes": 1},
        operations={"CreateArticle": 1},
    )
    read = RequestResult(
        name="article A1 without token",
        operation="GetArticle",
        method="GET",
        path="/api/articles/{slug}",
        status=404,
        passed=0,
        total=1,
        depends_on=["create article A1"],
        blocked_by=["create article A1"],
        failures=[
            AssertionFailure(
                id='article A1 without token: article.slug equals "{{slugA1}}"',
                assertion='article.slug equals "{{slugA1}}"',
                operation="GetArticle",
                expected="{{slugA1}}",
                kind="equals",
                aspect="state",
                cites="behaviour:articles.create",
                blocked_by="create article A1",
                unset=["slugA1"],
            )
        ],
        aspects={"state": 1},
        operations={"GetArticle": 1},
    )
    requests = [_register("register with taken username", "username"), _register("register with taken email", "email")]
    return SuiteResult(
        suite="strict", base_url="http://127.0.0.1:1", api_prefix="/api", requests=[*requests, create, read]
    )


def _strict_report(cfg: GateConfig) -> Report:
    report = Report(startup="ok").with_suites([_suite("compat", 5, 5), strict_result()])
    return gate.apply(cfg, report)


def test_strict_aspects_deviations_and_blocked_assertions_are_in_the_report_json() -> None:
    data = json.loads(_strict_report(GateConfig()).model_dump_json())
    strict = data["suites"][1]
    assert [(a["aspect"], a["passed"], a["total"], a["blocked"]) for a in strict["aspects"]] == [
        ("status_codes", 2, 3, 0),
        ("error_envelope", 0, 4, 0),
        ("state", 0, 1, 1),
    ]
    assert [(o["operation"], o["passed"], o["total"]) for o in strict["operations"]] == [
        ("CreateUser", 2, 6),
        ("CreateArticle", 0, 1),
        ("GetArticle", 0, 1),
    ]
    (status, envelope) = strict["deviations"]  # four failed envelope assertions, one rule: one deviation
    assert (envelope["aspect"], envelope["rule"], envelope["assertions"], envelope["responses"]) == (
        "error_envelope",
        "behaviour:errors.envelope",
        4,
        2,
    )
    assert envelope["statement"].startswith("Failed validations and refused logins answer")
    assert (status["rule"], status["assertions"]) == ("openapi:CreateArticle", 1)
    assert strict["blocked"] == [{"request": "create article A1", "assertions": 1, "variables": ["slugA1"]}]
    assert strict["assertions_blocked"] == 1 and data["suites"][0]["aspects"] == []
    assert data["gate"]["strict_aspects"] == "all"


def test_every_rendering_shows_failing_aspects_one_line_each_and_what_is_blocked() -> None:
    report = _strict_report(GateConfig())
    md = markdown(report)
    assert "### Suite strict by aspect" in md
    assert (
        "| error envelope | ❌ 0/4 | counted |" in md
        and "| state across requests | ❌ 0/1 (1 blocked) | counted |" in md
    )
    (line,) = [x for x in md.splitlines() if x.startswith("- **error envelope")]
    assert "2 responses break `errors.envelope` (4 assertions)" in line
    # Server text goes in code spans, its backticks neutralised so it cannot close them.
    assert '`422 {"errors": {"username": ["has already been \'taken\'"]}}`' in line
    assert "- 1 failed assertion is blocked" in md and "`create article A1` (1: slugA1)" in md
    assert "| CreateUser | 2/6 |" in md

    console = Console(record=True, width=200)
    terminal(report, console)
    shown = console.export_text()
    assert "Suite strict by aspect" in shown
    assert "✗ error envelope 0/4: 2 responses break errors.envelope (4 assertions)" in shown
    assert "✗ state across requests 0/1 (1 blocked): every failure is blocked by an earlier request (1)" in shown
    assert "⋯ 1 failed assertion is blocked" in shown and "operations failing: CreateArticle 0/1" in shown

    check = outcome_of(report, 50)
    assert "### Suite strict by aspect" in check.summary
    assert "### Suite strict: deviations by aspect" in check.text
    assert "- **error envelope**: 2 responses break `errors.envelope` (4 assertions)" in check.text
    assert "- **status codes**: 1 response breaks `OpenAPI CreateArticle` (POST /articles)" in check.text
    assert "blocked (counted, not judged on their own)" in check.text


def test_the_gate_counts_strict_over_the_aspects_it_is_told() -> None:
    report = _strict_report(GateConfig())
    assert not report.gate_passed
    assert report.gate["reason"] == "pass@1 required: strict: 6 of 8 assertions failed"
    report = _strict_report(GateConfig(strict_aspects=["status_codes", "state"]))
    assert report.gate["reason"] == (
        "pass@1 required: strict: 2 of 4 assertions failed in the aspects counted (status_codes, state)"
    )
    assert "| error envelope | ❌ 0/4 | left out |" in markdown(report)
    report = _strict_report(GateConfig(strict_aspects=["error_envelope"], pass_at_1=False, min_assert_pct=50))
    assert report.gate["reason"] == "strict A% 0.00 is below the required 50"
    passing = Report(startup="ok").with_suites([_suite("compat", 5, 5), strict_result()])
    passing.suites[1].aspects = [a for a in passing.suites[1].aspects if a.aspect == "status_codes"]
    assert gate.decide(GateConfig(strict_aspects=["shapes"]), passing) == (
        True,
        "met: pass@1 over compat, strict (strict aspects: shapes)",
    )


def test_enforced_a_pct_is_zero_with_a_constraint_finding_and_every_rendering_shows_both() -> None:
    from verifiers.findings import Finding

    clean = Report(startup="ok").with_suites([_suite("compat", 9, 10)])
    assert (clean.assert_pct, clean.enforced_assert_pct) == (90.0, 90.0)
    report = Report(startup="ok", findings=[Finding(constraint="orm", rule="orm.raw-query", message="raw SQL")])
    report.with_suites([_suite("compat", 9, 10)])
    assert (report.assert_pct, report.enforced_assert_pct) == (90.0, 0.0)
    assert report.model_dump()["enforced_assert_pct"] == 0.0  # in the report JSON
    assert Report.model_validate_json(report.model_dump_json()).enforced_assert_pct == 0.0
    assert "A% 90.00 (9/10)" in markdown(report) and "enforced A% 0.00" in markdown(report)
    console = Console(record=True, width=160)
    terminal(report, console)
    assert "enforced A% 0.00" in console.export_text()
    outcome = outcome_of(report, 10)
    assert "enforced A% 0.0" in outcome.title and "enforced A% 0.00" in outcome.summary


def test_a_waived_finding_is_shown_as_waived_and_counts_for_nothing() -> None:
    from checks.render.annotations import build_annotations
    from verifiers.findings import Finding

    waived = Finding(
        constraint="orm", rule="orm.raw-query", path="src/report.js", line=4, message="raw SQL", waived="reviewed"
    )
    report = Report(startup="ok", findings=[waived]).with_suites([_suite("compat", 10, 10)])
    report.compliant = not report.open_findings
    gate.apply(GateConfig(), report)
    assert (report.compliant, report.pass_at_1, report.gate_passed, report.enforced_assert_pct) == (
        True,
        True,
        True,
        100.0,
    )
    assert "(waived: reviewed)" in markdown(report)
    console = Console(record=True, width=160)
    terminal(report, console)
    assert "waived: reviewed" in console.export_text()
    [note] = build_annotations(report.findings, None)
    assert note.level == "notice" and "reviewed" in note.message
    counted = Report(startup="ok", findings=[waived.model_copy(update={"waived": None})])
    counted.with_suites([_suite("compat", 10, 10)])
    gate.apply(GateConfig(), counted)
    assert (counted.pass_at_1, counted.gate_passed) == (False, False)


def test_at_80_columns_rule_names_and_paths_are_whole() -> None:
    from verifiers.findings import Finding

    path = "packages/api/src/http/controllers/articles_controller.ts"
    rule = "architecture.route-bypasses-service"
    report = Report(
        startup="ok",
        findings=[Finding(constraint="architecture", rule=rule, path=path, line=42, message="routes reach " * 12)],
    ).with_suites([_suite("compat", 4, 5)])
    console = Console(record=True, width=80)
    terminal(report, console)
    shown = console.export_text()
    assert rule in shown and f"{path}:42" in shown and "…" not in shown
    assert "`" not in shown and "GET /api/articles/feed → 200 (feed)" in shown
    assert all(len(line) <= 80 for line in shown.splitlines())
