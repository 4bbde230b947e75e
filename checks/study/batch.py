"""Study mode: K trials of many checkouts, evaluated in parallel, resumable, tabulated.

Layout of the output folder:

    DIR/batch.json        what the batch is (source, trials, checkouts): a second run needs --resume
    DIR/runs/<id>.json    one RunRecord per trial, written as soon as the trial finishes
    DIR/runs.jsonl        every record, in plan order (written when the batch completes)
    DIR/tables.json       the study's tables (checks.study.tables), and one CSV per table
    DIR/report.html       the page (checks.study.html)

A trial whose record exists is not run again; a record of an evaluation that
errored is retried once (MAX_ATTEMPTS), in the same run or on resume. A killed
batch loses only the trials in flight, which `--resume` runs again. The
outputs depend only on the records, so a resumed batch and one that ran
through give the same tables.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from checks.study import html, tables
from checks.study.executors import Executor
from checks.study.model import Checkout, RunRecord, TrialJob

BATCH_VERSION = 1


class BatchError(Exception):
    """The batch cannot start (its folder holds another batch, bad arguments)."""


class BatchFile(BaseModel):
    version: int = BATCH_VERSION
    id: str = Field(description="Random at creation, kept on resume: names the batch's jobs and results on a queue.")
    source: str
    trials: int
    checkouts: list[Checkout]


@dataclass
class BatchOutcome:
    total: int
    skipped: int = 0
    evaluated: int = 0
    retried: int = 0
    errors: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    records: list[RunRecord] = field(default_factory=list, repr=False)


def run_id_of(checkout_id: str, trial: int) -> str:
    return hashlib.sha256(f"{checkout_id}\0{trial}".encode()).hexdigest()[:16]


def plan(checkouts: Sequence[Checkout], trials: int, batch_id: str, sandbox: str | None = None) -> list[TrialJob]:
    """Every trial of every checkout, trial by trial (so early results already cover every checkout)."""
    return [
        TrialJob(batch=batch_id, run_id=run_id_of(c.id, t), checkout=c, trial=t, sandbox=sandbox)
        for t in range(trials)
        for c in checkouts
    ]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class RecordStore:
    """The per-trial records of a batch folder."""

    def __init__(self, out: Path) -> None:
        self.folder = out / "runs"
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, run_id: str) -> Path:
        return self.folder / f"{run_id}.json"

    def read(self, run_id: str) -> RunRecord | None:
        """The record, or None when absent or unreadable (a torn write is run again)."""
        try:
            return RunRecord.model_validate_json(self.path(run_id).read_text(encoding="utf-8"))
        except (OSError, ValueError, ValidationError):
            return None

    def write(self, record: RunRecord) -> None:
        _write_atomic(self.path(record.run_id), record.model_dump_json() + "\n")


def prepare(out: Path, source: str, checkouts: Sequence[Checkout], trials: int, *, resume: bool) -> str:
    """Claim `out` for this batch and return the batch's id; a folder holding a batch is only continued with `resume`."""
    marker = out / "batch.json"
    batch_id = uuid.uuid4().hex[:16]
    if marker.exists():
        if not resume:
            raise BatchError(f"{out} holds a batch already: pass --resume to continue it, or choose another --out")
        try:
            batch_id = BatchFile.model_validate_json(marker.read_text(encoding="utf-8")).id
        except (OSError, ValueError, ValidationError):
            pass  # an unreadable batch.json: the records still tell what is done
    out.mkdir(parents=True, exist_ok=True)
    batch = BatchFile(id=batch_id, source=source, trials=trials, checkouts=list(checkouts))
    _write_atomic(marker, batch.model_dump_json(indent=2) + "\n")
    return batch_id


class _Progress:
    """done/total, evaluations per minute, ETA and failures so far, on stderr (nothing when console is None)."""

    def __init__(self, console: Console | None, total: int, done: int, description: str) -> None:
        self.t0 = time.monotonic()
        self.total, self.done, self.evaluated, self.errors, self.failing, self.retrying = total, done, 0, 0, 0, 0
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        if console is not None:
            self.bar = Progress(
                TextColumn("[bold]batch[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA {task.fields[eta]}"),
                TextColumn("{task.fields[failures]}"),
                console=console,
                transient=False,
            )
            self.bar.start()
            rate, eta, failures = self._fields()
            self.task = self.bar.add_task(
                description, total=total, completed=done, rate=rate, eta=eta, failures=failures
            )

    def _fields(self) -> tuple[str, str, str]:
        elapsed = time.monotonic() - self.t0
        per_minute = 60 * self.evaluated / elapsed if self.evaluated and elapsed > 0 else 0.0
        remaining = self.total - self.done
        eta = "—"
        if self.evaluated and remaining:
            seconds = int(remaining * elapsed / self.evaluated)
            eta = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        elif not remaining:
            eta = "0:00:00"
        failures = f"errors {self.errors}" + (f" (+{self.retrying} retrying)" if self.retrying else "")
        return f"{per_minute:.1f} eval/min", eta, f"{failures} · failing {self.failing}"

    def update(self) -> None:
        if self.bar is not None and self.task is not None:
            rate, eta, failures = self._fields()
            self.bar.update(self.task, completed=self.done, rate=rate, eta=eta, failures=failures)

    def stop(self) -> None:
        if self.bar is not None:
            self.update()
            self.bar.stop()


def run_batch(
    checkouts: Sequence[Checkout],
    *,
    trials: int,
    out: Path,
    executor: Callable[[str], Executor],
    source: str = "",
    resume: bool = False,
    sandbox: str | None = None,
    console: Console | None = None,
) -> BatchOutcome:
    """Evaluate what is missing, then write the outputs; KeyboardInterrupt/SystemExit leave a resumable folder."""
    if trials < 1:
        raise BatchError("--trials must be at least 1")
    if not checkouts:
        raise BatchError("no checkout to evaluate")
    t0 = time.monotonic()
    batch_id = prepare(out, source, checkouts, trials, resume=resume)
    store = RecordStore(out)
    jobs = plan(checkouts, trials, batch_id, sandbox)
    outcome = BatchOutcome(total=len(jobs))
    pending: list[TrialJob] = []
    records: dict[str, RunRecord] = {}
    for job in jobs:
        record = store.read(job.run_id)
        if record is not None:
            records[job.run_id] = record
        if record is None:
            pending.append(job)
        elif record.retryable:
            pending.append(job.model_copy(update={"attempt": record.attempts + 1}))
        else:
            outcome.skipped += 1
    if pending:
        _evaluate(pending, store, executor(batch_id), outcome, console, records)
    done = [records[job.run_id] for job in jobs if job.run_id in records]
    outcome.outputs = write_outputs(out, done)
    outcome.records = done
    outcome.errors = sum(1 for r in done if r.status == "error")
    outcome.seconds = time.monotonic() - t0
    return outcome


def _evaluate(
    pending: list[TrialJob],
    store: RecordStore,
    executor: Executor,
    outcome: BatchOutcome,
    console: Console | None,
    records: dict[str, RunRecord],
) -> None:
    if console is not None:
        console.print(f"evaluating {len(pending)} trials on {executor.description}")
    progress = _Progress(console, outcome.total, outcome.skipped, executor.description)
    outstanding: dict[str, TrialJob] = {}
    finished = False
    try:
        for job in pending:
            executor.submit(job)
            outstanding[job.run_id] = job
        while outstanding:
            result = executor.next_result(timeout=0.5)
            if result is None:
                progress.update()
                continue
            waiting = outstanding.get(result.job.run_id)
            if waiting is None or waiting.attempt != result.job.attempt:
                continue  # a result this run is not waiting for (an earlier run's job finishing late)
            record = RunRecord.of(result)
            store.write(record)
            records[record.run_id] = record
            outcome.evaluated += 1
            progress.evaluated += 1
            if record.retryable:
                retry = waiting.model_copy(update={"attempt": waiting.attempt + 1})
                outstanding[waiting.run_id] = retry
                executor.submit(retry)
                outcome.retried += 1
                progress.retrying += 1
            else:
                del outstanding[waiting.run_id]
                progress.done += 1
                if waiting.attempt > 1:
                    progress.retrying = max(0, progress.retrying - 1)
                if record.status == "error":
                    progress.errors += 1
                elif not record.report.pass_at_1:
                    progress.failing += 1
            progress.update()
        finished = True
    finally:
        progress.stop()
        (executor.close if finished else executor.abort)()


def write_outputs(out: Path, records: Sequence[RunRecord]) -> list[Path]:
    """runs.jsonl, tables.json, the CSVs and report.html from the records."""
    runs = out / "runs.jsonl"
    _write_atomic(runs, "".join(r.model_dump_json() + "\n" for r in records))
    built = tables.build(records)
    tables_json = out / "tables.json"
    _write_atomic(tables_json, built.model_dump_json(indent=2) + "\n")
    page = out / "report.html"
    _write_atomic(page, html.render(built))
    return [runs, tables_json, *tables.write_csvs(built, out), page]
