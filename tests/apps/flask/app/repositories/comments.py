"""Comments on articles."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Comment
from app.repositories.database import session


def for_article(article_id: int) -> list[Comment]:
    query = select(Comment).where(Comment.article_id == article_id).order_by(Comment.created_at, Comment.id)
    return list(session().scalars(query).unique())


def get(article_id: int, comment_id: int) -> Comment | None:
    query = select(Comment).where(Comment.id == comment_id, Comment.article_id == article_id)
    return session().scalars(query).first()


def add(comment: Comment) -> Comment:
    db = session()
    db.add(comment)
    db.commit()
    return comment


def remove(comment: Comment) -> None:
    db = session()
    db.delete(comment)
    db.commit()
