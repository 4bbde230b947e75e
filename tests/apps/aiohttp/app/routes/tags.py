"""Tags in use."""
from __future__ import annotations

from aiohttp import web

from app.routes.http import add, blocking, ok
from app.services import tags


async def list_tags(request: web.Request) -> web.Response:
    return ok(await blocking(tags.list_tags))


def register(router: web.UrlDispatcher) -> None:
    add(router, "GET", "/api/tags", list_tags)
