"""Entities of the Conduit domain, mapped with SQLAlchemy 2.0 declarative models.

The bottom layer: nothing here imports from repositories, services or routes.
"""

from app.models.base import Base
from app.models.entities import Article, ArticleTag, Comment, Tag, User, favorites, follows

__all__ = ["Article", "ArticleTag", "Base", "Comment", "Tag", "User", "favorites", "follows"]
