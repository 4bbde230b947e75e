"""Renderings of a Report: Markdown for a Check Run summary, rich text for a terminal.

Both read the same facts in the same order: headline (A%, pass@1, gate),
requests grouped by resource, constraint compliance, root cause, timings.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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


def _failure_lines(report: Report) -> list[str]:
    lines = []
    for r in report.requests:
        for f in r.failures:
            lines.append(
                f"`{r.method} {r.path}` ({r.name}): {f.assertion}"
                + (
                    f" — expected `{_short(f.expected)}`, got `{_short(f.actual)}`"
                    if f.expected is not None or f.actual is not None
                    else ""
                )
            )
    return lines


def _short(value: object, limit: int = 60) -> str:
    text = str(value).replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown(report: Report) -> str:
    """A Check Run summary: reads top-down from verdict to evidence."""
    icon = "✅" if report.gate_passed else "❌"
    out = [f"## {icon} {title(report)}", ""]
    if report.gate:
        out.append(f"**Gate:** {'passed' if report.gate_passed else 'failed'} — {report.gate.get('reason', '')}")
    declared = ", ".join(f"{k} {v}" for k, v in report.constraints.items()) or "none declared"
    if report.startup_detail:
        out.append(f"**Why it did not start:** {report.startup_detail}")
    out += [f"**Startup:** {report.startup} · **suite:** {report.suite} · **constraints:** {declared}", ""]

    if report.requests:
        out += [
            "### Requests by resource",
            "",
            "| resource | requests | assertions | failing requests |",
            "|---|---:|---:|---|",
        ]
        for resource, reqs in by_resource(report.requests).items():
            passed, total = sum(r.passed for r in reqs), sum(r.total for r in reqs)
            failing = failing_requests(reqs) or "—"
            out.append(f"| {resource} | {len(reqs)} | {passed}/{total} | {failing} |")
        out.append("")
        failures = _failure_lines(report)
        if failures:
            out += [f"<details><summary>{len(failures)} failed assertion(s)</summary>", ""]
            out += [f"- {line}" for line in failures[:MAX_FAILURES_LISTED]]
            if len(failures) > MAX_FAILURES_LISTED:
                out.append(f"- … and {len(failures) - MAX_FAILURES_LISTED} more")
            out += ["", "</details>", ""]
    for s in report.suites[1:]:
        out.append(f"Suite **{s.suite}**: {_suite_score(s)}")

    out += ["### Constraint compliance", ""]
    if not report.findings:
        out.append("Compliant: no finding." if report.constraints else "No constraint declared.")
    else:
        out += ["| constraint | rule | where | message |", "|---|---|---|---|"]
        for f in report.findings:
            where = f"`{f.path}:{f.line}`" if f.path and f.line else (f"`{f.path}`" if f.path else "—")
            out.append(f"| {f.constraint} | {f.rule} | {where} | {f.message.replace('|', '/')} |")
    out.append("")

    if report.diagnosis is not None and report.diagnosis.category != "none":
        d = report.diagnosis
        label = d.category + (f" / {d.subcategory}" if d.subcategory else "")
        out += ["### Root cause", "", f"**{label}** — {d.summary}", ""]
        for ev in d.evidence[:10]:
            where = f" (`{ev.path}:{ev.line}`)" if ev.path and ev.line else ""
            out.append(f"- {ev.kind}: {ev.message}{where}")
        for cause in d.causes[1:5]:
            out.append(f"- also: **{cause.category}** — {cause.summary}")
        out.append("")

    if report.server_log_tail and (report.startup != "ok" or report.error or not report.pass_at_1):
        tail = "\n".join(report.server_log_tail.rstrip().splitlines()[-40:]).replace("```", "'''")
        out += ["<details><summary>Server log (tail)</summary>", "", "```", tail, "```", "", "</details>", ""]
    if report.timings:
        out.append("Timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
    return "\n".join(out).rstrip() + "\n"


def _suite_score(s: SuiteSummary) -> str:
    return (
        f"A% {s.assert_pct:.2f} ({s.assertions_passed}/{s.assertions_total}), pass@1 {'yes' if s.pass_at_1 else 'no'}"
    )


def terminal(report: Report, console: Console | None = None) -> None:
    """Print the report for a person at a terminal."""
    console = console or Console()
    style = "green" if report.gate_passed else "red"
    parts: list = [Text(title(report), style=f"bold {style}")]
    if report.gate:
        parts.append(Text(f"Gate {'passed' if report.gate_passed else 'failed'}: {report.gate.get('reason', '')}"))
    declared = ", ".join(f"{k}={v}" for k, v in report.constraints.items()) or "none declared"
    parts.append(Text(f"startup {report.startup} · suite {report.suite} · constraints {declared}", style="dim"))
    for suite in report.suites[1:]:
        parts.append(
            Text(f"suite {suite.suite}: {_suite_score(suite)}", style="green" if suite.pass_at_1 else "yellow")
        )
    if report.startup_detail:
        parts.append(Text(f"startup {report.startup}: {report.startup_detail}", style="yellow"))
    console.print(Panel(Group(*parts), title="decaycheck", border_style=style))

    if report.requests:
        table = Table(title="Requests by resource", show_lines=False)
        for col, justify in (("resource", "left"), ("requests", "right"), ("assertions", "right"), ("failing", "left")):
            table.add_column(col, justify=justify)
        for resource, reqs in by_resource(report.requests).items():
            passed, total = sum(r.passed for r in reqs), sum(r.total for r in reqs)
            failing = failing_requests(reqs, quote="")
            table.add_row(
                resource, str(len(reqs)), f"{passed}/{total}", Text(failing or "—", style="red" if failing else "green")
            )
        console.print(table)
        for line in _failure_lines(report)[:MAX_FAILURES_LISTED]:
            console.print(Text("  ✗ " + line.replace("`", ""), style="red"))

    if report.findings:
        table = Table(title="Constraint findings")
        for col in ("constraint", "rule", "where", "message"):
            table.add_column(col)
        for f in report.findings:
            table.add_row(f.constraint, f.rule, f"{f.path}:{f.line}" if f.path else "—", f.message)
        console.print(table)
    elif report.constraints:
        console.print(Text("Constraints: compliant", style="green"))

    if report.diagnosis is not None and report.diagnosis.category != "none":
        d = report.diagnosis
        console.print(
            Text(
                f"Root cause: {d.category}" + (f" / {d.subcategory}" if d.subcategory else "") + f" — {d.summary}",
                style="bold yellow",
            )
        )
        for ev in d.evidence[:6]:
            console.print(Text(f"  · {ev.message}" + (f" ({ev.path}:{ev.line})" if ev.path and ev.line else "")))
    if report.server_log_tail and (report.startup != "ok" or report.error):
        console.print(
            Panel(
                Text("\n".join(report.server_log_tail.rstrip().splitlines()[-20:])),
                title="server log (tail)",
                border_style="dim",
            )
        )
    if report.timings:
        console.print(Text("timings: " + "  ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()), style="dim"))
