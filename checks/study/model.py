"""What crosses process and queue boundaries in a batch, and what the batch keeps on disk (typed models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from checks.report import Report

MAX_ATTEMPTS = 2  # an evaluation that errors is retried once


class Checkout(BaseModel):
    """One repository of the batch, with its labels."""

    id: str = Field(description="Stable name within the batch (the path relative to the source).")
    path: str = Field(description="Absolute path of the checkout.")
    labels: dict[str, str] = Field(default_factory=dict)
    config_text: str | None = Field(
        default=None, description="Config to evaluate with instead of the repository's own (constraints from labels)."
    )


class TrialJob(BaseModel):
    """One evaluation to carry out: a checkout's trial, at an attempt."""

    batch: str = Field(description="Id of the batch (where its results are collected).")
    run_id: str
    checkout: Checkout
    trial: int = Field(ge=0)
    attempt: int = Field(default=1, ge=1)
    sandbox: str | None = None


class TrialResult(BaseModel):
    """What an evaluation produced (a Report always: an evaluation that failed says so in `report.error`)."""

    job: TrialJob
    report: Report
    seconds: float = 0.0
    worker: str = Field(default="", description="Host and process that evaluated it.")


class RunRecord(BaseModel):
    """One line of runs.jsonl: a trial of a checkout, its labels and its report."""

    run_id: str
    checkout: str
    path: str
    trial: int
    labels: dict[str, str]
    status: Literal["ok", "error"]
    attempts: int
    seconds: float = 0.0
    worker: str = ""
    report: Report

    @classmethod
    def of(cls, result: TrialResult) -> RunRecord:
        job = result.job
        return cls(
            run_id=job.run_id,
            checkout=job.checkout.id,
            path=job.checkout.path,
            trial=job.trial,
            labels=job.checkout.labels,
            status="error" if result.report.error else "ok",
            attempts=job.attempt,
            seconds=round(result.seconds, 3),
            worker=result.worker,
            report=result.report,
        )

    @property
    def retryable(self) -> bool:
        return self.status == "error" and self.attempts < MAX_ATTEMPTS
