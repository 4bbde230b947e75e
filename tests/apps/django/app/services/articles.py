"""Use cases: articles, the feed and favorites."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from app.models import Article
from app.models.base import utc_now
from app.repositories import ArticleRepository, ConflictError, UserRepository, unit_of_work
from app.repositories.articles import ArticlePage
from app.services import presenters
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.security import Viewer
from app.services.validation import optional_text, paging, required_texts, section, tag_list

_SLUG_RETRIES = 5


def slugify(title: str) -> str:
    """Lowercase words of the title joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "article"


def list_articles(
    viewer: Viewer | None,
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
) -> dict[str, Any]:
    size, start = paging(limit, offset)
    with unit_of_work() as session:
        page = ArticleRepository(session).search(
            tag=tag, author=author, favorited=favorited, limit=size, offset=start
        )
        return _present_page(UserRepository(session), page, viewer)


def feed(viewer: Viewer, *, limit: str | None = None, offset: str | None = None) -> dict[str, Any]:
    size, start = paging(limit, offset)
    with unit_of_work() as session:
        page = ArticleRepository(session).feed(viewer.user_id, limit=size, offset=start)
        return _present_page(UserRepository(session), page, viewer)


def get(viewer: Viewer | None, slug: str) -> dict[str, Any]:
    with unit_of_work() as session:
        article = _find(ArticleRepository(session), slug)
        return _present(UserRepository(session), article, viewer)


def create(viewer: Viewer, payload: Any) -> dict[str, Any]:
    data = section(payload, "article")
    fields = required_texts(data, "title", "description", "body")
    tags = tag_list(data) or []
    for attempt in range(_SLUG_RETRIES):
        try:
            with unit_of_work() as session:
                articles = ArticleRepository(session)
                now = utc_now()
                article = articles.add(
                    Article(
                        slug=_unique_slug(articles, fields["title"], except_id=None, salted=attempt > 0),
                        title=fields["title"],
                        description=fields["description"],
                        body=fields["body"],
                        author_id=viewer.user_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
                articles.set_tags(article, tags)
                articles.refresh(article)
                return _present(UserRepository(session), article, viewer)
        except ConflictError:
            if attempt == _SLUG_RETRIES - 1:
                raise ValidationFailed("slug could not be made unique") from None
    raise AssertionError("unreachable")


def update(viewer: Viewer, slug: str, payload: Any) -> dict[str, Any]:
    data = section(payload, "article")
    title = optional_text(data, "title")
    description = optional_text(data, "description")
    body = optional_text(data, "body")
    tags = tag_list(data)
    try:
        with unit_of_work() as session:
            articles = ArticleRepository(session)
            article = _owned(articles, slug, viewer)
            if title is not None and title != article.title:
                article.slug = _unique_slug(articles, title, except_id=article.id)
                article.title = title
            if description is not None:
                article.description = description
            if body is not None:
                article.body = body
            if tags is not None:
                articles.set_tags(article, tags)
            # updatedAt must move even when two writes land within one millisecond.
            article.updated_at = max(utc_now(), article.updated_at + timedelta(milliseconds=1))
            articles.flush()
            articles.refresh(article)
            return _present(UserRepository(session), article, viewer)
    except ConflictError:
        raise ValidationFailed("slug has already been taken") from None


def delete(viewer: Viewer, slug: str) -> None:
    with unit_of_work() as session:
        articles = ArticleRepository(session)
        articles.delete(_owned(articles, slug, viewer))


def favorite(viewer: Viewer, slug: str) -> dict[str, Any]:
    with unit_of_work() as session:
        articles = ArticleRepository(session)
        article = _find(articles, slug)
        articles.favorite(article, viewer.user_id)
        return _present(UserRepository(session), article, viewer)


def unfavorite(viewer: Viewer, slug: str) -> dict[str, Any]:
    with unit_of_work() as session:
        articles = ArticleRepository(session)
        article = _find(articles, slug)
        articles.unfavorite(article, viewer.user_id)
        return _present(UserRepository(session), article, viewer)


def _find(articles: ArticleRepository, slug: str) -> Article:
    article = articles.by_slug(slug)
    if article is None:
        raise NotFound("article not found")
    return article


def _owned(articles: ArticleRepository, slug: str, viewer: Viewer) -> Article:
    article = _find(articles, slug)
    if article.author_id != viewer.user_id:
        raise Forbidden("only the author may change this article")
    return article


def _unique_slug(articles: ArticleRepository, title: str, except_id: int | None, salted: bool = False) -> str:
    """The title's slug, suffixed -2, -3... on collision; a random suffix after a lost race."""
    base = slugify(title)
    if salted:
        base = f"{base}-{secrets.token_hex(3)}"
    candidate, suffix = base, 1
    while articles.slug_taken(candidate, except_id):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def _present(users: UserRepository, article: Article, viewer: Viewer | None) -> dict[str, Any]:
    viewer_id = viewer.user_id if viewer else None
    followed = users.followed_among(viewer_id, [article.author_id]) if viewer_id else set()
    return {"article": presenters.article(article, viewer_id, followed)}


def _present_page(users: UserRepository, page: ArticlePage, viewer: Viewer | None) -> dict[str, Any]:
    viewer_id = viewer.user_id if viewer else None
    authors = {article.author_id for article in page.articles}
    followed = users.followed_among(viewer_id, authors) if viewer_id else set()
    return {
        "articles": [presenters.article(article, viewer_id, followed) for article in page.articles],
        "articlesCount": page.total,
    }
