"""Queries and writes for users and follows."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from app.models import User, follows
from app.repositories.database import insert_ignoring_duplicates


class UserRepository:
    """User storage within one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))

    def by_username(self, username: str) -> User | None:
        return self.session.scalar(select(User).where(User.username == username))

    def email_taken(self, email: str, except_id: int | None = None) -> bool:
        query = select(User.id).where(User.email == email)
        if except_id is not None:
            query = query.where(User.id != except_id)
        return self.session.scalar(query) is not None

    def username_taken(self, username: str, except_id: int | None = None) -> bool:
        query = select(User.id).where(User.username == username)
        if except_id is not None:
            query = query.where(User.id != except_id)
        return self.session.scalar(query) is not None

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def flush(self) -> None:
        self.session.flush()

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        query = select(
            exists().where(follows.c.follower_id == follower_id, follows.c.followee_id == followee_id)
        )
        return bool(self.session.scalar(query))

    def followed_among(self, follower_id: int, candidate_ids: Iterable[int]) -> set[int]:
        """Which of `candidate_ids` the follower follows (one query for a whole page)."""
        ids = set(candidate_ids)
        if not ids:
            return set()
        query = select(follows.c.followee_id).where(
            follows.c.follower_id == follower_id, follows.c.followee_id.in_(ids)
        )
        return set(self.session.scalars(query))

    def follow(self, follower_id: int, followee_id: int) -> None:
        insert_ignoring_duplicates(self.session, follows, [{"follower_id": follower_id, "followee_id": followee_id}])

    def unfollow(self, follower_id: int, followee_id: int) -> None:
        self.session.execute(
            delete(follows).where(follows.c.follower_id == follower_id, follows.c.followee_id == followee_id)
        )
