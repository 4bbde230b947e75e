"""The App's shared state: delivery and evaluation claims, run records, PR heads.

Redis holds it when configured (so any number of web processes and workers on
any number of machines agree); otherwise a process-local store does, for the
single-command `decaycheck serve`. Every key lives under the settings' prefix.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

RUN_TTL_S = 30 * 24 * 3600
DELIVERY_TTL_S = 7 * 24 * 3600


class Store(Protocol):
    async def claim(self, key: str, ttl_s: int) -> bool:
        """Set `key` if absent; True for the one caller that set it."""

    async def release(self, key: str) -> None: ...

    async def claimed(self, key: str) -> bool: ...

    async def touch(self, key: str, ttl_s: int) -> None:
        """Set `key` whether or not it exists, expiring in `ttl_s`."""

    async def put_run(self, run_id: str, record: dict[str, Any]) -> None: ...

    async def get_run(self, run_id: str) -> dict[str, Any] | None: ...

    async def put_report(self, run_id: str, report: dict[str, Any]) -> None: ...

    async def get_report(self, run_id: str) -> dict[str, Any] | None: ...

    async def swap_latest(self, pr_key: str, run_id: str) -> str | None:
        """Make `run_id` the PR's current run and return the one it replaces."""

    async def active_runs(self) -> list[str]: ...

    async def set_active(self, run_id: str, active: bool) -> None: ...

    def lock(self, name: str) -> AbstractAsyncContextManager[Any]: ...

    async def aclose(self) -> None: ...


class MemoryStore:
    """Process-local state for the in-process queue."""

    def __init__(self) -> None:
        self._claims: dict[str, float] = {}
        self._runs: dict[str, dict[str, Any]] = {}
        self._reports: dict[str, dict[str, Any]] = {}
        self._latest: dict[str, str] = {}
        self._active: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}

    async def claim(self, key: str, ttl_s: int) -> bool:
        now = time.time()
        if self._claims.get(key, 0) > now:
            return False
        self._claims[key] = now + ttl_s
        return True

    async def release(self, key: str) -> None:
        self._claims.pop(key, None)

    async def claimed(self, key: str) -> bool:
        return self._claims.get(key, 0) > time.time()

    async def touch(self, key: str, ttl_s: int) -> None:
        self._claims[key] = time.time() + ttl_s

    async def put_run(self, run_id: str, record: dict[str, Any]) -> None:
        self._runs[run_id] = json.loads(json.dumps(record))

    async def get_run(self, run_id: str) -> dict[str, Any] | None:
        return json.loads(json.dumps(self._runs[run_id])) if run_id in self._runs else None

    async def put_report(self, run_id: str, report: dict[str, Any]) -> None:
        self._reports[run_id] = report

    async def get_report(self, run_id: str) -> dict[str, Any] | None:
        return self._reports.get(run_id)

    async def swap_latest(self, pr_key: str, run_id: str) -> str | None:
        previous, self._latest[pr_key] = self._latest.get(pr_key), run_id
        return previous

    async def active_runs(self) -> list[str]:
        return sorted(self._active)

    async def set_active(self, run_id: str, active: bool) -> None:
        (self._active.add if active else self._active.discard)(run_id)

    def lock(self, name: str) -> AbstractAsyncContextManager[Any]:
        return self._locks.setdefault(name, asyncio.Lock())

    async def aclose(self) -> None:
        return None


class RedisStore:
    """The same state in Redis (redis.asyncio), shared by every process."""

    def __init__(self, url: str, prefix: str, lock_timeout_s: float = 330.0) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self.lock_timeout_s = lock_timeout_s

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def claim(self, key: str, ttl_s: int) -> bool:
        return bool(await self.redis.set(self._k("claim", key), b"1", nx=True, ex=ttl_s))

    async def release(self, key: str) -> None:
        await self.redis.delete(self._k("claim", key))

    async def claimed(self, key: str) -> bool:
        return bool(await self.redis.exists(self._k("claim", key)))

    async def touch(self, key: str, ttl_s: int) -> None:
        await self.redis.set(self._k("claim", key), b"1", ex=ttl_s)

    async def put_run(self, run_id: str, record: dict[str, Any]) -> None:
        await self.redis.set(self._k("run", run_id), json.dumps(record), ex=RUN_TTL_S)

    async def get_run(self, run_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self._k("run", run_id))
        return json.loads(raw) if raw else None

    async def put_report(self, run_id: str, report: dict[str, Any]) -> None:
        await self.redis.set(self._k("report", run_id), json.dumps(report), ex=RUN_TTL_S)

    async def get_report(self, run_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self._k("report", run_id))
        return json.loads(raw) if raw else None

    async def swap_latest(self, pr_key: str, run_id: str) -> str | None:
        previous = await self.redis.getset(self._k("latest", pr_key), run_id)
        await self.redis.expire(self._k("latest", pr_key), RUN_TTL_S)
        return previous.decode() if previous else None

    async def active_runs(self) -> list[str]:
        return sorted(m.decode() for m in await self.redis.smembers(self._k("active")))

    async def set_active(self, run_id: str, active: bool) -> None:
        if active:
            await self.redis.sadd(self._k("active"), run_id)
        else:
            await self.redis.srem(self._k("active"), run_id)

    def lock(self, name: str) -> AbstractAsyncContextManager[Any]:
        # held across one request's retries; expires should its holder die
        return self.redis.lock(
            self._k("lock", name), timeout=self.lock_timeout_s, blocking_timeout=2 * self.lock_timeout_s
        )

    async def aclose(self) -> None:
        await self.redis.aclose()
