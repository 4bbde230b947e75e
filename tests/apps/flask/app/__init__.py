"""Conduit API in Flask: composition root wiring routes to services.

Layers (dependencies point down only): routes -> services -> repositories -> models.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g

from app import routes
from app.services import lifecycle


def create_app(database_url: str | None = None) -> Flask:
    lifecycle.start(database_url)
    app = Flask(__name__)
    # Trap: with the default strict_slashes, "/api/articles/" is a 404 here and a
    # rule declared with a trailing slash answers the bare path with a 308
    # redirect. Tolerate both spellings without redirecting.
    app.url_map.strict_slashes = False
    routes.register(app, os.environ.get("API_PREFIX", "/api"))

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _server_timing(response: Response) -> Response:
        started = g.get("started")
        if started is not None:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    @app.teardown_appcontext
    def _end_request(_error: BaseException | None) -> None:
        lifecycle.end_request()

    return app
