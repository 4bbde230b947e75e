"""GitHub App authentication: the App JWT and cached installation tokens.

The JWT (RS256, issued 60 s in the past for clock drift, expiring within
10 minutes) only serves to mint installation tokens; each token is reused
until shortly before GitHub's expiry so a busy installation costs one token
request an hour, not one per call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from gidgethub.apps import get_jwt

JWT_LIFETIME_S = 9 * 60  # gidgethub backdates iat by 60 s; exp = iat + this stays within 10 minutes


def app_jwt(app_id: str, private_key_pem: str) -> str:
    return get_jwt(app_id=app_id, private_key=private_key_pem, expiration=JWT_LIFETIME_S)


@dataclass(frozen=True)
class InstallationToken:
    token: str
    expires_at: float  # epoch seconds


def parse_expiry(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


TokenMinter = Callable[[int], Awaitable[InstallationToken]]


class TokenCache:
    """Installation tokens keyed by installation id, renewed `margin_s` before expiry."""

    def __init__(self, mint: TokenMinter, margin_s: int = 300) -> None:
        self._mint = mint
        self._margin_s = margin_s
        self._tokens: dict[int, InstallationToken] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def get(self, installation_id: int) -> str:
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is None or cached.expires_at - self._margin_s <= time.time():
                cached = await self._mint(installation_id)
                self._tokens[installation_id] = cached
            return cached.token

    def forget(self, installation_id: int) -> None:
        """Drop a token GitHub refused (revoked, installation suspended)."""
        self._tokens.pop(installation_id, None)
