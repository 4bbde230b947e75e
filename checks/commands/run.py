"""`decaycheck run PATH`: one full evaluation of a checkout, as the Check Run would report it.

Exit codes: 0 the gate passed, 1 it failed, 2 the evaluation could not be
carried out (config error, missing path, sandbox or internal error).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from checks.config import BaseConfig
from checks.pipeline import evaluate
from checks.render.common import inert
from checks.render.files import Entry, write_report_files
from checks.render.terminal import terminal
from checks.report import Report


def exit_code(report: Report) -> int:
    if report.config_error or report.error:
        return 2
    if report.gate.get("mode") == "informational":
        return 0
    return 0 if report.gate_passed else 1


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(args: argparse.Namespace) -> int:
    """Build, start and test the app in a sandbox; verify its constraints; diagnose; apply the gate."""
    err = Console(stderr=True, highlight=False)
    t0 = time.monotonic()

    def progress(message: str) -> None:
        err.print(Text.assemble((f"{time.monotonic() - t0:6.1f}s", "dim"), " ", inert(message)))

    # A terminated run still removes its sandbox, cgroups and workspace (cleanup runs in `finally`s).
    signal.signal(signal.SIGTERM, _terminate)
    base = None
    if args.org_config is not None:
        if not args.org_config.is_file():
            err.print(f"[red]error:[/red] {escape(str(args.org_config))}: file not found")
            return 2
        base = BaseConfig(name=str(args.org_config), text=args.org_config.read_text(encoding="utf-8", errors="replace"))
    report = evaluate(
        args.path,
        config_file=args.config,
        on_progress=progress,
        sandbox=args.sandbox,
        base=base,
        app=args.app_name,
        keep_workspace=args.keep_workspace,
    )
    terminal(report, Console(highlight=False))
    if args.json_out is not None:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(report.model_dump_json(indent=2) + "\n")
    write_report_files([Entry(report)], sarif=args.sarif, junit=args.junit, markdown=args.markdown)
    sys.stdout.flush()
    return exit_code(report)
