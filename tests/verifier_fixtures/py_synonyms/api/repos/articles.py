"""Article persistence."""
import os

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.entities.article import Article

URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://user:password@postgres:5432/conduit")
engine = create_engine(URL)


def all_articles():
    with Session(engine) as session:
        return list(session.scalars(select(Article)))
