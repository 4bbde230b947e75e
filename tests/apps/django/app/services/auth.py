"""Who is calling: required and optional authentication from the Authorization header."""
from __future__ import annotations

from app.repositories import UserRepository, unit_of_work
from app.services.errors import NotAuthenticated
from app.services.security import Viewer, token_from_header, user_id_from_token


def require_viewer(authorization: str | None) -> Viewer:
    """The caller, or NotAuthenticated (401) for a missing, malformed or invalid token."""
    token = token_from_header(authorization)
    if token is None:
        raise NotAuthenticated("missing or malformed authorization header")
    user_id = user_id_from_token(token)
    with unit_of_work() as session:
        if UserRepository(session).get(user_id) is None:
            raise NotAuthenticated("token is invalid")
    return Viewer(user_id=user_id, token=token)


def optional_viewer(authorization: str | None) -> Viewer | None:
    """The caller when a valid token is sent; anonymous otherwise (optional-auth endpoints)."""
    try:
        return require_viewer(authorization)
    except NotAuthenticated:
        return None
