"""Articles: listing, the feed, creating, favoriting."""

from slugify import slugify  #@imp_slugify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import get_session
from app.errors import Forbidden, NotFound
from app.models import Article, Favorite, Follow, Tag, User

EAGER = (selectinload(Article.tags), selectinload(Article.favorites), selectinload(Article.author))  #@eager


def article_out(article, viewer):
    return {
        "slug": article.slug,  #@out_slug
        "title": article.title,
        "description": article.description,  #@out_description
        "body": article.body,
        "tagList": sorted(t.name for t in article.tags),  #@out_tags
        "createdAt": article.created_at.isoformat() + "Z",  #@out_created
        "updatedAt": article.updated_at.isoformat() + "Z",  #@out_updated
        "favorited": viewer is not None and any(f.user_id == viewer.id for f in article.favorites),  #@out_favorited
        "favoritesCount": len(article.favorites),  #@out_count
        "author": profile_out(article.author, viewer),  #@out_author
    }


def profile_out(user, viewer):
    following = viewer is not None and any(f.follower_id == viewer.id for f in user.followers)  #@out_following
    return {"username": user.username, "bio": user.bio, "image": user.image, "following": following}  #@profile_out


ASYNC def list_articles(viewer, tag=None, author=None, favorited=None, limit=20, offset=0):
    query = select(Article).options(*EAGER)  #@q_base
    if tag:
        query = query.where(Article.tags.any(Tag.name == tag))  #@q_tag
    if author:
        query = query.where(Article.author.has(User.username == author))  #@q_author
    if favorited:
        query = query.where(Article.favorites.any(Favorite.user.has(User.username == favorited)))  #@q_favorited
    ASYNC with get_session() as session:
        count = AWAIT session.scalar(select(func.count()).select_from(query.subquery()))  #@q_count
        page = query.order_by(Article.created_at.desc()).limit(limit).offset(offset)  #@q_page
        rows = (AWAIT session.execute(page)).scalars().all()  #@q_exec
        return {"articles": [article_out(a, viewer) for a in rows], "articlesCount": count}  #@q_out


ASYNC def feed(viewer, limit=20, offset=0):
    followed = select(Follow.followed_id).where(Follow.follower_id == viewer.id)  #@feed_followed
    query = select(Article).options(*EAGER).where(Article.author_id.in_(followed))  #@feed_filter
    ASYNC with get_session() as session:
        count = AWAIT session.scalar(select(func.count()).select_from(query.subquery()))  #@feed_count
        page = query.order_by(Article.created_at.desc()).limit(limit).offset(offset)
        rows = (AWAIT session.execute(page)).scalars().all()  #@feed_exec
        return {"articles": [article_out(a, viewer) for a in rows], "articlesCount": count}  #@feed_out


ASYNC def get_article(slug, viewer=None):
    ASYNC with get_session() as session:
        article = AWAIT session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))  #@get_lookup
        if article is None:
            raise NotFound("article")
        return article_out(article, viewer)  #@get_out


ASYNC def create_article(author, data):
    article = Article(
        slug=slugify(data["title"]),  #@create_slug
        title=data["title"],
        description=data["description"],  #@create_description
        body=data["body"],
        author_id=author.id,  #@create_author
    )
    ASYNC with get_session() as session:
        article.tags = [AWAIT tag_named(session, name) for name in data.get("tagList", [])]  #@create_tags
        session.add(article)
        AWAIT session.commit()  #@create_commit
        AWAIT session.refresh(article, ["tags", "favorites", "author"])
        return article_out(article, author)  #@create_out


ASYNC def update_article(slug, viewer, data):
    ASYNC with get_session() as session:
        article = AWAIT session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))  #@upd_lookup
        if article is None:
            raise NotFound("article")
        if article.author_id != viewer.id:  #@upd_owner
            raise Forbidden("not the author")
        for field in ("title", "description", "body"):
            if field in data:
                setattr(article, field, data[field])  #@upd_fields
        AWAIT session.commit()  #@upd_commit
        return article_out(article, viewer)  #@upd_out


ASYNC def favorite(slug, viewer):
    ASYNC with get_session() as session:
        article = AWAIT session.scalar(select(Article).options(*EAGER).where(Article.slug == slug))  #@fav_lookup
        if article is None:
            raise NotFound("article")
        session.add(Favorite(user_id=viewer.id, article_id=article.id))  #@fav_add
        AWAIT session.commit()  #@fav_commit
        AWAIT session.refresh(article, ["favorites"])  #@fav_refresh
        return article_out(article, viewer)  #@fav_out


ASYNC def delete_article(slug, viewer):
    ASYNC with get_session() as session:
        article = AWAIT session.scalar(select(Article).where(Article.slug == slug))  #@del_lookup
        if article is None:
            raise NotFound("article")
        if article.author_id != viewer.id:  #@del_owner
            raise Forbidden("not the author")
        AWAIT session.delete(article)  #@del_delete
        AWAIT session.commit()  #@del_commit


ASYNC def tag_named(session, name):
    tag = AWAIT session.scalar(select(Tag).where(Tag.name == name))  #@tag_lookup
    return tag or Tag(name=name)


ASYNC def all_tags():
    ASYNC with get_session() as session:
        names = (AWAIT session.execute(select(Tag.name).distinct())).scalars().all()  #@tags_query
        return {"tags": list(names)}
