"""What every rendering of a Report shares: the one-line title, requests grouped by resource, failure lines.

Renderings (terminal, Markdown, Check Run) read the same facts in the same
order: headline (A%, pass@1, gate), requests grouped by resource, constraint
compliance, root cause, timings. The pieces they share live here.
"""

from __future__ import annotations

from collections import OrderedDict

from checks.report import Report, SuiteSummary
from conduit_suite.result import RequestResult

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
        return f"Server {report.startup.replace('_', ' ')} · A% 0.00 · pass@1 no"
    return (
        f"A% {report.assert_pct:.2f} ({report.assertions_passed}/{report.assertions_total}) · "
        f"pass@1 {'yes' if report.pass_at_1 else 'no'}"
        + ("" if report.compliant else f" · {len(report.findings)} constraint finding(s)")
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
            lines.append(
                f"`{r.method} {r.path}` ({r.name}): {f.assertion}"
                + (
                    f" — expected `{short(f.expected)}`, got `{short(f.actual)}`"
                    if f.expected is not None or f.actual is not None
                    else ""
                )
            )
    return lines


def short(value: object, limit: int = 60) -> str:
    text = str(value).replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suite_score(s: SuiteSummary) -> str:
    return (
        f"A% {s.assert_pct:.2f} ({s.assertions_passed}/{s.assertions_total}), pass@1 {'yes' if s.pass_at_1 else 'no'}"
    )
