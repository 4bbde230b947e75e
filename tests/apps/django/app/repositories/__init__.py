"""Data access with SQLAlchemy: the only layer that builds queries."""
from app.repositories.articles import ArticleRepository
from app.repositories.comments import CommentRepository
from app.repositories.database import ConflictError, create_schema, unit_of_work
from app.repositories.tags import TagRepository
from app.repositories.users import UserRepository

__all__ = [
    "ArticleRepository",
    "CommentRepository",
    "ConflictError",
    "TagRepository",
    "UserRepository",
    "create_schema",
    "unit_of_work",
]
