"""What handlers hand their work to: the queue, and the installation log."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.events import EvaluationRequest

log = logging.getLogger("bot.installations")


class Intake:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.queued: list[str] = []

    async def evaluate(self, request: EvaluationRequest) -> None:
        """Queue the request's dispatch job, one per delivery."""
        job_id = f"{self.ctx.settings.redis_prefix}:dispatch:{request.delivery_id}"
        assert self.ctx.queue is not None
        if await self.ctx.queue.enqueue("dispatch", request.model_dump(), job_id):
            self.queued.append(job_id)

    async def installation(self, event: str, action: str | None, data: dict[str, Any]) -> None:
        """Record installation changes (who installed, which repositories) in the log."""
        inst = data.get("installation") or {}
        account = (inst.get("account") or {}).get("login")
        repos = [
            r.get("full_name")
            for key in ("repositories", "repositories_added", "repositories_removed")
            for r in (data.get(key) or [])
            if isinstance(r, dict)
        ]
        log.info("%s.%s installation=%s account=%s repositories=%s", event, action, inst.get("id"), account, repos)
        self.queued.append(f"{event}.{action}")
