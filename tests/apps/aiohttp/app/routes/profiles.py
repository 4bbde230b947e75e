"""Profiles and following."""
from __future__ import annotations

from aiohttp import web

from app.routes.http import add, authorization, blocking, ok
from app.services import auth, profiles


async def get_profile(request: web.Request) -> web.Response:
    viewer = await blocking(auth.optional_viewer, authorization(request))
    return ok(await blocking(profiles.get, viewer, request.match_info["username"]))


# Follow/unfollow never read the body: clients POST them empty.
async def follow(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(profiles.follow, viewer, request.match_info["username"]))


async def unfollow(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(profiles.unfollow, viewer, request.match_info["username"]))


def register(router: web.UrlDispatcher) -> None:
    add(router, "GET", "/api/profiles/{username}", get_profile)
    add(router, "POST", "/api/profiles/{username}/follow", follow)
    add(router, "DELETE", "/api/profiles/{username}/follow", unfollow)
