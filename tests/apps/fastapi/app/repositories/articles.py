"""Queries and writes for articles, their tags and favorites."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from app.models import Article, ArticleTag, Tag, User, favorites, follows
from app.repositories.database import insert_ignoring_duplicates


@dataclass(frozen=True)
class ArticlePage:
    """One page of articles and the number that matched before paging."""

    articles: Sequence[Article]
    total: int


class ArticleRepository:
    """Article storage within one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_slug(self, slug: str) -> Article | None:
        return self.session.scalar(select(Article).where(Article.slug == slug))

    def slug_taken(self, slug: str, except_id: int | None = None) -> bool:
        query = select(Article.id).where(Article.slug == slug)
        if except_id is not None:
            query = query.where(Article.id != except_id)
        return self.session.scalar(query) is not None

    def add(self, article: Article) -> Article:
        self.session.add(article)
        self.session.flush()
        return article

    def flush(self) -> None:
        self.session.flush()

    def refresh(self, article: Article) -> None:
        self.session.refresh(article)

    def delete(self, article: Article) -> None:
        self.session.delete(article)
        self.session.flush()

    def set_tags(self, article: Article, names: Sequence[str]) -> None:
        """Replace the article's tags, keeping `names` in order (already deduplicated)."""
        insert_ignoring_duplicates(self.session, Tag.__table__, [{"name": name} for name in names])
        existing = {tag.name: tag for tag in self.session.scalars(select(Tag).where(Tag.name.in_(names)))}
        article.tag_links.clear()
        self.session.flush()
        article.tag_links.extend(
            ArticleTag(tag=existing[name], position=index) for index, name in enumerate(names)
        )
        self.session.flush()

    def favorite(self, article: Article, user_id: int) -> None:
        insert_ignoring_duplicates(self.session, favorites, [{"article_id": article.id, "user_id": user_id}])
        self.session.expire(article, ["favorited_by"])

    def unfavorite(self, article: Article, user_id: int) -> None:
        self.session.execute(
            delete(favorites).where(favorites.c.article_id == article.id, favorites.c.user_id == user_id)
        )
        self.session.expire(article, ["favorited_by"])

    def search(
        self, *, tag: str | None, author: str | None, favorited: str | None, limit: int, offset: int
    ) -> ArticlePage:
        """Articles matching every given filter, newest first."""
        query = select(Article)
        if tag is not None:
            query = query.where(Article.tag_links.any(ArticleTag.tag.has(Tag.name == tag)))
        if author is not None:
            query = query.where(Article.author.has(User.username == author))
        if favorited is not None:
            query = query.where(Article.favorited_by.any(User.username == favorited))
        return self._page(query, limit, offset)

    def feed(self, follower_id: int, *, limit: int, offset: int) -> ArticlePage:
        """Articles by the authors `follower_id` follows, newest first."""
        followed = select(follows.c.followee_id).where(follows.c.follower_id == follower_id)
        return self._page(select(Article).where(Article.author_id.in_(followed)), limit, offset)

    def _page(self, query: Select[tuple[Article]], limit: int, offset: int) -> ArticlePage:
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(Article.created_at.desc(), Article.id.desc()).limit(limit).offset(offset)
        return ArticlePage(articles=self.session.scalars(ordered).unique().all(), total=total)
