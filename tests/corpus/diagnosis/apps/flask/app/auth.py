"""Tokens: issued at login and registration, read back from the Authorization header."""

import datetime
import os

import jwt

from app.db import get_session
from app.errors import Unauthorized
from app.models import User

SECRET = os.environ.get("SECRET_KEY", "conduit-secret")
ALGORITHM = "HS256"


def create_token(user):
    payload = {"sub": str(user.id), "exp": datetime.datetime.utcnow() + datetime.timedelta(days=7)}
    return jwt.encode(payload, SECRET, algorithm=ALGORITHM)


def read_token(header):
    if not header or not header.startswith("Token "):
        return None
    return header.split(" ", 1)[1]


def decode_token(token):
    try:
        payload = jwt.decode(token, SECRET, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise Unauthorized("invalid token")
    return int(payload["sub"])


def current_user(header, required=True):
    token = read_token(header)
    if token is None:
        if required:
            raise Unauthorized("missing token")
        return None
    user_id = decode_token(token)
    with get_session() as session:
        user = session.get(User, user_id)
        return user
