"""Comments on an article."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from app.routes.http import authorization, endpoint, json_body, json_response
from app.services import auth, comments


def _list(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(comments.list_comments(auth.optional_viewer(authorization(request)), slug))


def _add(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = auth.require_viewer(authorization(request))
    return json_response(comments.add(viewer, slug, json_body(request)))


def _delete(request: HttpRequest, slug: str, comment_id: str) -> HttpResponse:
    comments.delete(auth.require_viewer(authorization(request)), slug, comment_id)
    return json_response({})


collection = endpoint(GET=_list, POST=_add)
comment = endpoint(DELETE=_delete)
