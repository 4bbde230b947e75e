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

import argparse
import os
import signal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.cli import load
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


def main(args: argparse.Namespace) -> int:
    """Evaluate many checkouts K times each and write the study's tables and report.html."""
    err = Console(stderr=True, highlight=False)
    try:
        checkouts = source.load(args.source_path)
    except source.SourceError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return 2
    factory: executors.QueueFactory
    if os.environ.get("DECAYCHECK_REDIS_URL") and not args.local:
        if args.queue is None:
            err.print("[red]error:[/red] DECAYCHECK_REDIS_URL is set but no queue is available in this program")
            return 2
        factory = load(args.queue)  # type: ignore[assignment]
    else:
        workers = args.workers

        def factory(_batch_id: str) -> executors.Executor:
            return executors.LocalExecutor(workers)

    out = args.out
    signal.signal(signal.SIGTERM, _terminate)  # a terminated batch stops its evaluations and stays resumable
    err.print(f"{len(checkouts)} checkouts × {args.trials} trials → {escape(str(out))}")
    try:
        outcome = run_batch(
            checkouts,
            trials=args.trials,
            out=out,
            executor=factory,
            source=str(args.source_path),
            resume=args.resume,
            sandbox=args.sandbox,
            console=err,
        )
    except BatchError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return 2
    except executors.ExecutorUnavailable as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}; the trials recorded are kept: --resume continues")
        return 2
    except KeyboardInterrupt:
        err.print("interrupted: the trials recorded are kept; --resume continues")
        return 130
    built = Tables.model_validate_json((out / "tables.json").read_text())
    if args.sarif or args.junit or args.markdown:
        outcome.outputs += write_report_files(
            [Entry(r.report, f"{r.checkout}#{r.trial}", r.checkout) for r in outcome.records],
            sarif=args.sarif,
            junit=args.junit,
            markdown=args.markdown,
        )
    console = Console(highlight=False)
    console.print(summary_table(built))
    console.print(
        f"{outcome.evaluated} evaluated, {outcome.skipped} already done, {outcome.retried} retried, "
        f"{outcome.errors} could not be evaluated · {outcome.seconds:.1f} s"
    )
    console.print("wrote " + ", ".join(escape(p.name) for p in outcome.outputs) + f" in {escape(str(out))}")
    console.print(f"report: {escape(str(out / 'report.html'))}")
    return 1 if outcome.errors else 0
