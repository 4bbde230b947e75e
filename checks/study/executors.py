"""Where a batch's trials are evaluated: local worker processes, or a queue plugged in by the App.

An executor takes TrialJobs and hands back TrialResults as they finish, in any
order. `LocalExecutor` runs N evaluations at once, each in its own process
(each evaluation has its own pod and database). The App's CLI names a queue
executor (`checks.cli.main(queue=...)`) that enqueues the trials on its Redis
queue, so that `decaycheck worker` processes on any number of machines share
them; `checks` itself knows nothing of the App.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from checks.report import Report
from checks.study.model import TrialJob, TrialResult
from checks.study.trial import Evaluator, run_trial, worker_name

PR_SET_PDEATHSIG = 1


class ExecutorUnavailable(Exception):
    """The executor cannot take or return work (its queue is unreachable); the batch stops, resumable."""


class Executor(Protocol):
    """Evaluates submitted jobs; `next_result` returns one finished result, or None after `timeout` seconds."""

    description: str

    def submit(self, job: TrialJob) -> None: ...

    def next_result(self, timeout: float) -> TrialResult | None: ...

    def close(self) -> None:
        """Every submitted job has been collected: release the resources."""

    def abort(self) -> None:
        """The batch stops early (interrupted): stop what can be stopped; a resumed batch runs the rest."""


QueueFactory = Callable[[str], Executor]  # batch id -> executor; the App's CLI names its own (`checks.cli.main`)


def _init_worker() -> None:
    """A worker process dies with the batch (SIGTERM when its parent dies) and cleans up on SIGTERM."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds through the pipeline's cleanup (pod, workspace)

    signal.signal(signal.SIGTERM, terminate)


def _evaluate(job: TrialJob, evaluator: Evaluator | None) -> TrialResult:
    try:
        return run_trial(job, evaluator)
    except SystemExit as stop:
        # terminated: the evaluation has unwound (its pod and workspace are gone); the process must end now,
        # not take the next queued trial as the pool's worker loop would
        os._exit(stop.code if isinstance(stop.code, int) else 1)


class LocalExecutor:
    """`workers` evaluations at once, each in its own process (started fresh, not forked from the batch)."""

    def __init__(self, workers: int, evaluator: Evaluator | None = None) -> None:
        self.workers = max(1, workers)
        self.evaluator = evaluator
        self.description = f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"
        self._results: queue.Queue[TrialResult] = queue.Queue()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
            )
        return self._pool

    def submit(self, job: TrialJob) -> None:
        try:
            future = self._executor().submit(_evaluate, job, self.evaluator)
        except BrokenProcessPool:
            self._pool = None  # a worker died (killed, out of memory): start a fresh pool
            future = self._executor().submit(_evaluate, job, self.evaluator)
        future.add_done_callback(lambda done: self._results.put(self._result_of(job, done)))

    @staticmethod
    def _result_of(job: TrialJob, done: Future[TrialResult]) -> TrialResult:
        try:
            return done.result()
        except BaseException as exc:  # the worker process died or the job could not be sent
            report = Report(repo_path=job.checkout.path, error=f"worker process failed: {type(exc).__name__}: {exc}")
            return TrialResult(job=job, report=report, worker=worker_name())

    def next_result(self, timeout: float) -> TrialResult | None:
        try:
            return self._results.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Running evaluations get SIGTERM (each cleans up its pod and workspace); queued ones are dropped."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=60)
