"""Articles: listing, feed, create/read/update/delete, favorites."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from app.models import Article, ArticleTag
from app.repositories import articles as article_repo
from app.repositories import users as user_repo
from app.repositories.articles import ArticleFilter
from app.services import views
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.inputs import required_text, section

DEFAULT_LIMIT = 20


def now() -> datetime:
    """Naive UTC, the form the timestamps are stored in."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def slugify(title: str) -> str:
    """Lowercase words of the title joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "article"


def list_articles(*, tag: str | None, author: str | None, favorited: str | None,
                  limit: int | None, offset: int | None, viewer_id: int | None) -> dict:
    flt = ArticleFilter(tag=tag, author=author, favorited=favorited)
    return _page(flt, limit, offset, viewer_id)


def feed(*, limit: int | None, offset: int | None, viewer_id: int) -> dict:
    return _page(ArticleFilter(followed_by=viewer_id), limit, offset, viewer_id)


def get(slug: str, viewer_id: int | None) -> dict:
    return _view(_by_slug(slug), viewer_id)


def create(payload: Any, author_id: int) -> dict:
    data = section(payload, "article")
    fields = required_text(data, "title", "description", "body")
    moment = now()
    article = Article(title=fields["title"], description=fields["description"], body=fields["body"],
                      slug=_unique_slug(fields["title"]), created_at=moment, updated_at=moment,
                      author_id=author_id)
    article.tag_links = _tag_links(data.get("tagList"))
    article_repo.add(article)
    return _view(article, author_id)


def update(slug: str, payload: Any, user_id: int) -> dict:
    data = section(payload, "article")
    article = _own(slug, user_id)
    if "title" in data:
        title = required_text(data, "title")["title"]
        if title != article.title:
            article.title = title
            article.slug = _unique_slug(title, except_id=article.id)
    for field in ("description", "body"):
        if field in data:
            setattr(article, field, required_text(data, field)[field])
    if "tagList" in data:
        article.tag_links = _tag_links(data["tagList"])
    # updatedAt must visibly move, even when the update lands in the same millisecond.
    article.updated_at = max(now(), article.updated_at + timedelta(milliseconds=1))
    article_repo.save(article)
    return _view(article, user_id)


def delete(slug: str, user_id: int) -> None:
    article_repo.remove(_own(slug, user_id))


def favorite(slug: str, user_id: int) -> dict:
    article = _by_slug(slug)
    article_repo.favorite(user_id, article)
    return _view(article, user_id)


def unfavorite(slug: str, user_id: int) -> dict:
    article = _by_slug(slug)
    article_repo.unfavorite(user_id, article)
    return _view(article, user_id)


def _page(flt: ArticleFilter, limit: int | None, offset: int | None, viewer_id: int | None) -> dict:
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = 0 if offset is None else offset
    if limit < 0 or offset < 0:
        raise ValidationFailed("limit and offset must not be negative")
    articles, count = article_repo.find(flt, limit, offset)
    following: set[int] = set()
    if viewer_id is not None:
        following = user_repo.followed_ids(viewer_id, {a.author_id for a in articles})
    return {
        "articles": [
            views.article(a, favorited=_favorited_by(a, viewer_id), following=a.author_id in following)
            for a in articles
        ],
        "articlesCount": count,
    }


def _view(article: Article, viewer_id: int | None) -> dict:
    following = viewer_id is not None and user_repo.is_following(viewer_id, article.author_id)
    return views.article(article, favorited=_favorited_by(article, viewer_id), following=following)


def _favorited_by(article: Article, viewer_id: int | None) -> bool:
    return viewer_id is not None and any(u.id == viewer_id for u in article.favorited_by)


def _by_slug(slug: str) -> Article:
    article = article_repo.get_by_slug(slug)
    if article is None:
        raise NotFound("article not found")
    return article


def _own(slug: str, user_id: int) -> Article:
    article = _by_slug(slug)
    if article.author_id != user_id:
        raise Forbidden("only the author may change this article")
    return article


def _unique_slug(title: str, except_id: int | None = None) -> str:
    base = slugify(title)
    slug, n = base, 1
    while article_repo.slug_taken(slug, except_id):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _tag_links(tag_list: Any) -> list[ArticleTag]:
    """Tags in the order given, each once."""
    if tag_list is None:
        return []
    if not isinstance(tag_list, list) or not all(isinstance(t, str) for t in tag_list):
        raise ValidationFailed("tagList must be a list of strings")
    names = list(dict.fromkeys(t.strip() for t in tag_list if t.strip()))
    tags = article_repo.get_or_create_tags(names)
    return [ArticleTag(tag=tag, position=i) for i, tag in enumerate(tags)]


