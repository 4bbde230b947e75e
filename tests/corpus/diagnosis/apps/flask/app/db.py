"""The database: one engine, a session per unit of work, the schema created at startup."""

import os
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.models import Base

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://user:password@postgres:5432/conduit")
engine = create_engine(DATABASE_URL, pool_size=5, max_overflow=0, pool_timeout=10)
SessionLocal = sessionmaker(engine, expire_on_commit=False)


@contextmanager
def get_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def init_db():
    Base.metadata.create_all(engine)
