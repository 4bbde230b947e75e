"""The database: one async engine, a session per unit of work, the schema created at startup."""

import os
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.models import Base

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+asyncpg://user:password@postgres:5432/conduit")  #@db_url
engine = create_async_engine(DATABASE_URL, pool_size=5, max_overflow=0, pool_timeout=10)  #@engine
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)  #@sessionmaker


@asynccontextmanager
async def get_session():
    session = SessionLocal()  #@session_open
    try:
        yield session
    finally:
        await session.close()  #@session_close


async def init_db():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)  #@create_all
