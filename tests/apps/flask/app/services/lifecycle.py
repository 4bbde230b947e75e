"""Start-up and per-request housekeeping the composition root triggers."""

import os

from app.repositories import database


def start(database_url: str | None = None) -> None:
    """Connect to DATABASE_URL (or the study's default) and create the schema."""
    database.init_database(database_url or os.environ.get("DATABASE_URL") or database.DEFAULT_URL)


def end_request() -> None:
    database.end_session()
