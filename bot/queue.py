"""Job queues: arq on Redis for any number of workers, or in-process for one command.

Both deduplicate on the job id. With arq, a job whose worker died stays in
the queue and is picked up again once its in-progress marker expires (job
timeout + 10 s), up to `max_tries` attempts; a cron job reaps what is left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from arq import create_pool, cron
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix
from arq.worker import Worker, func

from bot import jobs, study
from bot.context import AppContext
from bot.settings import Settings

log = logging.getLogger(__name__)

JobFunction = Callable[[AppContext, Any], Awaitable[Any]]
FUNCTIONS: dict[str, JobFunction] = {"dispatch": jobs.dispatch, "evaluate": jobs.evaluate}


def queue_name(settings: Settings) -> str:
    return f"{settings.redis_prefix}:queue"


class InProcessQueue:
    """Runs jobs as tasks of the serving process, `concurrency` at a time."""

    def __init__(self, ctx: AppContext, concurrency: int = 2) -> None:
        self.ctx = ctx
        self._seen: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def job_ids(self) -> frozenset[str]:
        """Every job id ever queued here."""
        return frozenset(self._seen)

    @property
    def idle(self) -> bool:
        """No job queued or running (a job a running job queues counts before that one ends)."""
        return not self._tasks

    async def enqueue(self, function: str, argument: Any, job_id: str) -> bool:
        if job_id in self._seen:
            return False
        self._seen.add(job_id)
        task = asyncio.create_task(self._run(function, argument, job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, function: str, argument: Any, job_id: str) -> None:
        # dispatch is quick and opens the check run: it must not wait behind evaluations
        if function == "dispatch":
            await self._call(function, argument, job_id)
            return
        async with self._slots:
            await self._call(function, argument, job_id)

    async def _call(self, function: str, argument: Any, job_id: str) -> None:
        try:
            await FUNCTIONS[function](self.ctx, argument)
        except Exception:
            log.exception("job %s failed", job_id)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


class ArqQueue:
    """Enqueues into Redis through arq; workers run `decaycheck worker`."""

    def __init__(self, pool: ArqRedis, name: str) -> None:
        self.pool = pool
        self.name = name

    @classmethod
    async def connect(cls, settings: Settings) -> ArqQueue:
        assert settings.redis_url
        pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
        return cls(pool, queue_name(settings))

    async def enqueue(self, function: str, argument: Any, job_id: str) -> bool:
        job = await self.pool.enqueue_job(function, argument, _job_id=job_id, _queue_name=self.name)
        return job is not None

    async def aclose(self) -> None:
        await self.pool.aclose()


# -- the arq worker --------------------------------------------------------------------------


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    app = AppContext.build(settings)
    app.queue = await ArqQueue.connect(settings)
    ctx["app"] = app
    ctx["slots"] = asyncio.Semaphore(settings.worker_concurrency)
    reaped = await reap_job(ctx)
    if reaped:
        log.warning("reaped stale runs at startup: %s", reaped)


async def _shutdown(ctx: dict[str, Any]) -> None:
    app: AppContext | None = ctx.get("app")
    if app is not None:
        if isinstance(app.queue, ArqQueue):
            await app.queue.aclose()
        await app.aclose()


async def dispatch_job(ctx: dict[str, Any], payload: dict[str, Any]) -> list[str]:
    return await jobs.dispatch(ctx["app"], payload)


async def evaluate_job(ctx: dict[str, Any], run_id: str) -> str:
    async with ctx["slots"]:  # evaluations per worker; dispatch jobs never wait behind them
        return await jobs.evaluate(ctx["app"], run_id)


async def reap_job(ctx: dict[str, Any]) -> list[str]:
    """Hand jobs of dead workers to live ones at once, then complete runs nobody finished.

    arq alone re-runs a dead worker's job only when its in-progress marker
    expires (the job timeout later); a run whose heartbeat stopped has its
    marker removed so the next poll of any worker picks the job up again.
    """
    app: AppContext = ctx["app"]
    for run in await jobs.lost_runs(app):
        job_id = jobs.evaluate_job_id(app.settings.redis_prefix, run["run_id"])
        if await ctx["redis"].delete(in_progress_key_prefix + job_id):
            log.warning("run %s lost its worker; job %s handed back to the queue", run["run_id"], job_id)
    return await jobs.reap(app)


def build_worker(settings: Settings) -> Worker:
    """An arq worker for the settings' Redis and queue; `run()` blocks until signalled."""
    assert settings.redis_url, "DECAYCHECK_REDIS_URL is required for `decaycheck worker`"
    return Worker(
        functions=[
            func(dispatch_job, name="dispatch", timeout=120, max_tries=settings.max_tries),
            func(evaluate_job, name="evaluate", timeout=settings.job_timeout_s, max_tries=settings.max_tries),
            func(study.study_trial, name=study.FUNCTION, timeout=settings.job_timeout_s, max_tries=settings.max_tries),
        ],
        cron_jobs=[
            cron(
                reap_job,
                name=f"{settings.redis_prefix}:reap",
                second=set(range(0, 60, 5)),
                run_at_startup=False,
                unique=True,
                timeout=60,
            )
        ],
        queue_name=queue_name(settings),
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings},
        max_jobs=max(2, settings.worker_concurrency + 4),
        job_timeout=settings.job_timeout_s,
        max_tries=settings.max_tries,
        keep_result=3600,
        poll_delay=0.25,
        handle_signals=True,
    )
