"""Settings read from the environment, with the study's evaluation defaults."""
from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "postgresql://user:password@postgres:5432/conduit"
DEVELOPMENT_SECRET = "conduit-development-secret-change-me-in-production"


def database_url() -> str:
    """The database the app talks to; SQLite when given `sqlite:///PATH`."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def jwt_secret() -> str:
    """Signing key for tokens; a fixed development default keeps local runs simple."""
    return os.environ.get("JWT_SECRET") or os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET


def port() -> int:
    """Port to listen on (the study's Python default is 8080)."""
    return int(os.environ.get("PORT") or 8080)
