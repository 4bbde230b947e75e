"""Engine, sessions and schema: the one place that knows how to reach the database."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, Table, create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import database_url
from app.models import Base


class ConflictError(Exception):
    """A write broke a unique constraint (for example two registrations racing)."""


def normalise_url(url: str) -> str:
    """Point `postgres://` and `postgresql://` URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The process-wide engine, created on first use."""
    url = normalise_url(database_url())
    if url.startswith("sqlite"):
        # Threads share the pool; wait for locks instead of failing at once.
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=1)
def _session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=engine(), expire_on_commit=False)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    session = _session_factory()()
    try:
        yield session
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(str(error.orig)) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_ignoring_duplicates(session: Session, table: Table, rows: list[dict[str, object]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: concurrent requests may add the same row."""
    if not rows:
        return
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    session.execute(dialect.insert(table).values(rows).on_conflict_do_nothing())


def create_schema(wait_seconds: float = 30.0) -> None:
    """Create all tables, waiting for a database that is still starting up."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            Base.metadata.create_all(engine())
            return
        except OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
