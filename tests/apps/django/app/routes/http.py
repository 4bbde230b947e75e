"""Glue between Django and the services: method dispatch, JSON bodies, the error envelope."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from app.services.errors import ConduitError, Forbidden, NotAuthenticated, NotFound, ValidationFailed

View = Callable[..., HttpResponse]

_STATUS: dict[type[ConduitError], int] = {
    ValidationFailed: 422,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
}

log = logging.getLogger("conduit")


def json_response(payload: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status)


def error_response(status: int, *messages: str) -> JsonResponse:
    return JsonResponse({"errors": {"body": list(messages)}}, status=status)


def json_body(request: HttpRequest) -> Any:
    """The parsed JSON body; None when empty; 422 when it is not JSON."""
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("request body is not valid JSON") from None


def authorization(request: HttpRequest) -> str | None:
    return request.headers.get("Authorization")


def endpoint(**handlers: View) -> View:
    """One URL, one handler per HTTP method; errors become the Conduit envelope.

    Trap: Django's CSRF protection rejects API POSTs that carry no CSRF cookie
    with an HTML 403. The views are csrf_exempt (and CsrfViewMiddleware is not
    installed): authentication is the token header, not a cookie.
    """

    @csrf_exempt
    def dispatch(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            return error_response(405, f"method {request.method} not allowed")
        try:
            return handler(request, **kwargs)
        except ConduitError as error:
            return error_response(_STATUS.get(type(error), 422), *error.messages)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(500, "internal server error")

    return dispatch
