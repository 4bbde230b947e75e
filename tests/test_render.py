"""The report's renderings show every suite that ran, not only the headline one."""

from __future__ import annotations

from rich.console import Console

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
