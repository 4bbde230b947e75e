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

They are standard dataclasses, so that running a suite does not load pydantic
(a tenth of a second of every `decaycheck suite`); pydantic still validates
them wherever they cross a boundary: `model_validate` here (the pod's JSON),
and as fields of the report's models.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self


def _doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field with a description, as `pydantic._doc("", description=...)` gives one."""
    return field(metadata={"description": text}, **kwargs)


class _Plain:
    """The part of pydantic's model interface these results offer."""

    def model_dump(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """A result from its JSON form (as the pod returns it), validated by pydantic."""
        from pydantic import TypeAdapter

        return TypeAdapter(cls).validate_python(data)


@dataclass(kw_only=True)
class AssertionFailure(_Plain):
    """One assertion that did not hold, with enough context to explain it."""

    id: str = ""  # Stable id '<request name>: <assertion text>'.
    assertion: str  # Human-readable statement, e.g. 'user has token'.
    operation: str  # OpenAPI operationId the assertion checks, e.g. 'Login'.
    expected: Any = None
    actual: Any = None
    kind: str = ""  # Assertion kind, e.g. 'equals', 'schema', 'status'.
    aspect: str | None = None  # The aspect it belongs to (conduit_suite.aspects).
    cites: str | None = None  # The rule it follows, e.g. 'behaviour:errors.envelope'.
    blocked_by: str | None = None  # The earlier request whose capture this needed and never got; None when judged.
    unset: list[str] = field(default_factory=list)  # The variables it needed that were never set.
    reproduce: str | None = None  # A command reproducing it (conformance: curl).


@dataclass(kw_only=True)
class RequestResult(_Plain):
    """One request of a suite as it ran."""

    name: str
    operation: str
    method: str
    path: str  # Path template including the API prefix, e.g. /api/articles/{slug}.
    url: str = ""  # The concrete URL requested.
    status: int | None  # HTTP status, or None when no response arrived.
    error: str | None = None  # Transport error (timeout, refused), if any.
    elapsed_ms: float = 0.0
    server_ms: float | None = None  # Server-reported time (Server-Timing), if any.
    passed: int
    total: int
    failures: list[AssertionFailure] = field(default_factory=list)
    response_excerpt: str = ""  # Start of the response body, for diagnosis.
    sent_auth: bool = False  # Whether an Authorization header was sent.
    depends_on: list[str] = field(default_factory=list)  # Names of earlier requests whose captures this one used.
    # Those of depends_on whose capture was unset when this request was sent.
    blocked_by: list[str] = field(default_factory=list)
    aspects: dict[str, int] = field(default_factory=dict)  # Assertions per aspect (passed ones included).
    operations: dict[str, int] = field(default_factory=dict)  # Assertions per operation they check.


@dataclass(kw_only=True)
class SuiteResult(_Plain):
    """The outcome of one suite against one server."""

    suite: str
    base_url: str
    api_prefix: str
    requests: list[RequestResult]
    elapsed_ms: float = 0.0
    kind: str = "builtin"  # builtin, file (decaycheck's format), postman or openapi (conformance).
    # What kept the suite from running as written (a script error, no response, a bad collection).
    problems: list[str] = field(default_factory=list)

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
