"""SQLAlchemy entities: the bottom layer, importing nothing else of the app."""
from app.models.article import Article, ArticleTag, Tag, favorites
from app.models.base import Base
from app.models.comment import Comment
from app.models.user import User, follows

__all__ = ["Article", "ArticleTag", "Base", "Comment", "Tag", "User", "favorites", "follows"]
