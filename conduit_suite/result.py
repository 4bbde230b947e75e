"""What one suite run produced: per-request outcomes and the totals behind A% and pass@1.

These models are the contract the rest of decaycheck reads (the report, the
diagnosis, the Check Run), so they stay plain data: no references to the
suite definitions or the HTTP client that produced them.

The dependency graph, for diagnosis: `RequestResult.depends_on` names the
earlier requests whose captures a request read; `RequestResult.blocked_by`
the subset whose capture was never set when it ran (its inputs carried the
`undefined` placeholder). On a failure, `AssertionFailure.blocked_by` names
the request whose missing capture made it fail and `unset` the variables:
such an assertion still counts as failed, but it is a consequence of that
request, and when the missing value was the expected one it was never
compared (its `expected` shows the `{{name}}` it needed, `actual` is None).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class AssertionFailure(BaseModel):
    """One assertion that did not hold, with enough context to explain it."""

    id: str = Field(default="", description="Stable id '<request name>: <assertion text>'.")
    assertion: str = Field(description="Human-readable statement, e.g. 'user has token'.")
    operation: str = Field(description="OpenAPI operationId the assertion checks, e.g. 'Login'.")
    expected: Any = None
    actual: Any = None
    kind: str = Field(default="", description="Assertion kind, e.g. 'equals', 'schema', 'status'.")
    aspect: str | None = Field(default=None, description="The aspect it belongs to (conduit_suite.aspects).")
    cites: str | None = Field(default=None, description="The rule it follows, e.g. 'behaviour:errors.envelope'.")
    blocked_by: str | None = Field(
        default=None, description="The earlier request whose capture this needed and never got; None when judged."
    )
    unset: list[str] = Field(default_factory=list, description="The variables it needed that were never set.")
    reproduce: str | None = Field(default=None, description="A command reproducing it (conformance: curl).")


class RequestResult(BaseModel):
    """One request of a suite as it ran."""

    name: str
    operation: str
    method: str
    path: str = Field(description="Path template including the API prefix, e.g. /api/articles/{slug}.")
    url: str = Field(default="", description="The concrete URL requested.")
    status: int | None = Field(description="HTTP status, or None when no response arrived.")
    error: str | None = Field(default=None, description="Transport error (timeout, refused), if any.")
    elapsed_ms: float = 0.0
    server_ms: float | None = Field(default=None, description="Server-reported time (Server-Timing), if any.")
    passed: int
    total: int
    failures: list[AssertionFailure] = Field(default_factory=list)
    response_excerpt: str = Field(default="", description="Start of the response body, for diagnosis.")
    sent_auth: bool = Field(default=False, description="Whether an Authorization header was sent.")
    depends_on: list[str] = Field(
        default_factory=list, description="Names of earlier requests whose captures this one used."
    )
    blocked_by: list[str] = Field(
        default_factory=list, description="Those of depends_on whose capture was unset when this request was sent."
    )
    aspects: dict[str, int] = Field(default_factory=dict, description="Assertions per aspect (passed ones included).")
    operations: dict[str, int] = Field(default_factory=dict, description="Assertions per operation they check.")


class SuiteResult(BaseModel):
    """The outcome of one suite against one server."""

    suite: str
    kind: str = Field(default="builtin", description="builtin, file (decaycheck's format) or postman.")
    base_url: str
    api_prefix: str
    requests: list[RequestResult]
    elapsed_ms: float = 0.0
    problems: list[str] = Field(
        default_factory=list,
        description="What kept the suite from running as written (a script error, no response, a bad collection).",
    )

    @property
    def assertions_passed(self) -> int:
        return sum(r.passed for r in self.requests)

    @property
    def assertions_total(self) -> int:
        return sum(r.total for r in self.requests)

    @property
    def assert_pct(self) -> float:
        total = self.assertions_total
        return round(100.0 * self.assertions_passed / total, 2) if total else 0.0

    @property
    def pass_at_1(self) -> bool:
        """Every assertion passed, and nothing kept the suite from running as written."""
        return self.assertions_total > 0 and self.assertions_passed == self.assertions_total and not self.problems

    @property
    def assertions_blocked(self) -> int:
        """Failed assertions that are consequences of an earlier request's missing capture."""
        return sum(1 for r in self.requests for f in r.failures if f.blocked_by is not None)

    def failed_ids(self) -> list[str]:
        """Sorted ids ('<request name>: <assertion text>') of every failed assertion."""
        return sorted(f.id or f"{r.name}: {f.assertion}" for r in self.requests for f in r.failures)

    def summary(self) -> dict[str, Any]:
        """The JSON shape written by `decaycheck suite --json`: totals, scores (see `scores.py`), requests."""
        from conduit_suite.scores import score  # scores reads these models; imported here to avoid a cycle

        return {
            "suite": self.suite,
            "kind": self.kind,
            "problems": self.problems,
            "base_url": self.base_url,
            "api_prefix": self.api_prefix,
            "assertions_passed": self.assertions_passed,
            "assertions_total": self.assertions_total,
            "assert_pct": self.assert_pct,
            "pass_at_1": self.pass_at_1,
            "elapsed_ms": round(self.elapsed_ms, 2),
            **score(self).model_dump(),
            "requests": [r.model_dump() for r in self.requests],
        }
