import os

from dependency_injector import containers, providers
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.repositories.articles import ArticleRepository
from app.services.articles import ArticleService


class Container(containers.DeclarativeContainer):
    engine = providers.Singleton(create_engine, os.environ.get("DATABASE_URL", "postgresql://user:password@postgres/conduit"))
    session = providers.Factory(Session, bind=engine)
    article_repository = providers.Factory(ArticleRepository, session=session)
    article_service = providers.Factory(ArticleService, repository=article_repository)
