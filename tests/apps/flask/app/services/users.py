"""Registration, login and the current user."""

from __future__ import annotations

from typing import Any

from app.models import User
from app.repositories import users as user_repo
from app.services import tokens, views
from app.services.errors import NotFound, Unauthenticated, ValidationFailed
from app.services.inputs import optional_text, required_text, section


def authenticate(token: str) -> int:
    """The id of the user a token belongs to; 401 when it names nobody."""
    user_id = tokens.user_id_from(token)
    if user_id is None or user_repo.get_by_id(user_id) is None:
        raise Unauthenticated("invalid or expired token")
    return user_id


def register(payload: Any) -> dict:
    fields = required_text(section(payload, "user"), "username", "email", "password")
    _ensure_unique(fields["username"], fields["email"])
    user = user_repo.add(User(username=fields["username"], email=fields["email"],
                              password_hash=tokens.hash_password(fields["password"])))
    return views.user(user, tokens.issue(user.id))


def login(payload: Any) -> dict:
    fields = required_text(section(payload, "user"), "email", "password")
    user = user_repo.get_by_email(fields["email"])
    if user is None or not tokens.password_matches(user.password_hash, fields["password"]):
        raise Unauthenticated("email or password is invalid")
    return views.user(user, tokens.issue(user.id))


def current(user_id: int, token: str) -> dict:
    return views.user(_get(user_id), token)


def update(user_id: int, token: str, payload: Any) -> dict:
    data = section(payload, "user")
    user = _get(user_id)
    if "username" in data:
        username = required_text(data, "username")["username"]
        _ensure_unique(username, None, except_id=user.id)
        user.username = username
    if "email" in data:
        email = required_text(data, "email")["email"]
        _ensure_unique(None, email, except_id=user.id)
        user.email = email
    if "password" in data:
        user.password_hash = tokens.hash_password(required_text(data, "password")["password"])
    if "bio" in data:
        user.bio = optional_text(data, "bio", nullable=True)
    if "image" in data:
        user.image = optional_text(data, "image", nullable=True)
    user_repo.save(user)
    return views.user(user, token)


def _get(user_id: int) -> User:
    user = user_repo.get_by_id(user_id)
    if user is None:
        raise NotFound("user not found")
    return user


def _ensure_unique(username: str | None, email: str | None, except_id: int | None = None) -> None:
    errors = []
    if username is not None:
        other = user_repo.get_by_username(username)
        if other is not None and other.id != except_id:
            errors.append("username has already been taken")
    if email is not None:
        other = user_repo.get_by_email(email)
        if other is not None and other.id != except_id:
            errors.append("email has already been taken")
    if errors:
        raise ValidationFailed(*errors)
