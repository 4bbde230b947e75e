"""Comments on an article."""

from __future__ import annotations

from typing import Any

from app.models import Article, Comment
from app.repositories import articles as article_repo
from app.repositories import comments as comment_repo
from app.repositories import users as user_repo
from app.services import views
from app.services.articles import now
from app.services.errors import Forbidden, NotFound
from app.services.inputs import required_text, section


def list_for(slug: str, viewer_id: int | None) -> list[dict]:
    comments = comment_repo.for_article(_article(slug).id)
    following: set[int] = set()
    if viewer_id is not None:
        following = user_repo.followed_ids(viewer_id, {c.author_id for c in comments})
    return [views.comment(c, c.author_id in following) for c in comments]


def add(slug: str, payload: Any, author_id: int) -> dict:
    body = required_text(section(payload, "comment"), "body")["body"]
    article = _article(slug)
    moment = now()
    comment = comment_repo.add(Comment(body=body, article_id=article.id, author_id=author_id,
                                       created_at=moment, updated_at=moment))
    following = user_repo.is_following(author_id, author_id)
    return views.comment(comment, following)


def delete(slug: str, comment_id: int, user_id: int) -> None:
    comment = comment_repo.get(_article(slug).id, comment_id)
    if comment is None:
        raise NotFound("comment not found")
    if comment.author_id != user_id:
        raise Forbidden("only the author may delete this comment")
    comment_repo.remove(comment)


def _article(slug: str) -> Article:
    article = article_repo.get_by_slug(slug)
    if article is None:
        raise NotFound("article not found")
    return article
