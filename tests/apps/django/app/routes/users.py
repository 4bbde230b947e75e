"""Registration, login and the current user."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from app.routes.http import authorization, endpoint, json_body, json_response
from app.services import auth, users


def _register(request: HttpRequest) -> HttpResponse:
    return json_response(users.register(json_body(request)), status=201)


def _login(request: HttpRequest) -> HttpResponse:
    return json_response(users.login(json_body(request)))


def _current(request: HttpRequest) -> HttpResponse:
    return json_response(users.current(auth.require_viewer(authorization(request))))


def _update(request: HttpRequest) -> HttpResponse:
    viewer = auth.require_viewer(authorization(request))
    return json_response(users.update(viewer, json_body(request)))


register = endpoint(POST=_register)
login = endpoint(POST=_login)
current_user = endpoint(GET=_current, PUT=_update)
