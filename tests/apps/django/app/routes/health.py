"""Readiness probe."""
from django.http import HttpRequest, HttpResponse

from app.routes.http import endpoint, json_response


def _health(request: HttpRequest) -> HttpResponse:
    return json_response({"status": "ok"})


health_check = endpoint(GET=_health)
