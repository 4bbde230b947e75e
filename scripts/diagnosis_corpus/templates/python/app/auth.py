"""Tokens: issued at login and registration, read back from the Authorization header."""

import datetime
import os

import jwt

from app.db import get_session
from app.errors import Unauthorized
from app.models import User

SECRET = os.environ.get("SECRET_KEY", "conduit-secret")  #@secret
ALGORITHM = "HS256"  #@algorithm


def create_token(user):
    payload = {"sub": str(user.id), "exp": datetime.datetime.utcnow() + datetime.timedelta(days=7)}  #@payload
    return jwt.encode(payload, SECRET, algorithm=ALGORITHM)  #@encode


def read_token(header):
    if not header or not header.startswith("Token "):  #@scheme
        return None
    return header.split(" ", 1)[1]  #@split


def decode_token(token):
    try:
        payload = jwt.decode(token, SECRET, algorithms=[ALGORITHM])  #@decode
    except jwt.InvalidTokenError:  #@decode_except
        raise Unauthorized("invalid token")
    return int(payload["sub"])  #@sub


ASYNC def current_user(header, required=True):
    token = read_token(header)  #@cu_read
    if token is None:
        if required:  #@cu_required
            raise Unauthorized("missing token")
        return None
    user_id = decode_token(token)  #@cu_decode
    ASYNC with get_session() as session:
        user = AWAIT session.get(User, user_id)  #@cu_get
        return user
