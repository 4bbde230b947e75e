"""Readiness probe."""
from aiohttp import web

from app.routes.http import add, ok


async def health_check(request: web.Request) -> web.Response:
    return ok({"status": "ok"})


def register(router: web.UrlDispatcher) -> None:
    add(router, "GET", "/api/health-check", health_check)
