"""ASGI middleware: server timing and trailing-slash tolerance."""
from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ServerTiming:
    """Adds `Server-Timing: app;dur=<ms>` so clients can tell server time from network time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed_ms = (time.perf_counter() - started) * 1000
                headers: list[Any] = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={elapsed_ms:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


class StripTrailingSlash:
    """Serves `/api/x/` as `/api/x`.

    Trap: Starlette answers a trailing-slash mismatch with a 307 redirect
    (`redirect_slashes`), which API clients do not follow for POST/PUT bodies.
    The router's redirects are switched off and the path is normalised here instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(scope["path"]) > 1 and scope["path"].endswith("/"):
            path = scope["path"].rstrip("/") or "/"
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)
