"""`Authorization: Token <jwt>` on the way in; the caller's id in flask.g."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from app.services import users
from app.services.errors import Unauthenticated

SCHEME = "Token"


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    parts = header.split()
    if len(parts) == 2 and parts[0] == SCHEME:
        return parts[1]
    return None


def required(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 unless a valid token is presented."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _presented_token()
        if token is None:
            raise Unauthenticated("missing authorization token")
        g.user_id = users.authenticate(token)
        g.token = token
        return view(*args, **kwargs)

    return wrapper


def optional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Use a valid token when present; an absent or invalid one means an anonymous caller."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.user_id = None
        token = _presented_token()
        if token is not None:
            try:
                g.user_id = users.authenticate(token)
            except Unauthenticated:
                g.user_id = None
        return view(*args, **kwargs)

    return wrapper
