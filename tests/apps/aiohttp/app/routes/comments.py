"""Comments on an article."""
from __future__ import annotations

from aiohttp import web

from app.routes.http import add, authorization, blocking, json_body, ok
from app.services import auth, comments


async def list_comments(request: web.Request) -> web.Response:
    viewer = await blocking(auth.optional_viewer, authorization(request))
    return ok(await blocking(comments.list_comments, viewer, request.match_info["slug"]))


async def add_comment(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    payload = await json_body(request)
    return ok(await blocking(comments.add, viewer, request.match_info["slug"], payload))


async def delete_comment(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    await blocking(comments.delete, viewer, request.match_info["slug"], request.match_info["comment_id"])
    return ok({})


def register(router: web.UrlDispatcher) -> None:
    add(router, "GET", "/api/articles/{slug}/comments", list_comments)
    add(router, "POST", "/api/articles/{slug}/comments", add_comment)
    add(router, "DELETE", "/api/articles/{slug}/comments/{comment_id}", delete_comment)
