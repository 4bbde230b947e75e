"""Queries and writes for comments."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Comment


class CommentRepository:
    """Comment storage within one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, comment: Comment) -> Comment:
        self.session.add(comment)
        self.session.flush()
        return comment

    def get(self, comment_id: int) -> Comment | None:
        return self.session.get(Comment, comment_id)

    def for_article(self, article_id: int) -> Sequence[Comment]:
        query = select(Comment).where(Comment.article_id == article_id).order_by(Comment.created_at, Comment.id)
        return self.session.scalars(query).all()

    def delete(self, comment: Comment) -> None:
        self.session.delete(comment)
        self.session.flush()
