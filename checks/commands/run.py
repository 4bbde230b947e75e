"""`decaycheck run PATH`: one full evaluation of a checkout, as the Check Run would report it.

Exit codes: 0 the gate passed, 1 it failed, 2 the evaluation could not be
carried out (config error, missing path, sandbox or internal error).
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from checks.pipeline import evaluate
from checks.render.common import inert
from checks.render.terminal import terminal
from checks.report import Report


def exit_code(report: Report) -> int:
    if report.config_error or report.error:
        return 2
    return 0 if report.gate_passed else 1


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        path: Path = typer.Argument(..., help="Checkout of the repository to evaluate."),
        config: Path | None = typer.Option(None, "--config", help="Config file instead of .github/decaycheck.yml."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the report JSON to this file."),
        sandbox: str | None = typer.Option(None, "--sandbox", help="local (default) or docker."),
    ) -> None:
        """Build, start and test the app in a sandbox; verify its constraints; diagnose; apply the gate."""
        err = Console(stderr=True, highlight=False)
        t0 = time.monotonic()

        def progress(message: str) -> None:
            err.print(Text.assemble((f"{time.monotonic() - t0:6.1f}s", "dim"), " ", inert(message)))

        # A terminated run still removes its sandbox, cgroups and workspace (cleanup runs in `finally`s).
        signal.signal(signal.SIGTERM, _terminate)
        report = evaluate(path, config_file=config, on_progress=progress, sandbox=sandbox)
        terminal(report, Console(highlight=False))
        if json_out is not None:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(report.model_dump_json(indent=2) + "\n")
        sys.stdout.flush()
        raise typer.Exit(exit_code(report))
