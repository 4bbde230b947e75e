"""Use cases: registration, login, the current user."""
from __future__ import annotations

from typing import Any

from app.models import User
from app.repositories import ConflictError, UserRepository, unit_of_work
from app.services import presenters
from app.services.errors import NotAuthenticated, ValidationFailed
from app.services.security import Viewer, hash_password, issue_token, verify_password
from app.services.validation import nullable_text, optional_text, required_texts, section


def register(payload: Any) -> dict[str, Any]:
    data = required_texts(section(payload, "user"), "username", "email", "password")
    try:
        with unit_of_work() as session:
            users = UserRepository(session)
            _ensure_unique(users, data["username"], data["email"], except_id=None)
            entity = users.add(
                User(
                    username=data["username"],
                    email=data["email"],
                    password_hash=hash_password(data["password"]),
                )
            )
            return presenters.user(entity, issue_token(entity.id))
    except ConflictError:
        raise ValidationFailed("username or email has already been taken") from None


def login(payload: Any) -> dict[str, Any]:
    data = required_texts(section(payload, "user"), "email", "password")
    with unit_of_work() as session:
        entity = UserRepository(session).by_email(data["email"])
        if entity is None or not verify_password(data["password"], entity.password_hash):
            raise ValidationFailed("email or password is invalid")
        return presenters.user(entity, issue_token(entity.id))


def current(viewer: Viewer) -> dict[str, Any]:
    with unit_of_work() as session:
        return presenters.user(_load(UserRepository(session), viewer), viewer.token)


def update(viewer: Viewer, payload: Any) -> dict[str, Any]:
    data = section(payload, "user")
    username = optional_text(data, "username")
    email = optional_text(data, "email")
    password = optional_text(data, "password")
    try:
        with unit_of_work() as session:
            users = UserRepository(session)
            entity = _load(users, viewer)
            _ensure_unique(users, username, email, except_id=entity.id)
            if username is not None:
                entity.username = username
            if email is not None:
                entity.email = email
            if password is not None:
                entity.password_hash = hash_password(password)
            if "bio" in data:
                entity.bio = nullable_text(data, "bio")
            if "image" in data:
                entity.image = nullable_text(data, "image")
            users.flush()
            return presenters.user(entity, viewer.token)
    except ConflictError:
        raise ValidationFailed("username or email has already been taken") from None


def _load(users: UserRepository, viewer: Viewer) -> User:
    entity = users.get(viewer.user_id)
    if entity is None:
        raise NotAuthenticated("token is invalid")
    return entity


def _ensure_unique(users: UserRepository, username: str | None, email: str | None, except_id: int | None) -> None:
    problems = []
    if username is not None and users.username_taken(username, except_id):
        problems.append("username has already been taken")
    if email is not None and users.email_taken(email, except_id):
        problems.append("email has already been taken")
    if problems:
        raise ValidationFailed(*problems)
