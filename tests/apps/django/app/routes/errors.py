"""JSON replacements for Django's HTML 404 and 500 pages."""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from app.routes.http import error_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not found")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "internal server error")
