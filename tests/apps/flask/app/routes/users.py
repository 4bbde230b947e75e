"""POST /users, POST /users/login, GET and PUT /user."""

from flask import Blueprint, g, jsonify

from app.routes import auth
from app.routes.params import json_body
from app.services import users

bp = Blueprint("users", __name__)


@bp.post("/users")
def register():  # type: ignore[no-untyped-def]
    return jsonify({"user": users.register(json_body())}), 201


@bp.post("/users/login")
def login():  # type: ignore[no-untyped-def]
    return jsonify({"user": users.login(json_body())}), 200


@bp.get("/user")
@auth.required
def current_user():  # type: ignore[no-untyped-def]
    return jsonify({"user": users.current(g.user_id, g.token)}), 200


@bp.put("/user")
@auth.required
def update_user():  # type: ignore[no-untyped-def]
    return jsonify({"user": users.update(g.user_id, g.token, json_body())}), 200
