"""Token authentication for the API views."""

import datetime

import bcrypt
import jwt
from django.conf import settings
from django.core.exceptions import PermissionDenied

from conduit.api.models import User


def hash_password(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def issue_token(user):
    payload = {"id": user.id, "exp": datetime.datetime.utcnow() + datetime.timedelta(days=7)}
    return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")


def current_user(request, required=True):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Token "):
        if required:
            raise PermissionDenied("missing token")
        return None
    token = header.split(" ", 1)[1]
    payload = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])
    return User.objects.get(pk=payload["id"])
