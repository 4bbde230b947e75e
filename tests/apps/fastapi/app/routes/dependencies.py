"""Authentication dependencies: required and optional callers."""
from __future__ import annotations

from fastapi import Header

from app.services import auth
from app.services.security import Viewer


def current_viewer(authorization: str | None = Header(default=None)) -> Viewer:
    """The caller, or 401 through the NotAuthenticated handler."""
    return auth.require_viewer(authorization)


def optional_viewer(authorization: str | None = Header(default=None)) -> Viewer | None:
    """The caller when a valid token came with the request, else None."""
    return auth.optional_viewer(authorization)
