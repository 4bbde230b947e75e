"""Everything a handler or a job needs, built once per process from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.github import GitHubClient
from bot.settings import Settings
from bot.store import MemoryStore, RedisStore, Store


class JobQueue(Protocol):
    async def enqueue(self, function: str, argument: Any, job_id: str) -> bool:
        """Queue `function(argument)` unless a job with `job_id` exists; True when queued."""


@dataclass
class AppContext:
    settings: Settings
    store: Store
    github: GitHubClient
    queue: JobQueue | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        lock_s = settings.http_max_wait_s * (settings.http_retries + 1) + 30
        store: Store = (
            RedisStore(settings.redis_url, settings.redis_prefix, lock_timeout_s=lock_s)
            if settings.redis_url
            else MemoryStore()
        )
        return cls(settings=settings, store=store, github=GitHubClient(settings, locks=store.lock))

    def details_url(self, run_id: str) -> str:
        return f"{self.settings.public_url}/runs/{run_id}"

    async def aclose(self) -> None:
        await self.github.aclose()
        await self.store.aclose()
