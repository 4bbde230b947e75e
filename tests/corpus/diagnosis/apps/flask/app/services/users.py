"""Users and profiles: registration, login, updates, follows."""

from passlib.context import CryptContext
from sqlalchemy import select

from app.auth import create_token
from app.db import get_session
from app.errors import NotFound, Unauthorized, Unprocessable
from app.models import Follow, User
from app.services.articles import profile_out

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


def hash_password(password):
    return pwd_context.hash(password)


def user_out(user):
    return {
        "email": user.email,
        "username": user.username,
        "bio": user.bio,
        "image": user.image,
        "token": create_token(user),
    }


def register(data):
    with get_session() as session:
        taken = session.scalar(select(User).where(User.email == data["email"]))
        if taken is not None:
            raise Unprocessable({"email": ["has already been taken"]})
        user = User(username=data["username"], email=data["email"], password=hash_password(data["password"]))
        session.add(user)
        session.commit()
        return user_out(user)


def login(data):
    with get_session() as session:
        user = session.scalar(select(User).where(User.email == data["email"]))
        if user is None or not pwd_context.verify(data["password"], user.password):
            raise Unauthorized("email or password is invalid")
        return user_out(user)


def update_user(user, data):
    for field in ("email", "username", "bio", "image"):
        if field in data:
            setattr(user, field, data[field])
    if "password" in data:
        user.password = hash_password(data["password"])
    with get_session() as session:
        session.merge(user)
        session.commit()
        return user_out(user)


def get_profile(username, viewer=None):
    with get_session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("profile")
        return profile_out(user, viewer)


def follow(viewer, username):
    with get_session() as session:
        target = session.scalar(select(User).where(User.username == username))
        if target is None:
            raise NotFound("profile")
        session.add(Follow(follower_id=viewer.id, followed_id=target.id))
        session.commit()
        session.refresh(target, ["followers"])
        return profile_out(target, viewer)
