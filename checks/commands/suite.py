"""`decaycheck suite`: run a behavioural suite against a server that is already running.

Prints one table row per request, the failed assertions, the totals (A%,
pass@1) and, for a suite whose assertions name aspects (strict), the score
per aspect with one line per failing aspect; `--json FILE` writes the suite
result. Plain text (coloured on a terminal): the command loads the runner and
little else, to start at once. `--file FILE` runs a suite file in decaycheck's
own format (docs/suites.md) instead of a built-in one; `decaycheck suite
validate FILE` checks one without a server, printing every error as
`file:line: problem`. Exit codes: 0 every assertion passed (validate: the file
is valid), 1 any failed (validate: errors), 2 bad usage (bad URL, unknown
suite, unreadable file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from conduit_suite import SuiteError, SuiteResult, UsageError, run_suite, suite_names

if TYPE_CHECKING:
    from checks.report import SuiteSummary
    from conduit_suite.suite import Suite

MAX_FAILURE_LINES = 40
COLOURS = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


def paint(text: str, colour: str, *, on: bool) -> str:
    """`text` in an ANSI colour when `on` (a terminal that takes colour), else as it is."""
    return f"\033[{COLOURS[colour]}m{text}\033[0m" if on else text


def colour_on() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# What a server sends (error texts, values) reaches the terminal: control characters become U+FFFD.
_CONTROLS = dict.fromkeys([*range(32), *range(127, 160)], "\ufffd")


def safe(text: str) -> str:
    """`text` without terminal control characters (escape sequences, carriage returns, line breaks)."""
    return text.translate(_CONTROLS)


def render(result: SuiteResult, *, colour: bool = False) -> str:
    """One row per request: name, method, path template, status, passed/total."""
    rows = [("request", "method", "path", "status", "passed")]
    for r in result.requests:
        status = str(r.status) if r.status is not None else "none"
        rows.append((safe(r.name), safe(r.method), safe(r.path), status, f"{r.passed}/{r.total}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [safe(f"{result.suite} suite against {result.base_url}{result.api_prefix}")]
    for index, row in enumerate(rows):
        cells = [c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        line = "  ".join(cells).rstrip()
        if index == 0:
            line = paint(line, "bold", on=colour)
        elif result.requests[index - 1].passed != result.requests[index - 1].total:
            line = paint(line, "red", on=colour)
        lines.append(line)
    return "\n".join(lines)


def totals(result: SuiteResult, *, colour: bool = False) -> str:
    """The line users compare: assertions passed, A%, pass@1."""
    head = (
        f"{result.suite}: {result.assertions_passed}/{result.assertions_total} assertions, "
        f"A% {result.assert_pct:.2f}, pass@1 {int(result.pass_at_1)}"
    )
    tail = f"({len(result.requests)} requests, {result.elapsed_ms:.0f} ms)"
    return paint(head, "green" if result.pass_at_1 else "red", on=colour) + " " + paint(tail, "dim", on=colour)


def failure_lines(result: SuiteResult, limit: int = MAX_FAILURE_LINES) -> list[str]:
    """One line per failed assertion (one per request when no response came), capped at `limit`."""
    lines: list[str] = []
    for request in result.requests:
        if request.error and request.failures:
            lines.append(f"✗ {request.name}: {request.error} ({len(request.failures)} assertions failed)")
            continue
        for failure in request.failures:
            if failure.blocked_by is not None:
                unset = ", ".join(failure.unset)
                lines.append(
                    f"✗ {failure.id} ({failure.operation}; blocked by {failure.blocked_by}: {unset} never set)"
                )
                continue
            lines.append(
                f"✗ {failure.id} ({failure.operation}; expected "
                f"{_brief(failure.expected)}, got {_brief(failure.actual)})"
            )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more (see --json)"]
    return lines


def aspect_summary(result: SuiteResult) -> list[str]:
    """The score per aspect on one line, then one line per failing aspect and what is blocked; [] without aspects."""
    if not any(r.aspects for r in result.requests):
        return []  # the report's scoring is imported only for suites that name aspects (strict)
    from checks.render.common import aspect_cell, aspect_lines, blocked_line
    from checks.report import SuiteSummary

    summary: SuiteSummary = SuiteSummary.of(result)
    scores = " · ".join(f"{a.label} {aspect_cell(a)}" for a in summary.aspects)
    lines = [f"by aspect: {scores}"]
    lines += [f"✗ {head}: {text}" for head, text in aspect_lines(summary, quote="")]
    blocked = blocked_line(summary, quote="")
    if blocked:
        lines.append(f"⋯ {blocked}")
    return lines


def _brief(value: object, size: int = 100) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= size else text[:size] + "..."


def main(args: argparse.Namespace) -> int:
    """Run the compat or strict suite, or a suite file, against a running server; or `validate FILE`."""
    if args.action is not None:
        return _validate(args)
    if args.base_url is None:
        print("error: --base-url is required (or: decaycheck suite validate FILE)", file=sys.stderr)
        return 2
    if args.suite_file is None and args.suite_name not in suite_names():
        print(f"error: unknown suite {args.suite_name!r}; known: {', '.join(suite_names())}", file=sys.stderr)
        return 2
    try:
        chosen = _load(args.suite_file) if args.suite_file is not None else args.suite_name
        result = run_suite(chosen, args.base_url, args.api_prefix, timeout=args.timeout, deadline=args.deadline)
    except (UsageError, SuiteError) as exc:
        print(f"error: {safe(str(exc))}", file=sys.stderr)
        return 2
    colour = colour_on()
    failures = [safe(line) for line in failure_lines(result)]
    aspects = [safe(line) for line in aspect_summary(result)]
    out = [render(result, colour=colour), *failures, totals(result, colour=colour), *aspects]
    print("\n".join(out))
    if args.json_path is not None:
        args.json_path.write_text(json.dumps(result.summary(), indent=2))
    return 0 if result.pass_at_1 else 1


def _load(path: Path) -> Suite:
    from conduit_suite.suite import load_suite_file  # the schema and its validator load only for a file

    return load_suite_file(path)


def _validate(args: argparse.Namespace) -> int:
    """Check a suite file without a server: every error as file:line: problem."""
    from conduit_suite.suite_schema import validate

    path: Path | None = args.file
    if path is None:
        print("error: decaycheck suite validate FILE: which file?", file=sys.stderr)
        return 2
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{safe(str(path))}: cannot read: {safe(str(exc))}", file=sys.stderr)
        return 2
    errors = validate(text, source=str(path))
    for error in errors:
        print(safe(str(error)))
    if errors:
        return 1
    suite = _load(path)
    print(f"{safe(str(path))}: valid ({len(suite.requests)} requests, {suite.assertion_count} assertions)")
    return 0
