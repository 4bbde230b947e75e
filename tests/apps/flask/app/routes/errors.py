"""Every error as the Conduit JSON envelope `{"errors": {"body": [...]}}`, never an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from app.services.errors import Forbidden, NotFound, ServiceError, Unauthenticated, ValidationFailed

STATUS = {ValidationFailed: 422, Unauthenticated: 401, Forbidden: 403, NotFound: 404}
log = logging.getLogger("conduit")


def envelope(status: int, *messages: str) -> tuple[Response, int]:
    return jsonify({"errors": {"body": list(messages)}}), status


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[Response, int]:
        return envelope(STATUS.get(type(error), 422), *error.messages)

    # Without this, Flask answers 404/405 (and 400 from a bad JSON body) with an HTML page.
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return envelope(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")
        return envelope(500, "internal server error")
