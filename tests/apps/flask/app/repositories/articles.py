"""Articles, their tags and favorites."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, delete, exists, func, insert, select

from app.models import Article, ArticleTag, Tag, User, favorites, follows
from app.repositories.database import session


@dataclass(frozen=True)
class ArticleFilter:
    """Filters of GET /articles, combined with AND; None means 'not filtered'."""

    tag: str | None = None
    author: str | None = None
    favorited: str | None = None
    followed_by: int | None = None


def _filtered(query: Select, flt: ArticleFilter) -> Select:
    if flt.tag is not None:
        query = query.where(
            Article.id.in_(select(ArticleTag.article_id).join(Tag).where(Tag.name == flt.tag))
        )
    if flt.author is not None:
        query = query.where(Article.author_id.in_(select(User.id).where(User.username == flt.author)))
    if flt.favorited is not None:
        query = query.where(
            Article.id.in_(
                select(favorites.c.article_id).join(User, User.id == favorites.c.user_id)
                .where(User.username == flt.favorited)
            )
        )
    if flt.followed_by is not None:
        query = query.where(
            Article.author_id.in_(select(follows.c.followed_id).where(follows.c.follower_id == flt.followed_by))
        )
    return query


def find(flt: ArticleFilter, limit: int, offset: int) -> tuple[list[Article], int]:
    """One page of matching articles, newest first, and the count of all matches."""
    db = session()
    count = db.scalar(_filtered(select(func.count(Article.id)), flt)) or 0
    page = db.scalars(
        _filtered(select(Article), flt)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    ).unique().all()
    return list(page), count


def get_by_slug(slug: str) -> Article | None:
    return session().scalars(select(Article).where(Article.slug == slug)).first()


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = exists().where(Article.slug == slug)
    if except_id is not None:
        query = query.where(Article.id != except_id)
    return bool(session().scalar(select(query)))


def get_or_create_tags(names: list[str]) -> list[Tag]:
    db = session()
    existing = {t.name: t for t in db.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.add(tag)
            existing[name] = tag
        tags.append(tag)
    return tags


def add(article: Article) -> Article:
    db = session()
    db.add(article)
    db.commit()
    return article


def save(article: Article) -> Article:
    session().commit()
    return article


def remove(article: Article) -> None:
    db = session()
    db.delete(article)
    db.commit()


def is_favorited(user_id: int, article_id: int) -> bool:
    query = select(exists().where(favorites.c.user_id == user_id, favorites.c.article_id == article_id))
    return bool(session().scalar(query))


def favorite(user_id: int, article: Article) -> None:
    if not is_favorited(user_id, article.id):
        db = session()
        db.execute(insert(favorites).values(user_id=user_id, article_id=article.id))
        db.commit()
        db.refresh(article, ["favorited_by"])


def unfavorite(user_id: int, article: Article) -> None:
    db = session()
    db.execute(delete(favorites).where(favorites.c.user_id == user_id, favorites.c.article_id == article.id))
    db.commit()
    db.refresh(article, ["favorited_by"])


def tag_names_in_use() -> list[str]:
    query = select(Tag.name).where(Tag.id.in_(select(ArticleTag.tag_id))).order_by(Tag.name)
    return list(session().scalars(query))
