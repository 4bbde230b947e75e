"""The Check Run rendering of a Report: conclusion, title, summary, text and annotations.

Pure functions from `checks.report.Report` to what a Check Run shows, inside
GitHub's limits: summary and text at most 65,535 characters, titles at most
255 characters, annotation messages at most 64 KB. The App only transports
what these return (batching annotations 50 per request, adding its buttons).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from checks.render.annotations import build_annotations
from checks.render.common import blocked_line, deviation_text, fence, inert, md_text, outcome, scored_suites, short
from checks.render.markdown import markdown
from checks.report import Annotation, Report

MAX_TEXT = 65_535
MAX_TITLE = 255
MAX_MESSAGE_BYTES = 64 * 1024
TRUNCATED = "\n\n… (truncated)"

Conclusion = Literal["success", "failure", "neutral", "cancelled", "timed_out"]
_LEVEL_ORDER = {"failure": 0, "warning": 1, "notice": 2}


def truncate(text: str, limit: int = MAX_TEXT) -> str:
    """Every text of a Check Run ends here: inert (no control characters), and within GitHub's limit."""
    text = inert(text)
    return text if len(text) <= limit else text[: limit - len(TRUNCATED)] + TRUNCATED


def _truncate_bytes(text: str, limit: int = MAX_MESSAGE_BYTES) -> str:
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - len(TRUNCATED.encode())].decode("utf-8", "ignore") + TRUNCATED


@dataclass(frozen=True)
class CheckOutcome:
    """What the check run says when it completes."""

    conclusion: Conclusion
    title: str
    summary: str
    text: str
    annotations: list[dict[str, Any]]


def conclusion_of(report: Report) -> Conclusion:
    """A config error always fails (loudly); an informational gate concludes neutral; else the gate decides."""
    if report.config_error:
        return "failure"
    if report.gate.get("mode") == "informational":
        return "neutral"
    if report.error:
        return "failure"
    return "success" if report.gate_passed else "failure"


def title_of(report: Report) -> str:
    if report.config_error:
        return f"Config error: {report.config_error}"[:MAX_TITLE]
    if report.error:
        return "Evaluation failed"
    pass_at_1 = "pass" if report.pass_at_1 else "fail"
    verdict = "gate passed" if report.gate_passed else "gate failed"
    return (
        f"A% {report.assert_pct:.1f} ({report.assertions_passed}/{report.assertions_total})"
        f" · pass@1 {pass_at_1} · {verdict} · enforced A% {report.enforced_assert_pct:.1f}"
    )[:MAX_TITLE]


def neutral_outcome(reason: str) -> CheckOutcome:
    """The repository holds nothing to evaluate: neutral, saying why (never blocks a merge)."""
    return CheckOutcome(
        conclusion="neutral",
        title="Nothing to evaluate",
        summary=truncate(
            f"decaycheck found nothing to evaluate in this commit: {reason}\n\n"
            "Add the app (or `.github/decaycheck.yml` saying where it is) to have it "
            "evaluated."
        ),
        text="",
        annotations=[],
    )


def _fallback_summary(report: Report) -> str:
    """A plain Markdown summary, used should `checks.render` fail on a report."""
    lines = [
        f"**A%** {report.assert_pct:.2f} ({report.assertions_passed}/{report.assertions_total} assertions, "
        f"suite `{report.suite}`) · **enforced A%** {report.enforced_assert_pct:.2f} · **pass@1** {'yes' if report.pass_at_1 else 'no'} · "
        f"**startup** {report.startup} · **gate** {'passed' if report.gate_passed else 'failed'}",
        "",
    ]
    if report.requests:
        lines += ["| resource | method | status | assertions |", "|---|---|---|---|"]
        for r in report.requests:
            mark = "✅" if r.passed == r.total else "❌"
            lines.append(
                f"| `{r.path}` | {r.method} | {r.status if r.status is not None else '—'} "
                f"| {mark} {r.passed}/{r.total} |"
            )
        lines.append("")
    if report.constraints:
        declared = ", ".join(f"{k}: {v}" for k, v in report.constraints.items())
        lines.append(
            f"**Compliance** ({declared}): "
            + (
                "compliant"
                if report.compliant and not report.open_findings
                else f"{len(report.open_findings)} finding(s)"
            )
        )
        lines.append("")
    if report.diagnosis is not None and report.diagnosis.category != "none":
        d = report.diagnosis
        kind = f"{d.category}/{d.subcategory}" if d.subcategory else d.category
        lines += [f"**Root cause** ({kind}, confidence {d.confidence:.2f}): {d.summary}", ""]
        if d.thin_note():
            lines += [f"> {d.thin_note()}", ""]
    return "\n".join(lines)


def summary_of(report: Report) -> str:
    if report.config_error:
        return truncate(f"The repository's configuration could not be read:\n\n{fence(inert(report.config_error))}\n")
    try:
        body = markdown(report)
    except Exception:  # a rendering bug must not cost the check its conclusion
        body = _fallback_summary(report)
    if report.error:
        body = f"> {report.error}\n\n{body}"
    return truncate(body)


def text_of(report: Report) -> str:
    """Details: every failed assertion, every finding, the root causes, the server log's tail."""
    out: list[str] = []
    runs = [(s.suite, s.requests) for s in report.suites] or [(report.suite, report.requests)]
    for suite, requests in runs:
        failing = [r for r in requests if r.failures or r.passed < r.total]
        if not failing:
            continue
        heading = "" if suite == report.suite else f" ({short(suite, 120)})"
        out.append(f"### Failed requests{heading}\n")
        for r in failing:
            out.append(
                f"- **{short(r.name, 120)}** `{r.method} {short(r.path, 200)}` → {r.status} ({r.passed}/{r.total})"
            )
            for failure in r.failures[:20]:
                out.append(f"  - {short(failure.assertion, 200)}{outcome(failure)}")
                if failure.reproduce:
                    out.append(f"    reproduce: `{short(failure.reproduce, 400)}`")
        out.append("")
    for summary in report.suites:
        if summary.problems:
            out.append(f"### {short(summary.suite, 120)} did not run as written\n")
            out += [f"- {short(problem, 300)}" for problem in summary.problems[:20]]
            out.append("")
    for summary in scored_suites(report):
        if summary.deviations or summary.blocked:
            out.append(f"### Suite {summary.suite}: deviations by aspect\n")
        for d in summary.deviations:
            out.append(f"- **{d.label}**: {deviation_text(d)}")
            for example in d.examples:
                out.append(
                    f"  - `{short(example.request)}` → {example.status}: {short(example.assertion)}; "
                    f"expected `{short(example.expected)}`, got `{short(example.actual)}`"
                )
        blocked = blocked_line(summary)
        if blocked:
            out.append(f"- {blocked}")
        if summary.deviations or summary.blocked:
            out.append("")
    if report.findings:
        out.append("### Constraint findings\n")
        for f in report.findings:
            where = f"{f.path}:{f.line}" if f.path else "(repository)"
            waived = f" — waived: {f.waived}" if f.waived is not None else ""
            out.append(f"- `{where}` {f.constraint}/{f.rule}: {f.message}{waived}")
        out.append("")
    if report.diagnosis is not None and report.diagnosis.causes:
        out.append("### Root causes\n")
        for i, c in enumerate(report.diagnosis.causes, 1):
            out.append(f"{i}. **{c.subcategory or c.category}** (confidence {c.confidence:.2f}): {c.summary}")
            if c.thin_note():
                out.append(f"   - {c.thin_note()}")
            for e in c.evidence[:10]:
                where = f" (`{e.path}:{e.line}`)" if e.path else ""
                out.append(f"   - {e.kind}{where}: {md_text(e.message)}")
        out.append("")
    if report.config_sources:
        out += ["### Configuration\n", "| key | value | from |", "|---|---|---|"]
        for s in report.config_sources:
            out.append(f"| `{short(s.key, 80)}` | `{short(s.value, 80)}` | {short(s.source, 120).replace('|', '/')} |")
        out.append("")
    if report.timings:
        out.append("### Timings\n\n" + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()) + "\n")
    if report.server_log_tail:
        out.append("### Server log (tail)\n\n" + fence(inert(report.server_log_tail[-8000:])) + "\n")
    return truncate("\n".join(out) or "No further details.")


def annotations_of(report: Report, cap: int) -> list[dict[str, Any]]:
    """Report annotations as API objects, failures first, at most `cap`."""
    notes: list[Annotation] = list(report.annotations)
    if not notes and (report.findings or report.diagnosis is not None):
        notes = build_annotations(report.findings, report.diagnosis)
    notes = [a for a in notes if a.level in report.annotation_levels]
    notes.sort(key=lambda a: _LEVEL_ORDER.get(a.level, 3))
    out = []
    for a in notes[: max(0, min(cap, report.annotations_max))]:
        start, end = max(1, a.start_line), max(1, a.end_line, a.start_line)
        out.append(
            {
                "path": a.path,
                "start_line": start,
                "end_line": end,
                "annotation_level": a.level,
                "title": a.title[:MAX_TITLE],
                "message": _truncate_bytes(a.message or a.title or "-"),
            }
        )
    return out


def outcome_of(report: Report, max_annotations: int) -> CheckOutcome:
    return CheckOutcome(
        conclusion=conclusion_of(report),
        title=title_of(report),
        summary=summary_of(report),
        text=text_of(report),
        annotations=annotations_of(report, max_annotations),
    )
