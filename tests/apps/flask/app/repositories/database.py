"""Engine and per-thread session, configured once from DATABASE_URL."""

from __future__ import annotations

import time

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.models import Base

DEFAULT_URL = "postgresql://user:password@postgres:5432/conduit"

_session_factory: scoped_session[Session] = scoped_session(sessionmaker(expire_on_commit=False))


def normalize_url(url: str) -> str:
    """Select the installed psycopg 3 driver for plain postgres URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        # Waitress serves from a thread pool: pooled SQLite connections move between threads.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # Enforce the declared foreign keys; WAL lets readers and one writer
            # overlap and commits cost one fsync instead of several.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10)


def init_database(url: str, wait_s: float = 30.0) -> None:
    """Bind the session to `url` and create the schema, waiting for the server to accept connections."""
    engine = make_engine(url)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            Base.metadata.create_all(engine)
            break
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    _session_factory.configure(bind=engine)


def session() -> Session:
    """The current thread's session."""
    return _session_factory()


def end_session() -> None:
    """Discard the current thread's session (called after every request)."""
    _session_factory.remove()
