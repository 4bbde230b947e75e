"""Use cases: profiles and following."""
from __future__ import annotations

from typing import Any

from app.models import User
from app.repositories import UserRepository, unit_of_work
from app.services import presenters
from app.services.errors import NotFound
from app.services.security import Viewer


def get(viewer: Viewer | None, username: str) -> dict[str, Any]:
    with unit_of_work() as session:
        users = UserRepository(session)
        target = _target(users, username)
        following = viewer is not None and users.is_following(viewer.user_id, target.id)
        return {"profile": presenters.profile(target, following)}


def follow(viewer: Viewer, username: str) -> dict[str, Any]:
    with unit_of_work() as session:
        users = UserRepository(session)
        target = _target(users, username)
        users.follow(viewer.user_id, target.id)
        return {"profile": presenters.profile(target, True)}


def unfollow(viewer: Viewer, username: str) -> dict[str, Any]:
    with unit_of_work() as session:
        users = UserRepository(session)
        target = _target(users, username)
        users.unfollow(viewer.user_id, target.id)
        return {"profile": presenters.profile(target, False)}


def _target(users: UserRepository, username: str) -> User:
    target = users.by_username(username)
    if target is None:
        raise NotFound("profile not found")
    return target
