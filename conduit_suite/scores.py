"""A suite result scored by aspect and by operation, with its failures folded into deviations.

A deviation is one rule broken, however many requests show it: the failures
of one aspect that cite the same rule (`behaviour:errors.envelope`) are one
deviation with a count and a few examples, so one stylistic choice repeated
on every error response reads as one line, not thirty. Failures that are
consequences of an earlier request's missing capture (`blocked_by`) are kept
out of deviations and counted per root request instead: the request whose
failure started the chain.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from conduit_suite.aspects import ASPECT_NAMES, label
from conduit_suite.behaviour import statement
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult

MAX_EXAMPLES = 3
MAX_TEXTS = 3
EXCERPT_CHARS = 160


class AspectScore(BaseModel):
    aspect: str
    label: str
    passed: int
    total: int
    blocked: int = Field(default=0, description="Failed assertions that are consequences of a missing capture.")

    @property
    def failed(self) -> int:
        return self.total - self.passed


class OperationScore(BaseModel):
    operation: str
    passed: int
    total: int


class DeviationExample(BaseModel):
    request: str
    assertion: str
    kind: str = ""
    status: int | None = None
    expected: Any = None
    actual: Any = None
    body: str = Field(default="", description="Start of the response body (untrusted server text).")


class Deviation(BaseModel):
    """One rule broken in one aspect, however many requests show it."""

    aspect: str
    label: str
    rule: str = Field(description="The citation the failing assertions share, e.g. 'behaviour:errors.envelope'.")
    statement: str = Field(default="", description="What the rule says, in one line.")
    assertions: int = Field(description="Failed assertions.")
    responses: int = Field(description="Distinct requests they failed in.")
    texts: list[str] = Field(default_factory=list, description="The distinct assertion texts (at most a few).")
    examples: list[DeviationExample] = Field(default_factory=list)


class BlockedBy(BaseModel):
    """Failed assertions that wait on one request, the first of its chain, which never set a capture."""

    request: str
    assertions: int
    variables: list[str] = Field(default_factory=list)


class Scores(BaseModel):
    aspects: list[AspectScore] = Field(default_factory=list)
    operations: list[OperationScore] = Field(default_factory=list)
    deviations: list[Deviation] = Field(default_factory=list)
    blocked: list[BlockedBy] = Field(default_factory=list)


def score(result: SuiteResult) -> Scores:
    """Per-aspect and per-operation scores, deviations and blocked assertions of one run."""
    return Scores(
        aspects=aspect_scores(result.requests),
        operations=operation_scores(result.requests),
        deviations=deviations(result.requests),
        blocked=blocked(result.requests),
    )


def aspect_scores(requests: list[RequestResult]) -> list[AspectScore]:
    """One score per aspect the suite uses, in the fixed order of `conduit_suite.aspects`."""
    totals: dict[str, int] = {}
    failed: dict[str, int] = {}
    blocked_n: dict[str, int] = {}
    for r in requests:
        for aspect, n in r.aspects.items():
            totals[aspect] = totals.get(aspect, 0) + n
        for f in r.failures:
            if f.aspect is not None:
                failed[f.aspect] = failed.get(f.aspect, 0) + 1
                if f.blocked_by is not None:
                    blocked_n[f.aspect] = blocked_n.get(f.aspect, 0) + 1
    order = {name: i for i, name in enumerate(ASPECT_NAMES)}
    return [
        AspectScore(
            aspect=a, label=label(a), passed=totals[a] - failed.get(a, 0), total=totals[a], blocked=blocked_n.get(a, 0)
        )
        for a in sorted(totals, key=lambda a: (order.get(a, len(order)), a))
    ]


def operation_scores(requests: list[RequestResult]) -> list[OperationScore]:
    """One score per operation the assertions check, in the order the suite first checks them."""
    totals: dict[str, int] = {}
    failed: dict[str, int] = {}
    for r in requests:
        # Results recorded before per-operation totals existed count each assertion for the request's operation.
        for operation, n in (r.operations or {r.operation: r.total}).items():
            totals[operation] = totals.get(operation, 0) + n
        for f in r.failures:
            key = f.operation if r.operations else r.operation
            failed[key] = failed.get(key, 0) + 1
    return [OperationScore(operation=o, passed=n - failed.get(o, 0), total=n) for o, n in totals.items()]


def deviations(requests: list[RequestResult]) -> list[Deviation]:
    """Judged failures grouped by (aspect, cited rule), largest first; blocked failures are left out."""
    groups: dict[tuple[str, str], list[tuple[RequestResult, AssertionFailure]]] = {}
    for r in requests:
        for f in r.failures:
            if f.blocked_by is None and f.aspect is not None:
                groups.setdefault((f.aspect, f.cites or f"{f.kind} {f.operation}"), []).append((r, f))
    order = {name: i for i, name in enumerate(ASPECT_NAMES)}
    out = []
    for (aspect, rule), items in groups.items():
        texts = list(dict.fromkeys(f.assertion for _, f in items))
        examples: list[DeviationExample] = []
        seen: set[str] = set()
        for r, f in items:
            if r.name in seen:
                continue
            seen.add(r.name)
            if len(examples) < MAX_EXAMPLES:
                examples.append(
                    DeviationExample(
                        request=r.name,
                        assertion=f.assertion,
                        kind=f.kind,
                        status=r.status,
                        expected=f.expected,
                        actual=f.actual,
                        body=r.response_excerpt[:EXCERPT_CHARS],
                    )
                )
        out.append(
            Deviation(
                aspect=aspect,
                label=label(aspect),
                rule=rule,
                statement=statement(rule) if ":" in rule else "",
                assertions=len(items),
                responses=len(seen),
                texts=texts[:MAX_TEXTS],
                examples=examples,
            )
        )
    out.sort(key=lambda d: (order.get(d.aspect, len(order)), -d.assertions, d.rule))
    return out


def blocked(requests: list[RequestResult]) -> list[BlockedBy]:
    """Blocked failures per root request: `blocked_by` followed back to a request that was not blocked itself."""
    upstream = {r.name: r.blocked_by[0] for r in requests if r.blocked_by}
    counts: dict[str, int] = {}
    variables: dict[str, dict[str, None]] = {}
    for r in requests:
        for f in r.failures:
            if f.blocked_by is None:
                continue
            root, seen = f.blocked_by, {f.blocked_by}
            while root in upstream and upstream[root] not in seen:
                root = upstream[root]
                seen.add(root)
            counts[root] = counts.get(root, 0) + 1
            variables.setdefault(root, {}).update(dict.fromkeys(f.unset))
    order = {r.name: i for i, r in enumerate(requests)}
    return [
        BlockedBy(request=name, assertions=n, variables=list(variables[name]))
        for name, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
