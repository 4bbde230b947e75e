"""Turn entities into the JSON-ready dicts of the Conduit API."""

from __future__ import annotations

from datetime import datetime

from app.models import Article, Comment, User


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2024-01-31T12:00:00.123Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user(entity: User, token: str) -> dict:
    return {"email": entity.email, "token": token, "username": entity.username,
            "bio": entity.bio, "image": entity.image}


def profile(entity: User, following: bool) -> dict:
    return {"username": entity.username, "bio": entity.bio, "image": entity.image, "following": following}


def article(entity: Article, *, favorited: bool, following: bool, with_body: bool = True) -> dict:
    data = {
        "slug": entity.slug,
        "title": entity.title,
        "description": entity.description,
        "body": entity.body,
        "tagList": entity.tag_list,
        "createdAt": timestamp(entity.created_at),
        "updatedAt": timestamp(entity.updated_at),
        "favorited": favorited,
        "favoritesCount": len(entity.favorited_by),
        "author": profile(entity.author, following),
    }
    if not with_body:
        del data["body"]
    return data


def comment(entity: Comment, following: bool) -> dict:
    return {"id": entity.id, "body": entity.body, "createdAt": timestamp(entity.created_at),
            "updatedAt": timestamp(entity.updated_at), "author": profile(entity.author, following)}
