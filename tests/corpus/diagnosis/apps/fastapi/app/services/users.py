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


async def register(data):
    async with get_session() as session:
        taken = await session.scalar(select(User).where(User.email == data["email"]))
        if taken is not None:
            raise Unprocessable({"email": ["has already been taken"]})
        user = User(username=data["username"], email=data["email"], password=hash_password(data["password"]))
        session.add(user)
        await session.commit()
        return user_out(user)


async def login(data):
    async with get_session() as session:
        user = await session.scalar(select(User).where(User.email == data["email"]))
        if user is None or not pwd_context.verify(data["password"], user.password):
            raise Unauthorized("email or password is invalid")
        return user_out(user)


async def update_user(user, data):
    for field in ("email", "username", "bio", "image"):
        if field in data:
            setattr(user, field, data[field])
    if "password" in data:
        user.password = hash_password(data["password"])
    async with get_session() as session:
        await session.merge(user)
        await session.commit()
        return user_out(user)


async def get_profile(username, viewer=None):
    async with get_session() as session:
        user = await session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("profile")
        return profile_out(user, viewer)


async def follow(viewer, username):
    async with get_session() as session:
        target = await session.scalar(select(User).where(User.username == username))
        if target is None:
            raise NotFound("profile")
        session.add(Follow(follower_id=viewer.id, followed_id=target.id))
        await session.commit()
        await session.refresh(target, ["followers"])
        return profile_out(target, viewer)
