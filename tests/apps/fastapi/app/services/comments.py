"""Use cases: comments on articles."""
from __future__ import annotations

from typing import Any

from app.models import Article, Comment
from app.models.base import utc_now
from app.repositories import ArticleRepository, CommentRepository, UserRepository, unit_of_work
from app.services import presenters
from app.services.errors import Forbidden, NotFound
from app.services.security import Viewer
from app.services.validation import required_texts, section


def list_comments(viewer: Viewer | None, slug: str) -> dict[str, Any]:
    with unit_of_work() as session:
        article = _article(ArticleRepository(session), slug)
        comments = CommentRepository(session).for_article(article.id)
        followed = _followed(UserRepository(session), viewer, {c.author_id for c in comments})
        return {"comments": [presenters.comment(c, followed) for c in comments]}


def add(viewer: Viewer, slug: str, payload: Any) -> dict[str, Any]:
    with unit_of_work() as session:
        article = _article(ArticleRepository(session), slug)
        data = required_texts(section(payload, "comment"), "body")
        now = utc_now()
        comment = CommentRepository(session).add(
            Comment(body=data["body"], article_id=article.id, author_id=viewer.user_id, created_at=now, updated_at=now)
        )
        followed = _followed(UserRepository(session), viewer, {comment.author_id})
        return {"comment": presenters.comment(comment, followed)}


def delete(viewer: Viewer, slug: str, comment_id: str) -> None:
    with unit_of_work() as session:
        article = _article(ArticleRepository(session), slug)
        comments = CommentRepository(session)
        comment = comments.get(int(comment_id)) if comment_id.isdigit() else None
        if comment is None or comment.article_id != article.id:
            raise NotFound("comment not found")
        if comment.author_id != viewer.user_id:
            raise Forbidden("only the author may delete this comment")
        comments.delete(comment)


def _article(articles: ArticleRepository, slug: str) -> Article:
    article = articles.by_slug(slug)
    if article is None:
        raise NotFound("article not found")
    return article


def _followed(users: UserRepository, viewer: Viewer | None, author_ids: set[int]) -> set[int]:
    return users.followed_among(viewer.user_id, author_ids) if viewer else set()
