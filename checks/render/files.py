"""The report files `decaycheck run` and `decaycheck batch` write: `--sarif`, `--junit`, `--markdown`.

The Markdown is what the Check Run shows (its summary, then its details),
kept within 1 MiB (GitHub's limit for a job summary); a batch lists every
trial's headline and shows each failing trial's summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from checks.render.checkrun import summary_of, text_of
from checks.render.common import short, title
from checks.render.junit import Named, junit_xml
from checks.render.sarif import Subject, sarif_log
from checks.report import Report

MAX_MARKDOWN_BYTES = 1024 * 1024
_CUT = "\n\n… (truncated to fit 1 MiB)\n"


@dataclass(frozen=True)
class Entry:
    """One evaluation in the files: its report and its name ('' for a single run; the checkout and trial in a batch)."""

    report: Report
    name: str = ""
    path: str = ""  # where the checkout sits relative to the URIs' root (a batch's checkout id)


def fit(text: str, limit: int = MAX_MARKDOWN_BYTES) -> str:
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - len(_CUT.encode())].decode("utf-8", "ignore") + _CUT


def report_markdown(report: Report) -> str:
    """The Check Run's summary followed by its details."""
    return fit(summary_of(report).rstrip() + "\n\n" + text_of(report).rstrip() + "\n")


def batch_markdown(entries: list[Entry]) -> str:
    """One line per trial, then the summary of each trial that failed its gate."""
    passed = sum(1 for e in entries if e.report.gate_passed)
    out = [
        "## decaycheck batch",
        "",
        f"{len(entries)} evaluations, {passed} passed their gate.",
        "",
        "| evaluation | gate | result |",
        "|---|---|---|",
    ]
    for e in entries:
        verdict = "✅ passed" if e.report.gate_passed else "❌ failed"
        out.append(f"| `{short(e.name, 200)}` | {verdict} | {title(e.report).replace('|', '/')} |")
    out.append("")
    for e in entries:
        if not e.report.gate_passed:
            out += [f"<details><summary>{e.name}</summary>", "", summary_of(e.report).rstrip(), "", "</details>", ""]
    return fit("\n".join(out))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_report_files(
    entries: list[Entry],
    *,
    sarif: Path | None = None,
    junit: Path | None = None,
    markdown: Path | None = None,
) -> list[Path]:
    """Write the files asked for; returns their paths."""
    written = []
    if sarif is not None:
        log = sarif_log([Subject(e.report, e.path) for e in entries])
        written.append(_write(sarif, json.dumps(log, indent=2, ensure_ascii=False) + "\n"))
    if junit is not None:
        written.append(_write(junit, junit_xml([Named(e.report, e.name) for e in entries])))
    if markdown is not None:
        single = len(entries) == 1 and not entries[0].name
        written.append(_write(markdown, report_markdown(entries[0].report) if single else batch_markdown(entries)))
    return written
