"""Queries for tags."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ArticleTag, Tag


class TagRepository:
    """Tag reads within one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def in_use(self) -> list[str]:
        """Every tag that at least one article carries, each once."""
        query = select(Tag.name).where(select(ArticleTag.tag_id).where(ArticleTag.tag_id == Tag.id).exists())
        return list(self.session.scalars(query.order_by(Tag.name)))
