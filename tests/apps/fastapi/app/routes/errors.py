"""Every error leaves as the Conduit envelope `{"errors": {"body": [...]}}`."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.services.errors import ConduitError, Forbidden, NotAuthenticated, NotFound, ValidationFailed

_STATUS: dict[type[ConduitError], int] = {
    ValidationFailed: 422,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
}

log = logging.getLogger("conduit")


def envelope(status: int, *messages: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"errors": {"body": list(messages)}})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ConduitError)
    def conduit_error(request: Request, error: ConduitError) -> JSONResponse:
        return envelope(_STATUS.get(type(error), 422), *error.messages)

    # Trap: FastAPI's own 422 is {"detail": [{"loc": ..., "msg": ...}]}, not the
    # Conduit envelope; clients reading errors.body see nothing unless it is rewritten.
    @app.exception_handler(RequestValidationError)
    def request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        messages = [f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()]
        return envelope(422, *(messages or ["request is invalid"]))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return envelope(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return envelope(500, "internal server error")
