"""Articles: listing, the feed, creating, favoriting."""

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import get_session
from app.errors import Forbidden, NotFound
from app.models import Article, Favorite, Follow, Tag, User

EAGER = (selectinload(Article.tags), selectinload(Article.favorites), selectinload(Article.author))


def article_out(article, viewer):
    return {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "tagList": sorted(t.name for t in article.tags),
        "createdAt": article.created_at.isoformat() + "Z",
        "updatedAt": article.updated_at.isoformat() + "Z",
        "favorited": viewer is not None and any(f.user_id == viewer.id for f in article.favorites),
        "favoritesCount": len(article.favorites),
        "author": profile_out(article.author, viewer),
    }


def profile_out(user, viewer):
    following = viewer is not None and any(f.follower_id == viewer.id for f in user.followers)
    return {"username": user.username, "bio": user.bio, "image": user.image, "following": following}


async def list_articles(viewer, tag=None, author=None, favorited=None, limit=20, offset=0):
    query = select(Article).options(*EAGER)
    if tag:
        query = query.where(Article.tags.any(Tag.name == tag))
    if author:
        query = query.where(Article.author.has(User.username == author))
    if favorited:
        query = query.where(Article.favorites.any(Favorite.user.has(User.username == favorited)))
    async with get_session() as session:
        count = await session.scalar(select(func.count()).select_from(query.subquery()))
        page = query.order_by(Article.created_at.desc()).limit(limit).offset(offset)
        rows = (await session.execute(page)).scalars().all()
        return {"articles": [article_out(a, viewer) for a in rows], "articlesCount": count}


async def feed(viewer, limit=20, offset=0):
    followed = select(Follow.followed_id).where(Follow.follower_id == viewer.id)
    query = select(Article).options(*EAGER).where(Article.author_id.in_(followed))
    async with get_session() as session:
        count = await session.scalar(select(func.count()).select_from(query.subquery()))
        page = query.order_by(Article.created_at.desc()).limit(limit).offset(offset)
        rows = (await session.execute(page)).scalars().all()
        return {"articles": [article_out(a, viewer) for a in rows], "articlesCount": count}


async def get_article(slug, viewer=None):
    async with get_session() as session:
        article = await session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))
        if article is None:
            raise NotFound("article")
        return article_out(article, viewer)


async def create_article(author, data):
    article = Article(
        slug=slugify(data["title"]),
        title=data["title"],
        description=data["description"],
        body=data["body"],
        author_id=author.id,
    )
    async with get_session() as session:
        article.tags = [await tag_named(session, name) for name in data.get("tagList", [])]
        session.add(article)
        await session.commit()
        await session.refresh(article, ["tags", "favorites", "author"])
        return article_out(article, author)


async def update_article(slug, viewer, data):
    async with get_session() as session:
        article = await session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))
        if article is None:
            raise NotFound("article")
        if article.author_id != viewer.id:
            raise Forbidden("not the author")
        for field in ("title", "description", "body"):
            if field in data:
                setattr(article, field, data[field])
        await session.commit()
        return article_out(article, viewer)


async def favorite(slug, viewer):
    async with get_session() as session:
        article = await session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))
        if article is None:
            raise NotFound("article")
        session.add(Favorite(user_id=viewer.id, article_id=article.id))
        await session.commit()
        await session.refresh(article, ["favorites"])
        return article_out(article, viewer)


async def delete_article(slug, viewer):
    async with get_session() as session:
        article = await session.scalar(select(Article).where(Article.slug == slug))
        if article is None:
            raise NotFound("article")
        if article.author_id != viewer.id:
            raise Forbidden("not the author")
        await session.delete(article)
        await session.commit()


async def tag_named(session, name):
    tag = await session.scalar(select(Tag).where(Tag.name == name))
    return tag or Tag(name=name)


async def all_tags():
    async with get_session() as session:
        names = (await session.execute(select(Tag.name).distinct())).scalars().all()
        return {"tags": list(names)}
