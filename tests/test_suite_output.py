"""What `decaycheck suite` prints: plain text a terminal cannot be steered by, whatever the server sent."""

from __future__ import annotations

from checks.commands.suite import failure_lines, render, safe, totals
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult

HOSTILE = "boom\x1b[2J\x1b]0;owned\x07\rline\nnext\x9b"


def result() -> SuiteResult:
    failure = AssertionFailure(id="01 register: has user", assertion="has user", operation="CreateUser", actual=HOSTILE)
    request = RequestResult(
        name="01 register",
        operation="CreateUser",
        method="POST",
        path="/api/users",
        status=None,
        error=HOSTILE,
        passed=0,
        total=1,
        failures=[failure],
    )
    return SuiteResult(suite="compat", base_url="http://127.0.0.1:1", api_prefix="/api", requests=[request])


def test_control_characters_never_reach_the_terminal() -> None:
    lines = [safe(line) for line in failure_lines(result())]
    assert lines == ["✗ 01 register: boom\ufffd[2J\ufffd]0;owned\ufffd\ufffdline\ufffdnext\ufffd (1 assertions failed)"]
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for line in lines for c in line)


def test_the_table_and_totals_are_plain_text_unless_coloured() -> None:
    table = render(result()).splitlines()
    assert table[0] == "compat suite against http://127.0.0.1:1/api"
    assert table[2].split() == ["01", "register", "POST", "/api/users", "none", "0/1"]
    assert totals(result()) == "compat: 0/1 assertions, A% 0.00, pass@1 0 (1 requests, 0 ms)"
    assert totals(result(), colour=True).startswith("\x1b[31mcompat: 0/1")
