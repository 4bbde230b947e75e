"""Profiles and following."""

from __future__ import annotations

from app.models import User
from app.repositories import users as user_repo
from app.services import views
from app.services.errors import NotFound


def get(username: str, viewer_id: int | None) -> dict:
    user = _by_username(username)
    following = viewer_id is not None and user_repo.is_following(viewer_id, user.id)
    return views.profile(user, following)


def follow(username: str, follower_id: int) -> dict:
    user = _by_username(username)
    user_repo.follow(follower_id, user.id)
    return views.profile(user, True)


def unfollow(username: str, follower_id: int) -> dict:
    user = _by_username(username)
    user_repo.unfollow(follower_id, user.id)
    return views.profile(user, False)


def _by_username(username: str) -> User:
    user = user_repo.get_by_username(username)
    if user is None:
        raise NotFound("profile not found")
    return user
