"""Tags in use."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from app.routes.http import endpoint, json_response
from app.services import tags


def _list(request: HttpRequest) -> HttpResponse:
    return json_response(tags.list_tags())


collection = endpoint(GET=_list)
