"""Users and profiles: registration, login, updates, follows."""

from passlib.context import CryptContext
from sqlalchemy import select

from app.auth import create_token
from app.db import get_session
from app.errors import NotFound, Unauthorized, Unprocessable
from app.models import Follow, User
from app.services.articles import profile_out

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")  #@crypt


def hash_password(password):
    return pwd_context.hash(password)  #@hash


def user_out(user):
    return {
        "email": user.email,
        "username": user.username,  #@user_out_username
        "bio": user.bio,  #@user_out_bio
        "image": user.image,
        "token": create_token(user),  #@user_out_token
    }


ASYNC def register(data):
    ASYNC with get_session() as session:
        taken = AWAIT session.scalar(select(User).where(User.email == data["email"]))  #@reg_taken
        if taken is not None:
            raise Unprocessable({"email": ["has already been taken"]})  #@reg_reject
        user = User(username=data["username"], email=data["email"], password=hash_password(data["password"]))  #@reg_user
        session.add(user)
        AWAIT session.commit()  #@reg_commit
        return user_out(user)  #@reg_out


ASYNC def login(data):
    ASYNC with get_session() as session:
        user = AWAIT session.scalar(select(User).where(User.email == data["email"]))  #@login_lookup
        if user is None or not pwd_context.verify(data["password"], user.password):  #@login_verify
            raise Unauthorized("email or password is invalid")
        return user_out(user)  #@login_out


ASYNC def update_user(user, data):
    for field in ("email", "username", "bio", "image"):
        if field in data:
            setattr(user, field, data[field])  #@upd_user_set
    if "password" in data:
        user.password = hash_password(data["password"])  #@upd_user_password
    ASYNC with get_session() as session:
        AWAIT session.merge(user)  #@upd_user_merge
        AWAIT session.commit()  #@upd_user_commit
        return user_out(user)  #@upd_user_out


ASYNC def get_profile(username, viewer=None):
    ASYNC with get_session() as session:
        user = AWAIT session.scalar(select(User).where(User.username == username))  #@profile_lookup
        if user is None:  #@profile_check
            raise NotFound("profile")
        return profile_out(user, viewer)  #@profile_get_out


ASYNC def follow(viewer, username):
    ASYNC with get_session() as session:
        target = AWAIT session.scalar(select(User).where(User.username == username))  #@follow_lookup
        if target is None:
            raise NotFound("profile")
        session.add(Follow(follower_id=viewer.id, followed_id=target.id))  #@follow_add
        AWAIT session.commit()  #@follow_commit
        AWAIT session.refresh(target, ["followers"])
        return profile_out(target, viewer)  #@follow_out
