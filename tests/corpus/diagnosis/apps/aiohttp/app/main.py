"""The aiohttp application."""

import logging

from aiohttp import web

from app.db import init_db
from app.errors import ApiError
from app.routes import routes


@web.middleware
async def errors(request, handler):
    try:
        return await handler(request)
    except ApiError as error:
        return web.json_response(error.body(), status=error.status)


async def on_startup(app):
    await init_db()


def create_app():
    app = web.Application(middlewares=[errors])
    app.add_routes(routes)
    app.router.add_get("/api/health-check", lambda request: web.json_response({"status": "ok"}))
    app.on_startup.append(on_startup)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(create_app(), port=8080)
