"""What every rendering of a Report shares: the one-line title, requests grouped by resource, failure lines.

Renderings (terminal, Markdown, Check Run) read the same facts in the same
order: headline (A%, pass@1, gate), requests grouped by resource, the
aspects of suites that name them (one line per failing aspect, blocked
assertions), constraint compliance, root cause, timings. The pieces they
share live here. Server-provided text (bodies, actual values) only reaches a
rendering through `short`.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from typing import Any

from checks.report import Report, SuiteSummary
from conduit_suite.result import AssertionFailure, RequestResult
from conduit_suite.scores import AspectScore, BlockedBy, Deviation

# Path segments that name a sub-resource of the one before them.
SUB_RESOURCES = ("comments", "favorite", "follow", "feed")
MAX_FAILURES_LISTED = 25


def title(report: Report) -> str:
    """One line: verdict, A% and pass@1 (the Check Run's title)."""
    if report.config_error:
        return "Config error: " + report.config_error
    if report.error:
        return "Evaluation failed: " + report.error
    if report.startup != "ok":
        return f"Server {report.startup.replace('_', ' ')} · A% 0.00 · pass@1 no · enforced A% 0.00"
    return (
        f"A% {report.assert_pct:.2f} ({report.assertions_passed}/{report.assertions_total}) · "
        f"pass@1 {'yes' if report.pass_at_1 else 'no'}"
        + ("" if report.compliant else f" · {len(report.open_findings)} constraint finding(s)")
        + f" · enforced A% {report.enforced_assert_pct:.2f}"
    )


def resource_of(path: str, api_prefix: str = "/api") -> str:
    """`/api/articles/{slug}/comments` → `comments`; `/api/profiles/{username}` → `profiles`."""
    rest = path[len(api_prefix) :] if api_prefix and path.startswith(api_prefix) else path
    segments = [s for s in rest.strip("/").split("/") if s and not s.startswith("{")]
    if not segments:
        return "/"
    for s in reversed(segments[1:]):
        if s in SUB_RESOURCES:
            return s
    return segments[0]


def by_resource(requests: list[RequestResult]) -> OrderedDict[str, list[RequestResult]]:
    groups: OrderedDict[str, list[RequestResult]] = OrderedDict()
    for r in requests:
        groups.setdefault(resource_of(r.path), []).append(r)
    return groups


def failing_requests(reqs: list[RequestResult], quote: str = "`") -> str:
    """Distinct failing `METHOD path` of a group, with a count when a template failed more than once."""
    counts: OrderedDict[str, int] = OrderedDict()
    for r in reqs:
        if r.passed < r.total:
            key = f"{r.method} {r.path}"
            counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{quote}{k}{quote}" + (f" ×{n}" if n > 1 else "") for k, n in counts.items())


def failure_lines(report: Report) -> list[str]:
    lines = []
    for r in report.requests:
        for f in r.failures:
            status = f" → {r.status}" if r.status is not None else " → no response"
            lines.append(
                f"`{r.method} {short(r.path, 200)}`{status} ({short(r.name, 120)}): {short(f.assertion, 200)}{outcome(f)}"
            )
    return lines


def outcome(f: AssertionFailure, quote: str = "`") -> str:
    """' — expected X, got Y', or ' — blocked by R (V never set)' for a consequence of an earlier request."""
    if f.blocked_by is not None:
        return f" — {blocked_by(f, quote)}"
    if f.expected is None and f.actual is None:
        return ""
    if f.expected is None:  # a Postman test or a conformance check: the runner's own message says it all
        return f" — {quote}{short(f.actual, 160)}{quote}"
    return f" — expected {quote}{short(f.expected)}{quote}, got {quote}{short(f.actual)}{quote}"


def blocked_by(f: AssertionFailure, quote: str = "`") -> str:
    unset = ", ".join(f.unset)
    return f"blocked by {quote}{short(f.blocked_by)}{quote}" + (f" ({unset} never set)" if unset else "")


def scored_suites(report: Report) -> list[SuiteSummary]:
    """The suites whose assertions name aspects (strict), in the order they ran."""
    return [s for s in report.suites if s.aspects]


def aspect_cell(a: AspectScore) -> str:
    """`passed/total`, with the blocked share of the failures when there is one."""
    return f"{a.passed}/{a.total}" + (f" ({a.blocked} blocked)" if a.blocked else "")


def rule_name(rule: str) -> str:
    """`behaviour:errors.envelope` → `errors.envelope`; `openapi:GetArticles` → `OpenAPI GetArticles`."""
    source, _, name = rule.partition(":")
    return name if source == "behaviour" else (f"OpenAPI {name}" if source == "openapi" and name else rule)


def example_text(d: Deviation, quote: str = "`") -> str:
    """What the first example shows: a shape rule's validation message (and a short answer), else what it got."""
    if not d.examples:
        return ""
    e = d.examples[0]
    where = f"e.g. {quote}{short(e.request)}{quote}"
    if e.kind == "schema":
        body = e.body.strip()
        answered = f" (answered {quote}{e.status} {short(body, 80)}{quote})" if body and len(body) <= 80 else ""
        return f"{where}: {quote}{short(e.actual, 80)}{quote}{answered}"
    return f"{where}: {short(e.assertion)}, got {quote}{short(e.actual)}{quote}"


def deviation_text(d: Deviation, quote: str = "`") -> str:
    """'6 responses break `errors.envelope` (12 assertions): <what the rule says>; e.g. ...'."""
    counts = f"{d.responses} response{'s' if d.responses != 1 else ''} break{'s' if d.responses == 1 else ''}"
    rule = f"{quote}{rule_name(d.rule)}{quote}"
    if d.assertions != d.responses:
        rule += f" ({d.assertions} assertions)"
    if d.statement and d.rule.startswith("openapi:"):
        rule += f" ({d.statement})"
    elif d.statement:
        rule += f": {trim(d.statement.rstrip('.'), 110)}"
    example = example_text(d, quote)
    return f"{counts} {rule}" + (f"; {example}" if example else "")


def trim(text: str, limit: int) -> str:
    """Our own text (a rule's statement) cut to `limit` characters at a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + ("`" if cut.count("`") % 2 else "") + "…"


def aspect_lines(summary: SuiteSummary, quote: str = "`") -> list[tuple[str, str]]:
    """One (head, text) per failing aspect: its score, its largest deviation, the others by name and count."""
    by_aspect: OrderedDict[str, list[Deviation]] = OrderedDict()
    for d in summary.deviations:
        by_aspect.setdefault(d.aspect, []).append(d)
    lines = []
    for a in summary.aspects:
        if a.passed == a.total:
            continue
        head = f"{a.label} {aspect_cell(a)}"
        found = by_aspect.get(a.aspect, [])
        if not found:
            lines.append((head, f"every failure is blocked by an earlier request ({a.blocked})"))
            continue
        text = deviation_text(found[0], quote)
        if len(found) > 1:
            others = ", ".join(f"{quote}{rule_name(d.rule)}{quote} ({d.responses})" for d in found[1:4])
            text += f"; also {others}" + (f" and {len(found) - 4} more" if len(found) > 4 else "")
        lines.append((head, text))
    return lines


def blocked_line(summary: SuiteSummary, quote: str = "`") -> str:
    """'N assertions blocked by earlier requests that never set a capture: R (n: vars), ...', or ''."""
    if not summary.blocked:
        return ""
    roots = ", ".join(_blocked_root(b, quote) for b in summary.blocked[:5])
    more = f" and {len(summary.blocked) - 5} more" if len(summary.blocked) > 5 else ""
    n = summary.assertions_blocked
    return (
        f"{n} failed assertion{'s are' if n != 1 else ' is'} blocked (counted, not judged on their own) by "
        f"requests that never set a capture: {roots}{more}"
    )


def _blocked_root(b: BlockedBy, quote: str) -> str:
    names = ", ".join(b.variables[:4])
    return f"{quote}{short(b.request)}{quote} ({b.assertions}" + (f": {names})" if names else ")")


def failing_operations(summary: SuiteSummary) -> str:
    """'GetArticles 40/55, Login 3/6' for the operations with a failure, worst first."""
    failing = sorted((o for o in summary.operations if o.passed < o.total), key=lambda o: o.passed / o.total)
    return ", ".join(f"{o.operation} {o.passed}/{o.total}" for o in failing)


def short(value: object, limit: int = 60) -> str:
    text = str(value).replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suite_score(s: SuiteSummary) -> str:
    if s.behavioural:
        text = f"A% {s.assert_pct:.2f} ({s.assertions_passed}/{s.assertions_total}), pass@1 {'yes' if s.pass_at_1 else 'no'}"
    else:
        text = f"conformance {s.assertions_passed}/{s.assertions_total} checks passed (not part of A%)"
    if s.problems:
        text += f"; {len(s.problems)} problem(s), first: {short(s.problems[0], 120)}"
    return text


def total_line(report: Report) -> str | None:
    """A% and pass@1 over every behavioural suite, when there are several."""
    t = report.total
    if len(t.suites) < 2:
        return None
    return (
        f"total over {len(t.suites)} suites: A% {t.assert_pct:.2f} ({t.assertions_passed}/{t.assertions_total}), "
        f"pass@1 {'yes' if t.pass_at_1 else 'no'}"
    )


def other_suites(report: Report) -> list[SuiteSummary]:
    """Every suite but the headline one, in the order they ran."""
    return [s for s in report.suites if s.suite != report.suite]


# ANSI/VT escape sequences (CSI, OSC, and two-byte escapes) and every other C0/C1 control but tab and newline.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """Untrusted text with its terminal control sequences and control characters removed."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def inert_report(report: Report) -> Report:
    """A copy of the report in which every string is `inert` (what a terminal may be shown)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return inert(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        return value

    return Report.model_validate(clean(report.model_dump()))


def md_text(text: str) -> str:
    """Untrusted text for Markdown outside a code block: inert, one line, HTML-escaped, no code spans."""
    return html.escape(inert(text).replace("\n", " ").replace("`", "'"), quote=False)


def fence(text: str, info: str = "") -> str:
    """A Markdown code block that no run of backticks inside `text` can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text}\n{marks}"
