"""GitHub's secondary rate limits, honoured before GitHub has to say so.

GitHub allows at most 80 content-creating requests (POST, PATCH, PUT,
DELETE) per minute per installation, and answers 403/429 with `retry-after`
beyond that. `WriteBudget` keeps one token bucket per installation whose
burst plus a minute's refill is that limit, so no 60-second window ever holds
more than `per_minute` writes; an installation GitHub asked to wait is held
until `retry-after` has passed. Time comes from a `Clock`, so tests drive it
with a fake one instead of sleeping.

The budget lives in one process: several worker processes each keep their
own (the Redis write lock still serializes them per installation).
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

_EPSILON = 1e-6


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Seconds since the epoch (what `x-ratelimit-reset` is measured in)."""

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; `take` waits for one."""

    def __init__(self, burst: int, rate: float, clock: Clock) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.tokens = float(burst)
        self.updated = clock.monotonic()
        self.held_until = 0.0
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self.clock.monotonic()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def hold(self, seconds: float) -> None:
        """Take no token for `seconds` (GitHub's retry-after), and start again from an empty bucket."""
        self.held_until = max(self.held_until, self.clock.monotonic() + seconds)
        self.tokens = 0.0
        self.updated = self.held_until

    async def take(self) -> float:
        """Wait for a token; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                now = self.clock.monotonic()
                if now < self.held_until:
                    pause = self.held_until - now
                else:
                    self._refill()
                    if self.tokens >= 1.0 - _EPSILON:  # a refill to exactly one token may round just below it
                        self.tokens = max(0.0, self.tokens - 1.0)
                        return waited
                    pause = max((1.0 - self.tokens) / self.rate, _EPSILON)
                await self.clock.sleep(pause)
                waited += pause


class WriteBudget:
    """One bucket per installation: at most `per_minute` content-creating requests in any 60 seconds."""

    def __init__(self, clock: Clock, per_minute: int = 80, burst: int = 10) -> None:
        if not 0 < burst < per_minute:
            raise ValueError("burst must be between 0 and per_minute")
        self.clock = clock
        self.burst = burst
        self.rate = (per_minute - burst) / 60.0
        self._buckets: dict[int, TokenBucket] = {}

    def bucket(self, installation_id: int) -> TokenBucket:
        if installation_id not in self._buckets:
            self._buckets[installation_id] = TokenBucket(self.burst, self.rate, self.clock)
        return self._buckets[installation_id]
