"""`decaycheck suite`: run a behavioural suite against a server that is already running.

Prints one table row per request, the failed assertions, the totals (A%,
pass@1) and, for a suite whose assertions name aspects (strict), the score
per aspect with one line per failing aspect; `--json FILE` writes the suite
result. `--file FILE` runs a suite file in decaycheck's own format
(docs/suites.md) instead of a built-in one; `decaycheck suite validate FILE`
checks one without a server, printing every error as `file:line: problem`.
Exit codes: 0 every assertion passed (validate: the file is valid), 1 any
failed (validate: errors), 2 bad usage (bad URL, unknown suite, unreadable file).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.render.common import aspect_cell, aspect_lines, blocked_line
from checks.report import SuiteSummary
from conduit_suite import SuiteError, SuiteResult, UsageError, run_suite, suite_names
from conduit_suite.suite import load_suite_file
from conduit_suite.suite_schema import validate

MAX_FAILURE_LINES = 40


def render(result: SuiteResult) -> Table:
    """One row per request: name, method, path template, status, passed/total."""
    table = Table(title=escape(f"{result.suite} suite against {result.base_url}{result.api_prefix}"))
    table.add_column("request")
    table.add_column("method")
    table.add_column("path")
    table.add_column("status", justify="right")
    table.add_column("passed", justify="right")
    for r in result.requests:
        ok = r.passed == r.total
        status = str(r.status) if r.status is not None else "[red]none[/red]"
        table.add_row(
            escape(r.name),
            r.method,
            escape(r.path),
            status,
            f"[green]{r.passed}/{r.total}[/green]" if ok else f"[red]{r.passed}/{r.total}[/red]",
        )
    return table


def totals(result: SuiteResult) -> str:
    """The line users compare: assertions passed, A%, pass@1."""
    colour = "green" if result.pass_at_1 else "red"
    return (
        f"[bold {colour}]{result.suite}: {result.assertions_passed}/{result.assertions_total} assertions, "
        f"A% {result.assert_pct:.2f}, pass@1 {int(result.pass_at_1)}[/bold {colour}] "
        f"[dim]({len(result.requests)} requests, {result.elapsed_ms:.0f} ms)[/dim]"
    )


def failure_lines(result: SuiteResult, limit: int = MAX_FAILURE_LINES) -> list[str]:
    """One line per failed assertion (one per request when no response came), capped at `limit`."""
    lines: list[str] = []
    for request in result.requests:
        if request.error and request.failures:
            lines.append(
                f"[red]✗[/red] {escape(request.name)}: {escape(request.error)} "
                f"[dim]({len(request.failures)} assertions failed)[/dim]"
            )
            continue
        for failure in request.failures:
            if failure.blocked_by is not None:
                unset = ", ".join(failure.unset)
                lines.append(
                    f"[yellow]✗[/yellow] {escape(failure.id)} [dim]({failure.operation}; blocked by "
                    f"{escape(failure.blocked_by)}: {escape(unset)} never set)[/dim]"
                )
                continue
            lines.append(
                f"[red]✗[/red] {escape(failure.id)} [dim]({failure.operation}; expected "
                f"{escape(_brief(failure.expected))}, got {escape(_brief(failure.actual))})[/dim]"
            )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more (see --json)"]
    return lines


def aspect_summary(result: SuiteResult) -> list[str]:
    """The score per aspect on one line, then one line per failing aspect and what is blocked; [] without aspects."""
    summary = SuiteSummary.of(result)
    if not summary.aspects:
        return []
    scores = " · ".join(
        f"[{'green' if a.passed == a.total else 'red'}]{escape(a.label)} {aspect_cell(a)}[/]" for a in summary.aspects
    )
    lines = [f"by aspect: {scores}"]
    lines += [f"[red]✗ {escape(head)}[/red]: {escape(text)}" for head, text in aspect_lines(summary, quote="")]
    blocked = blocked_line(summary, quote="")
    if blocked:
        lines.append(f"[yellow]⋯[/yellow] {escape(blocked)}")
    return lines


def _brief(value: object, size: int = 100) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= size else text[:size] + "..."


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=False, add_completion=False, pretty_exceptions_enable=False)

    @group.callback(invoke_without_command=True)
    def suite(
        ctx: typer.Context,
        base_url: str | None = typer.Option(None, "--base-url", help="Server root, e.g. http://127.0.0.1:8080."),
        api_prefix: str = typer.Option("/api", "--api-prefix", help="Prefix of the API routes."),
        suite_name: str = typer.Option("compat", "--suite", help="compat or strict."),
        suite_file: Path | None = typer.Option(None, "--file", help="A suite file in decaycheck's format instead."),
        json_path: Path | None = typer.Option(None, "--json", help="Write the result as JSON here."),
        timeout: float = typer.Option(10.0, "--timeout", help="Seconds per request."),
        deadline: float | None = typer.Option(None, "--deadline", help="Seconds for the whole run."),
    ) -> None:
        """Run the compat or strict suite, or a suite file, against a running server; or `validate FILE`."""
        if ctx.invoked_subcommand is not None:
            return
        console = Console()
        if base_url is None:
            console.print("[red]error:[/red] --base-url is required (or: decaycheck suite validate FILE)")
            raise typer.Exit(2)
        if suite_file is None and suite_name not in suite_names():
            console.print(f"[red]error:[/red] unknown suite {suite_name!r}; known: {', '.join(suite_names())}")
            raise typer.Exit(2)
        try:
            chosen = load_suite_file(suite_file) if suite_file is not None else suite_name
            result = run_suite(chosen, base_url, api_prefix, timeout=timeout, deadline=deadline)
        except (UsageError, SuiteError) as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        console.print(render(result))
        for line in failure_lines(result):
            console.print(line, highlight=False)
        console.print(totals(result))
        for line in aspect_summary(result):
            console.print(line, highlight=False)
        if json_path is not None:
            json_path.write_text(json.dumps(result.summary(), indent=2))
        raise typer.Exit(0 if result.pass_at_1 else 1)

    @group.command("validate")
    def validate_command(
        path: Path = typer.Argument(..., help="The suite file (YAML, docs/suites.md)."),
    ) -> None:
        """Check a suite file without a server: every error as file:line: problem."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            typer.echo(f"{path}: cannot read: {exc}", err=True)
            raise typer.Exit(2) from exc
        errors = validate(text, source=str(path))
        for error in errors:
            typer.echo(str(error))
        if errors:
            raise typer.Exit(1)
        suite = load_suite_file(path)
        typer.echo(f"{path}: valid ({len(suite.requests)} requests, {suite.assertion_count} assertions)")

    app.add_typer(group, name="suite", help="Run a behavioural suite against a running server; validate a suite file.")
