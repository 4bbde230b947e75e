"""The FastAPI application: one router per concern, the queue chosen by the settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from bot import jobs
from bot.context import AppContext
from bot.queue import ArqQueue, InProcessQueue
from bot.settings import Settings
from bot.web import runs, status, webhook

log = logging.getLogger(__name__)


async def _reap_forever(ctx: AppContext, every_s: float = 30.0) -> None:
    while True:
        await asyncio.sleep(every_s)
        try:
            await jobs.reap(ctx)
        except Exception:
            log.exception("reaper failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = AppContext.build(settings)
        reaper = None
        if settings.redis_url:
            ctx.queue = await ArqQueue.connect(settings)
        else:
            ctx.queue = InProcessQueue(ctx, settings.worker_concurrency)
            reaper = asyncio.create_task(_reap_forever(ctx))
        app.state.ctx = ctx
        try:
            yield
        finally:
            if reaper is not None:
                reaper.cancel()
                await ctx.queue.aclose()
                await jobs.cancel_all(ctx, "The service stopped before this evaluation finished.")
            else:
                await ctx.queue.aclose()
            await ctx.aclose()

    app = FastAPI(title="decaycheck", lifespan=lifespan, docs_url=None, redoc_url=None)
    for module in (webhook, status, runs):
        app.include_router(module.router)
    return app
