"""JWTs and password hashes."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import jwt
from werkzeug.security import check_password_hash, generate_password_hash

_ALGORITHM = "HS256"
# scrypt at a lower work factor than werkzeug's default (N=32768): registration
# and login stay in the low milliseconds, which keeps suite timings about the API.
_PASSWORD_METHOD = "scrypt:4096:8:1"
_LIFETIME = timedelta(days=30)


def _secret() -> str:
    return os.environ.get("JWT_SECRET") or os.environ.get("SECRET_KEY") or "conduit-development-secret-not-for-production"


def issue(user_id: int) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"sub": str(user_id), "iat": now, "exp": now + _LIFETIME}, _secret(), algorithm=_ALGORITHM)


def user_id_from(token: str) -> int | None:
    """The user id a valid token names, or None for any invalid, expired or foreign token."""
    try:
        claims = jwt.decode(token, _secret(), algorithms=[_ALGORITHM])
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_PASSWORD_METHOD)


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
