"""A clock tests move by hand: `sleep` advances it at once and records how long was asked."""

from __future__ import annotations

import asyncio
import time


class FakeClock:
    def __init__(self, start: float | None = None) -> None:
        self.now = 1000.0
        self.epoch = (start if start is not None else time.time()) - self.now
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.epoch + self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
