"""aiohttp application: routes, middleware, schema on startup."""
from __future__ import annotations

import logging

from aiohttp import web

from app.config import port
from app.routes import setup_routes
from app.routes.http import blocking, error_envelope, server_timing
from app.services.setup import initialise


async def _create_schema(app: web.Application) -> None:
    await blocking(initialise)


def create_app() -> web.Application:
    # server_timing wraps error_envelope so error responses are timed too.
    app = web.Application(middlewares=[server_timing, error_envelope])
    setup_routes(app)
    app.on_startup.append(_create_schema)
    return app


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    web.run_app(create_app(), host="0.0.0.0", port=port(), access_log=None)


if __name__ == "__main__":
    main()
