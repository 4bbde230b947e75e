"""Entities to the JSON shapes of the Conduit API."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from app.models import Article, Comment, User


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-01-01T12:00:00.000Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user(entity: User, token: str) -> dict[str, Any]:
    return {
        "user": {
            "email": entity.email,
            "token": token,
            "username": entity.username,
            "bio": entity.bio,
            "image": entity.image,
        }
    }


def profile(entity: User, following: bool) -> dict[str, Any]:
    return {"username": entity.username, "bio": entity.bio, "image": entity.image, "following": following}


def article(entity: Article, viewer_id: int | None, followed_ids: set[int]) -> dict[str, Any]:
    fans = {fan.id for fan in entity.favorited_by}
    return {
        "slug": entity.slug,
        "title": entity.title,
        "description": entity.description,
        "body": entity.body,
        "tagList": entity.tag_names,
        "createdAt": timestamp(entity.created_at),
        "updatedAt": timestamp(entity.updated_at),
        "favorited": viewer_id is not None and viewer_id in fans,
        "favoritesCount": len(fans),
        "author": profile(entity.author, entity.author_id in followed_ids),
    }


def comment(entity: Comment, followed_ids: set[int]) -> dict[str, Any]:
    return {
        "id": entity.id,
        "body": entity.body,
        "createdAt": timestamp(entity.created_at),
        "updatedAt": timestamp(entity.updated_at),
        "author": profile(entity.author, entity.author_id in followed_ids),
    }
