"""HTTP layer: aiohttp handlers that parse requests and call the services."""
from __future__ import annotations

from aiohttp import web

from app.routes import articles, comments, health, profiles, tags, users


def setup_routes(app: web.Application) -> None:
    # Order matters: /articles/feed before /articles/{slug}.
    for module in (health, users, profiles, articles, comments, tags):
        module.register(app.router)
