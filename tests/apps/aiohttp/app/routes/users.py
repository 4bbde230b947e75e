"""Registration, login and the current user."""
from __future__ import annotations

from aiohttp import web

from app.routes.http import add, authorization, blocking, json_body, ok
from app.services import auth, users


async def register_user(request: web.Request) -> web.Response:
    return ok(await blocking(users.register, await json_body(request)), status=201)


async def login(request: web.Request) -> web.Response:
    return ok(await blocking(users.login, await json_body(request)))


async def current_user(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(users.current, viewer))


async def update_user(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(users.update, viewer, await json_body(request)))


def register(router: web.UrlDispatcher) -> None:
    add(router, "POST", "/api/users/login", login)
    add(router, "POST", "/api/users", register_user)
    add(router, "GET", "/api/user", current_user)
    add(router, "PUT", "/api/user", update_user)
