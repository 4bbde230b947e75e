"""Users and the follow relation."""

from __future__ import annotations

from sqlalchemy import delete, exists, insert, select

from app.models import User, follows
from app.repositories.database import session


def get_by_id(user_id: int) -> User | None:
    return session().get(User, user_id)


def get_by_username(username: str) -> User | None:
    return session().scalars(select(User).where(User.username == username)).first()


def get_by_email(email: str) -> User | None:
    return session().scalars(select(User).where(User.email == email)).first()


def add(user: User) -> User:
    db = session()
    db.add(user)
    db.commit()
    return user


def save(user: User) -> User:
    session().commit()
    return user


def is_following(follower_id: int, followed_id: int) -> bool:
    query = select(exists().where(follows.c.follower_id == follower_id, follows.c.followed_id == followed_id))
    return bool(session().scalar(query))


def followed_ids(follower_id: int, candidates: set[int]) -> set[int]:
    """Which of `candidates` the follower follows (one query for a whole page)."""
    if not candidates:
        return set()
    query = select(follows.c.followed_id).where(
        follows.c.follower_id == follower_id, follows.c.followed_id.in_(candidates)
    )
    return set(session().scalars(query))


def follow(follower_id: int, followed_id: int) -> None:
    if not is_following(follower_id, followed_id):
        db = session()
        db.execute(insert(follows).values(follower_id=follower_id, followed_id=followed_id))
        db.commit()


def unfollow(follower_id: int, followed_id: int) -> None:
    db = session()
    db.execute(delete(follows).where(follows.c.follower_id == follower_id, follows.c.followed_id == followed_id))
    db.commit()
