"""Password hashing (standard library PBKDF2) and JWT tokens (PyJWT)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import timedelta

import jwt

from app.config import jwt_secret
from app.models.base import utc_now
from app.services.errors import NotAuthenticated

_ITERATIONS = 60_000
_ALGORITHM = "HS256"
_TOKEN_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller: their id and the token they presented."""

    user_id: int
    token: str


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return "pbkdf2_sha256${}${}${}".format(
        _ITERATIONS, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def issue_token(user_id: int) -> str:
    now = utc_now()
    claims = {"sub": str(user_id), "iat": now, "exp": now + _TOKEN_LIFETIME}
    return jwt.encode(claims, jwt_secret(), algorithm=_ALGORITHM)


def user_id_from_token(token: str) -> int:
    """The user id a valid token was issued for; NotAuthenticated otherwise."""
    try:
        claims = jwt.decode(token, jwt_secret(), algorithms=[_ALGORITHM])
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        raise NotAuthenticated("token is invalid") from error


def token_from_header(authorization: str | None) -> str | None:
    """The JWT in an `Authorization: Token <jwt>` header, or None when absent or malformed."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme != "Token" or not token:
        return None
    return token
