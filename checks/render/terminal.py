"""The terminal rendering of a Report (rich), as `decaycheck run` prints it."""

from __future__ import annotations

from rich.console import Console, Group, JustifyMethod
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checks.render.common import (
    MAX_FAILURES_LISTED,
    aspect_cell,
    aspect_lines,
    blocked_line,
    by_resource,
    failing_operations,
    failing_requests,
    failure_lines,
    inert_report,
    other_suites,
    scored_suites,
    suite_score,
    title,
    total_line,
)
from checks.report import Report
from verifiers.findings import Finding


def terminal(report: Report, console: Console | None = None) -> None:
    """Print the report for a person at a terminal."""
    console = console or Console()
    report = inert_report(report)  # no control sequence of the sandbox's reaches the terminal
    style = "green" if report.gate_passed else "red"
    parts: list = [Text(title(report), style=f"bold {style}")]
    if report.gate:
        parts.append(Text(f"Gate {'passed' if report.gate_passed else 'failed'}: {report.gate.get('reason', '')}"))
    declared = ", ".join(f"{k}={v}" for k, v in report.constraints.items()) or "none declared"
    parts.append(Text(f"startup {report.startup} · suite {report.suite} · constraints {declared}", style="dim"))
    for suite in other_suites(report):
        parts.append(Text(f"suite {suite.suite}: {suite_score(suite)}", style="green" if suite.pass_at_1 else "yellow"))
    headline = total_line(report)
    if headline:
        parts.append(Text(headline, style="bold"))
    if report.install:
        parts.append(Text(f"installed {report.install}", style="dim"))
    if report.startup_detail:
        style = "dim" if report.startup == "ok" else "yellow"
        parts.append(Text(f"startup {report.startup}: {report.startup_detail}", style=style))
    console.print(Panel(Group(*parts), title="decaycheck", border_style=style))

    if report.requests:
        table = Table(title="Requests by resource", show_lines=False)
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("resource", "left"),
            ("requests", "right"),
            ("assertions", "right"),
            ("failing", "left"),
        )
        for col, justify in columns:
            table.add_column(col, justify=justify, overflow="fold")
        for resource, reqs in by_resource(report.requests).items():
            passed, total = sum(r.passed for r in reqs), sum(r.total for r in reqs)
            failing = failing_requests(reqs, quote="")
            table.add_row(
                Text(resource),
                str(len(reqs)),
                f"{passed}/{total}",
                Text(failing or "—", style="red" if failing else "green"),
            )
        console.print(table)
        for line in failure_lines(report)[:MAX_FAILURES_LISTED]:
            console.print(Text("  ✗ " + line.replace("`", ""), style="red"))

    gated = report.gate.get("strict_aspects", "all")
    for summary in scored_suites(report):
        table = Table(title=f"Suite {summary.suite} by aspect")
        table.add_column("aspect", overflow="fold")
        table.add_column("assertions", justify="right")
        table.add_column("gate")
        for a in summary.aspects:
            counts = gated == "all" or (isinstance(gated, list) and a.aspect in gated)
            table.add_row(
                Text(a.label),
                Text(aspect_cell(a), style="green" if a.passed == a.total else "red"),
                "counted" if counts else "left out",
            )
        console.print(table)
        for head, text in aspect_lines(summary, quote=""):
            console.print(Text(f"  ✗ {head}: {text}", style="red"))
        blocked = blocked_line(summary, quote="")
        if blocked:
            console.print(Text("  ⋯ " + blocked, style="yellow"))
        operations = failing_operations(summary)
        if operations:
            console.print(Text(f"  operations failing: {operations}", style="dim"))

    if report.findings:
        console.print(Text("Constraint findings", style="bold"))
        print_findings(report.findings, console)
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
        console.print(
            Text(f"  confidence {d.confidence:.2f}" + (f", decided by {d.decided_by}" if d.decided_by else ""))
        )
        if d.thin_note():
            console.print(Text(f"  {d.thin_note()}", style="yellow"))
        for ev in [e for e in d.evidence if e.message.strip() or e.path][:6]:
            where = f"{ev.path}:{ev.line}" if ev.path and ev.line else (ev.path or "")
            text = ev.message.strip() or where
            console.print(Text(f"  · {text}" + (f" ({where})" if where and text != where else "")))
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


def print_findings(findings: list[Finding], console: Console) -> None:
    """One finding a line, its message wrapped below: at 80 columns (any pipe) a table would cut rule names and paths."""
    for f in findings:
        where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "(repository)")
        waived = f.waived is not None
        console.print(Text(f"  {'~' if waived else '✗'} {f.rule}  {where}", style="dim" if waived else "red"))
        message = f.message + (f" (waived: {f.waived})" if waived else "")
        console.print(Padding(Text(message, style="dim" if waived else "", overflow="fold"), (0, 0, 0, 4)))
