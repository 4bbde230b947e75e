"""Glue between aiohttp and the services: threads, JSON bodies, routing, the error envelope."""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from app.services.errors import ConduitError, Forbidden, NotAuthenticated, NotFound, ValidationFailed

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS: dict[type[ConduitError], int] = {
    ValidationFailed: 422,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
}

log = logging.getLogger("conduit")


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous use case (SQLAlchemy session work) off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))


async def json_body(request: web.Request) -> Any:
    """The parsed JSON body; None when empty; 422 when it is not JSON.

    Trap: `await request.json()` raises JSONDecodeError on an empty body, which
    surfaces as a 500 for body-less POSTs unless the body is checked first.
    """
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("request body is not valid JSON") from None


def authorization(request: web.Request) -> str | None:
    return request.headers.get("Authorization")


def ok(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def error_response(status: int, *messages: str) -> web.Response:
    return web.json_response({"errors": {"body": list(messages)}}, status=status)


def add(router: web.UrlDispatcher, method: str, path: str, handler: Handler) -> None:
    """Register `path` and `path/`.

    Trap: aiohttp matches paths exactly, and its normalize_path_middleware fixes
    a trailing slash with a redirect, which clients do not follow for POST bodies.
    Both spellings are routed instead.
    """
    router.add_route(method, path, handler)
    router.add_route(method, path + "/", handler)


@web.middleware
async def server_timing(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Adds `Server-Timing: app;dur=<ms>` so clients can tell server time from network time."""
    started = time.perf_counter()
    response = await handler(request)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@web.middleware
async def error_envelope(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error leaves as `{"errors": {"body": [...]}}`, aiohttp's own 404/405 included."""
    try:
        return await handler(request)
    except ConduitError as error:
        return error_response(_STATUS.get(type(error), 422), *error.messages)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return error_response(error.status, error.reason)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal server error")
