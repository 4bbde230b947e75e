"""The Markdown rendering of a Report: the Check Run summary and `decaycheck run --markdown`."""

from __future__ import annotations

from checks.render.common import (
    MAX_FAILURES_LISTED,
    aspect_cell,
    aspect_lines,
    blocked_line,
    by_resource,
    failing_requests,
    failure_lines,
    fence,
    inert,
    md_text,
    other_suites,
    scored_suites,
    suite_score,
    title,
    total_line,
)
from checks.report import Report, SuiteSummary


def markdown(report: Report) -> str:
    """A Check Run summary: reads top-down from verdict to evidence."""
    icon = "✅" if report.gate_passed else "❌"
    out = [f"## {icon} {title(report)}", ""]
    if report.gate:
        mode = " (informational: the check concludes neutral)" if report.gate.get("mode") == "informational" else ""
        out.append(f"**Gate:** {'passed' if report.gate_passed else 'failed'}{mode} — {report.gate.get('reason', '')}")
    declared = ", ".join(f"{k} {v}" for k, v in report.constraints.items()) or "none declared"
    if report.startup_detail:
        label = "Readiness" if report.startup == "ok" else "Why it did not start"
        out.append(f"**{label}:** {report.startup_detail}")
    if report.install:
        out.append(f"Installed {report.install}.")
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
        failures = failure_lines(report)
        if failures:
            out += [f"<details><summary>{len(failures)} failed assertion(s)</summary>", ""]
            out += [f"- {line}" for line in failures[:MAX_FAILURES_LISTED]]
            if len(failures) > MAX_FAILURES_LISTED:
                out.append(f"- … and {len(failures) - MAX_FAILURES_LISTED} more")
            out += ["", "</details>", ""]
    for s in other_suites(report):
        out.append(f"Suite **{s.suite}**: {suite_score(s)}")
    headline = total_line(report)
    if headline:
        out.append(f"**{headline}**")
    if len(report.suites) > 1:
        out.append("")
    for s in scored_suites(report):
        out += aspects_section(s, report.gate.get("strict_aspects", "all"))

    out += ["### Constraint compliance", ""]
    if not report.findings:
        out.append("Compliant: no finding." if report.constraints else "No constraint declared.")
    else:
        out += ["| constraint | rule | where | message |", "|---|---|---|---|"]
        for f in report.findings:
            where = f"`{f.path}:{f.line}`" if f.path and f.line else (f"`{f.path}`" if f.path else "—")
            message = f.message + (f" (waived: {f.waived})" if f.waived is not None else "")
            out.append(f"| {f.constraint} | {f.rule} | {where} | {message.replace('|', '/')} |")
    out.append("")

    if report.diagnosis is not None and report.diagnosis.category != "none":
        d = report.diagnosis
        label = d.category + (f" / {d.subcategory}" if d.subcategory else "")
        out += ["### Root cause", "", f"**{label}** — {md_text(d.summary)}", ""]
        out += [
            f"Confidence {d.confidence:.2f}" + (f", decided by {md_text(d.decided_by)}." if d.decided_by else "."),
            "",
        ]
        if d.thin_note():
            out += [f"> {md_text(d.thin_note())}", ""]
        for ev in d.evidence[:10]:
            where = f" (`{md_text(ev.path)}:{ev.line}`)" if ev.path and ev.line else ""
            out.append(f"- {ev.kind}: {md_text(ev.message)}{where}")
        for cause in d.causes[1:5]:
            out.append(f"- also: **{cause.category}** — {md_text(cause.summary)}")
        out.append("")

    if report.server_log_tail and (report.startup != "ok" or report.error or not report.pass_at_1):
        tail = inert("\n".join(report.server_log_tail.rstrip().splitlines()[-40:]))
        out += ["<details><summary>Server log (tail)</summary>", "", fence(tail), "", "</details>", ""]
    if report.timings:
        out.append("Timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
    return inert("\n".join(out).rstrip()) + "\n"


def aspects_section(summary: SuiteSummary, gated: object = "all") -> list[str]:
    """A suite's score per aspect, one line per failing aspect, what is blocked, and the score per operation."""
    out = [
        f"### Suite {summary.suite} by aspect",
        "",
        "| aspect | assertions | gate |",
        "|---|---:|---|",
    ]
    for a in summary.aspects:
        mark = "✅" if a.passed == a.total else "❌"
        counts = gated == "all" or (isinstance(gated, list) and a.aspect in gated)
        out.append(f"| {a.label} | {mark} {aspect_cell(a)} | {'counted' if counts else 'left out'} |")
    out.append("")
    out += [f"- **{head}**: {text}" for head, text in aspect_lines(summary)]
    blocked = blocked_line(summary)
    if blocked:
        out.append(f"- {blocked}")
    if summary.operations:
        out += ["", "<details><summary>By operation</summary>", "", "| operation | assertions |", "|---|---:|"]
        out += [f"| {o.operation} | {o.passed}/{o.total} |" for o in summary.operations]
        out += ["", "</details>"]
    out.append("")
    return out
