"""Token authentication for the API views."""

import datetime

import bcrypt
import jwt
from django.conf import settings
from django.core.exceptions import PermissionDenied

from conduit.api.models import User


def hash_password(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()  #@hash


def issue_token(user):
    payload = {"id": user.id, "exp": datetime.datetime.utcnow() + datetime.timedelta(days=7)}  #@payload
    return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")  #@encode


def current_user(request, required=True):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Token "):  #@scheme
        if required:
            raise PermissionDenied("missing token")  #@cu_required
        return None
    token = header.split(" ", 1)[1]  #@split
    payload = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])  #@decode
    return User.objects.get(pk=payload["id"])  #@cu_get
