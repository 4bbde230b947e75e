"""Study batches on the App's queue: `decaycheck batch` enqueues trials, `decaycheck worker` evaluates them.

The same arq queue and workers as the App's evaluations (no second
scheduler): each trial is a `study_trial` job whose argument is a TrialJob's
JSON; the worker evaluates it with `checks.study.trial.run_trial` (within the
worker's evaluation slots) and pushes the TrialResult's JSON onto the batch's
results list in Redis, which the batch pops as results arrive.

Job ids are `{prefix}:study:{batch}:{run}:{attempt}`: a resumed batch (same
batch id) finds the jobs its killed predecessor queued still queued or running
and waits for their results instead of queueing them twice. A result list
lives `RESULTS_TTL_S` after its last push; the batch deletes it when done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable
from typing import Any, TypeVar

from arq import create_pool
from arq.connections import RedisSettings
from arq.jobs import Job, JobStatus
from redis.exceptions import RedisError

from bot.settings import Settings
from checks.report import Report
from checks.study.executors import ExecutorUnavailable
from checks.study.model import TrialJob, TrialResult
from checks.study.trial import run_trial, worker_name

log = logging.getLogger(__name__)

T = TypeVar("T")
FUNCTION = "study_trial"
RESULTS_TTL_S = 7 * 24 * 3600


def results_key(prefix: str, batch: str) -> str:
    return f"{prefix}:study:{batch}:results"


def job_id(prefix: str, job: TrialJob) -> str:
    return f"{prefix}:study:{job.batch}:{job.run_id}:{job.attempt}"


def _failed(job: TrialJob, why: str) -> TrialResult:
    return TrialResult(job=job, report=Report(repo_path=job.checkout.path, error=why), worker=worker_name())


async def study_trial(ctx: dict[str, Any], payload: str) -> str:
    """Evaluate one trial and push its result to the batch's list; returns the result's JSON too."""
    settings: Settings = ctx["settings"]
    job = TrialJob.model_validate_json(payload)
    started = time.monotonic()
    try:
        async with ctx["slots"]:
            result = await asyncio.to_thread(run_trial, job)
    except asyncio.CancelledError:
        # a job timeout ends the trial as an error (the batch retries it once); a worker shutting down
        # leaves the job to arq, which hands it to the next worker
        if time.monotonic() - started >= settings.job_timeout_s - 1:
            await asyncio.shield(_push(ctx, settings, _failed(job, f"timed out after {settings.job_timeout_s} s")))
        raise
    except Exception as exc:  # run_trial reports evaluation errors itself; this is the worker failing
        log.exception("study trial %s failed", job.run_id)
        result = _failed(job, f"worker error: {type(exc).__name__}: {exc}")
    return await _push(ctx, settings, result)


async def _push(ctx: dict[str, Any], settings: Settings, result: TrialResult) -> str:
    body = result.model_dump_json()
    key = results_key(settings.redis_prefix, result.job.batch)
    redis = ctx["redis"]  # an ArqRedis (redis-py types its commands as sync-or-async unions)
    await redis.rpush(key, body)
    await redis.expire(key, RESULTS_TTL_S)
    return body


class QueueExecutor:
    """The batch's side: enqueue trials on the App's queue and pop their results (a private event loop)."""

    def __init__(self, settings: Settings, batch: str) -> None:
        from bot.queue import queue_name

        assert settings.redis_url, "the queue executor needs DECAYCHECK_REDIS_URL"
        self.settings = settings
        self.batch = batch
        self.queue_name = queue_name(settings)
        self.key = results_key(settings.redis_prefix, batch)
        self.description = f"queue {self.queue_name} (decaycheck worker processes)"
        self._ready: deque[TrialResult] = deque()
        self._loop = asyncio.new_event_loop()
        redis_settings = RedisSettings.from_dsn(settings.redis_url)
        redis_settings.conn_retries = 1
        # redis-py types its commands as sync-or-async unions: the pool is used through `_run` only
        self._pool: Any = self._run(create_pool(redis_settings))

    def _run(self, step: Awaitable[T]) -> T:
        try:
            return self._loop.run_until_complete(step)
        except (RedisError, OSError) as exc:
            raise ExecutorUnavailable(f"the Redis queue is unreachable: {exc}") from exc

    def submit(self, job: TrialJob) -> None:
        self._run(self._submit(job))

    async def _submit(self, job: TrialJob) -> None:
        identity = job_id(self.settings.redis_prefix, job)
        queued = await self._pool.enqueue_job(
            FUNCTION, job.model_dump_json(), _job_id=identity, _queue_name=self.queue_name
        )
        if queued is not None:
            return
        # an earlier run of this batch queued it: still queued or running, its result will arrive on the
        # list; finished, its result may already have been taken from the list, so read it from arq
        existing = Job(identity, self._pool, _queue_name=self.queue_name)
        if await existing.status() != JobStatus.complete:
            return
        info = await existing.result_info()
        if info is not None and info.success and isinstance(info.result, str):
            self._ready.append(TrialResult.model_validate_json(info.result))
        else:
            self._ready.append(_failed(job, "the queued job failed without a result"))

    def next_result(self, timeout: float) -> TrialResult | None:
        if self._ready:
            return self._ready.popleft()
        item = self._run(self._pool.blpop([self.key], timeout=max(0.1, timeout)))
        if item is None:
            return None
        try:
            return TrialResult.model_validate_json(item[1])
        except ValueError:
            log.warning("dropped a malformed result on %s", self.key)
            return None

    def close(self) -> None:
        """Every result is in: drop the list (duplicates of results already recorded) and disconnect."""
        try:
            self._run(self._pool.delete(self.key))
        finally:
            self.abort()

    def abort(self) -> None:
        """Leave queued and running trials to the workers: a resumed batch collects their results."""
        try:
            self._loop.run_until_complete(self._pool.aclose())
        except (RedisError, OSError):
            pass  # already gone
        finally:
            self._loop.close()
