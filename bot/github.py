"""The GitHub REST client the App uses: retries, rate limits, serialized writes.

Every call sends the API version header. Server errors and dropped
connections are retried with exponential backoff; 403/429 rate-limit answers
wait for `retry-after` or `x-ratelimit-reset` (bounded by `max_wait_s`) and
retry. Writes to one installation go one at a time (GitHub's guidance against
secondary rate limits) through a lock the caller supplies, so several worker
processes can share one through Redis, and take a token from the
installation's write budget first (`bot.ratelimit`: at most 80 per minute);
a rate-limit answer holds the installation's budget for as long as GitHub
asked. Every wait goes through the client's `Clock`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx

from bot.auth import InstallationToken, TokenCache, app_jwt, parse_expiry
from bot.metrics import GITHUB_REQUESTS
from bot.ratelimit import Clock, SystemClock, WriteBudget
from bot.settings import Settings

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}

LockFactory = Callable[[str], AbstractAsyncContextManager[Any]]


class GitHubError(Exception):
    def __init__(self, status: int, method: str, url: str, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:500]}")
        self.status = status
        self.body = body


def _local_locks() -> LockFactory:
    locks: dict[str, asyncio.Lock] = {}

    def factory(name: str) -> AbstractAsyncContextManager[Any]:
        return locks.setdefault(name, asyncio.Lock())

    return factory


def rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds GitHub asks us to wait, or None when the answer is not a rate limit."""
    if response.status_code not in (403, 429):
        return None
    retry_after = response.headers.get("retry-after")
    if retry_after is not None:
        with contextlib.suppress(ValueError):
            return max(0.0, float(retry_after))
    if response.headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in response.headers:
        with contextlib.suppress(ValueError):
            return max(0.0, float(response.headers["x-ratelimit-reset"]) - now)
    if response.status_code == 429:
        return 60.0
    if "secondary rate limit" in response.text.lower():
        return 60.0
    return None


class GitHubClient:
    """One per process; holds the HTTP connection pool and the token cache."""

    def __init__(
        self,
        settings: Settings,
        locks: LockFactory | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.budget = WriteBudget(self.clock, settings.writes_per_minute, settings.write_burst)
        self._http = httpx.AsyncClient(
            base_url=settings.github_api_url,
            timeout=30.0,
            transport=transport,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"decaycheck-app/{settings.app_id or 'dev'}",
            },
        )
        self._locks = locks or _local_locks()
        self.tokens = TokenCache(self._mint_token, margin_s=settings.token_refresh_margin_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport ---------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        *,
        auth: str,
        json: Any = None,
        params: dict[str, str] | None = None,
        installation_id: int | None = None,
    ) -> httpx.Response:
        """Send with retries; raise GitHubError on a final non-2xx answer.

        With `installation_id`, a write first takes a token from the installation's budget.
        """
        s = self.settings
        attempt = 0
        bucket = self.budget.bucket(installation_id) if installation_id is not None else None
        while True:
            if bucket is not None and method.upper() in WRITE_METHODS:
                await bucket.take()
            try:
                response = await self._http.request(
                    method, url, json=json, params=params, headers={"Authorization": auth}
                )
            except httpx.TransportError as exc:
                if attempt >= s.http_retries:
                    raise
                log.warning("github %s %s: %s (retrying)", method, url, exc)
                await self.clock.sleep(s.http_backoff_s * 2**attempt)
                attempt += 1
                continue
            GITHUB_REQUESTS.labels(method=method, status=str(response.status_code)).inc()
            if response.is_success:
                return response
            wait = rate_limit_wait(response, self.clock.time())
            if wait is not None and attempt < s.http_retries:
                wait = min(wait, s.http_max_wait_s)
                log.warning("github rate limit on %s %s; waiting %.1fs", method, url, wait)
                if bucket is not None:
                    bucket.hold(wait)  # every request of the installation waits, not only this one
                await self.clock.sleep(wait)
            elif response.status_code >= 500 and attempt < s.http_retries:
                await self.clock.sleep(s.http_backoff_s * 2**attempt)
            else:
                raise GitHubError(response.status_code, method, url, response.text)
            attempt += 1

    async def _mint_token(self, installation_id: int) -> InstallationToken:
        jwt = app_jwt(self.settings.app_id, self.settings.private_key_pem)
        r = await self.request("POST", f"/app/installations/{installation_id}/access_tokens", auth=f"Bearer {jwt}")
        data = r.json()
        return InstallationToken(token=data["token"], expires_at=parse_expiry(data["expires_at"]))

    async def installation_token(self, installation_id: int) -> str:
        return await self.tokens.get(installation_id)

    async def call(self, installation_id: int, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A call as the installation; writes hold the installation's lock.

        A 401 means the cached token was revoked: it is dropped and the call
        made once more with a fresh one.
        """
        for attempt in (1, 2):
            token = await self.installation_token(installation_id)
            try:
                auth = f"token {token}"
                if method.upper() in WRITE_METHODS:
                    async with self._locks(f"installation:{installation_id}"):
                        return await self.request(method, url, auth=auth, installation_id=installation_id, **kwargs)
                return await self.request(method, url, auth=auth, installation_id=installation_id, **kwargs)
            except GitHubError as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                self.tokens.forget(installation_id)
        raise AssertionError("unreachable")

    # -- the endpoints the App uses ----------------------------------------------------------

    async def file(self, installation_id: int, repo: str, path: str, ref: str | None = None) -> tuple[str, str] | None:
        """(blob sha, text) of `path` at `ref` (the default branch when None), or None when there is no such file."""
        params = {"ref": ref} if ref else None
        try:
            r = await self.call(installation_id, "GET", f"/repos/{repo}/contents/{path}", params=params)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        data = r.json()
        if not isinstance(data, dict) or not isinstance(data.get("sha"), str):
            return None
        raw = data.get("content") if data.get("encoding") == "base64" else None
        text = base64.b64decode(raw).decode("utf-8", "replace") if isinstance(raw, str) else ""
        return data["sha"], text

    async def changed_files(self, installation_id: int, repo: str, base: str, head: str) -> list[str]:
        """Paths the commits from `base` to `head` touch (GitHub's compare: at most 300 files)."""
        r = await self.call(installation_id, "GET", f"/repos/{repo}/compare/{base}...{head}")
        files = r.json().get("files") or []
        return [f["filename"] for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str)]

    async def create_check_run(self, installation_id: int, repo: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.call(installation_id, "POST", f"/repos/{repo}/check-runs", json=body)
        return r.json()

    async def update_check_run(
        self, installation_id: int, repo: str, check_run_id: int, body: dict[str, Any]
    ) -> dict[str, Any]:
        r = await self.call(installation_id, "PATCH", f"/repos/{repo}/check-runs/{check_run_id}", json=body)
        return r.json()
