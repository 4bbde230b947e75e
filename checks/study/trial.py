"""Carry out one trial: evaluate a checkout and return a TrialResult; never raises for a failed evaluation.

Local worker processes and the App's queue workers both call `run_trial`, so
a trial is evaluated the same way wherever it runs. The evaluator is
`checks.pipeline.evaluate` (one pod and one database per evaluation), unless
`DECAYCHECK_BATCH_EVALUATOR` names another as `module:function`, taking the
TrialJob and the config file to use (or None) and returning a Report: the hook
by which another harness's evaluation, or a recorded one, is tabulated the
same way. It is read from the environment of the process that evaluates, never
from the job.
"""

from __future__ import annotations

import importlib
import os
import socket
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from checks.report import Report
from checks.study.model import TrialJob, TrialResult

EVALUATOR_VARIABLE = "DECAYCHECK_BATCH_EVALUATOR"

Evaluator = Callable[[TrialJob, Path | None], Report]


def pipeline_evaluator(job: TrialJob, config_file: Path | None) -> Report:
    from checks.pipeline import evaluate

    return evaluate(Path(job.checkout.path), config_file=config_file, sandbox=job.sandbox)


def evaluator_from_environment() -> Evaluator:
    target = os.environ.get(EVALUATOR_VARIABLE, "").strip()
    if not target:
        return pipeline_evaluator
    module, _, name = target.partition(":")
    function: Evaluator = getattr(importlib.import_module(module), name)
    return function


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_trial(job: TrialJob, evaluator: Evaluator | None = None) -> TrialResult:
    """Evaluate `job`; any failure of the evaluation itself becomes a Report with `error` set."""
    t0 = time.monotonic()
    try:
        chosen = evaluator or evaluator_from_environment()
        with tempfile.TemporaryDirectory(prefix="decaycheck-trial-") as tmp:
            config_file = None
            if job.checkout.config_text is not None:
                config_file = Path(tmp) / "decaycheck.yml"
                config_file.write_text(job.checkout.config_text)
            report = chosen(job, config_file)
    except Exception as exc:  # the batch records the error and retries once; it must not lose the batch
        report = Report(
            repo_path=job.checkout.path,
            error=f"internal error: {type(exc).__name__}: {exc}",
            server_log_tail=traceback.format_exc(limit=8)[-4000:],
        )
    return TrialResult(job=job, report=report, seconds=time.monotonic() - t0, worker=worker_name())
