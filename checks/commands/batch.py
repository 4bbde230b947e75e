"""`decaycheck batch SOURCE`: study mode: K trials of many checkouts, in parallel, resumable, tabulated.

SOURCE is a folder of checkouts or a manifest (YAML or CSV; see
`checks.study.source`). Trials run `--workers` at a time in local worker
processes, each evaluation with its own pod and database; when
`DECAYCHECK_REDIS_URL` is set (and `--local` is not given) they are enqueued on
the App's Redis queue instead, for `decaycheck worker` processes on any number
of machines (the checkouts must be at the same paths there). Outputs go to
`--out` (see `checks.study.batch`). Exit codes: 0 every trial was evaluated,
1 some evaluations could not be carried out (recorded, left out of the
tables), 2 the batch could not run (bad source, folder holding another batch).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.render.files import Entry, write_report_files
from checks.study import executors, source
from checks.study.batch import BatchError, run_batch
from checks.study.tables import Tables


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def summary_table(built: Tables) -> Table:
    table = Table(title="A% and pass@1 by level")
    for column in ("level", "configurations", "runs", "A% enforced", "A% raw", "pass@1"):
        table.add_column(column, justify="left" if column == "level" else "right")
    for row in built.levels:
        table.add_row(
            row.level,
            str(row.configurations),
            str(row.runs),
            f"{row.a_pct_enforced:.2f}",
            f"{row.a_pct_raw:.2f}",
            f"{row.pass_at_1:.3f}",
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch(
        source_path: Path = typer.Argument(..., metavar="SOURCE", help="Folder of checkouts, or a YAML/CSV manifest."),
        trials: int = typer.Option(1, "--trials", "-k", min=1, help="Trials (evaluations) of each checkout."),
        workers: int = typer.Option(1, "--workers", "-n", min=1, help="Evaluations at once on this machine."),
        out: Path = typer.Option(..., "--out", help="Folder for runs.jsonl, tables.json, the CSVs and report.html."),
        resume: bool = typer.Option(False, "--resume", help="Continue the batch in --out: run only what is missing."),
        sandbox: str | None = typer.Option(None, "--sandbox", help="local (default) or docker."),
        local: bool = typer.Option(False, "--local", help="Evaluate here even when DECAYCHECK_REDIS_URL is set."),
        sarif: Path | None = typer.Option(
            None, "--sarif", help="Write every trial's findings and root causes as SARIF."
        ),
        junit: Path | None = typer.Option(None, "--junit", help="Write every trial's assertions as JUnit XML."),
        markdown: Path | None = typer.Option(None, "--markdown", help="Write a Markdown summary of the trials."),
    ) -> None:
        """Evaluate many checkouts K times each and write the study's tables and report.html."""
        err = Console(stderr=True, highlight=False)
        try:
            checkouts = source.load(source_path)
        except source.SourceError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
        factory: executors.QueueFactory
        if os.environ.get("DECAYCHECK_REDIS_URL") and not local:
            queued = executors.queue_factory()
            if queued is None:
                err.print("[red]error:[/red] DECAYCHECK_REDIS_URL is set but no queue is available in this program")
                raise typer.Exit(2)
            factory = queued
        else:

            def factory(_batch_id: str) -> executors.Executor:
                return executors.LocalExecutor(workers)

        signal.signal(signal.SIGTERM, _terminate)  # a terminated batch stops its evaluations and stays resumable
        err.print(f"{len(checkouts)} checkouts × {trials} trials → {escape(str(out))}")
        try:
            outcome = run_batch(
                checkouts,
                trials=trials,
                out=out,
                executor=factory,
                source=str(source_path),
                resume=resume,
                sandbox=sandbox,
                console=err,
            )
        except BatchError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
        except executors.ExecutorUnavailable as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}; the trials recorded are kept: --resume continues")
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted: the trials recorded are kept; --resume continues")
            raise typer.Exit(130) from None
        built = Tables.model_validate_json((out / "tables.json").read_text())
        if sarif or junit or markdown:
            outcome.outputs += write_report_files(
                [Entry(r.report, f"{r.checkout}#{r.trial}", r.checkout) for r in outcome.records],
                sarif=sarif,
                junit=junit,
                markdown=markdown,
            )
        console = Console(highlight=False)
        console.print(summary_table(built))
        console.print(
            f"{outcome.evaluated} evaluated, {outcome.skipped} already done, {outcome.retried} retried, "
            f"{outcome.errors} could not be evaluated · {outcome.seconds:.1f} s"
        )
        console.print("wrote " + ", ".join(escape(p.name) for p in outcome.outputs) + f" in {escape(str(out))}")
        console.print(f"report: {escape(str(out / 'report.html'))}")
        raise typer.Exit(1 if outcome.errors else 0)
