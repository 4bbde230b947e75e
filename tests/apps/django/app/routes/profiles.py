"""Profiles and following."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from app.routes.http import authorization, endpoint, json_response
from app.services import auth, profiles


def _get(request: HttpRequest, username: str) -> HttpResponse:
    return json_response(profiles.get(auth.optional_viewer(authorization(request)), username))


def _follow(request: HttpRequest, username: str) -> HttpResponse:
    return json_response(profiles.follow(auth.require_viewer(authorization(request)), username))


def _unfollow(request: HttpRequest, username: str) -> HttpResponse:
    return json_response(profiles.unfollow(auth.require_viewer(authorization(request)), username))


profile = endpoint(GET=_get)
follow = endpoint(POST=_follow, DELETE=_unfollow)
