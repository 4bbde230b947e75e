"""GET /profiles/{username}, POST and DELETE /profiles/{username}/follow."""

from flask import Blueprint, g, jsonify

from app.routes import auth
from app.services import profiles

bp = Blueprint("profiles", __name__)


@bp.get("/profiles/<username>")
@auth.optional
def get_profile(username: str):  # type: ignore[no-untyped-def]
    return jsonify({"profile": profiles.get(username, g.user_id)}), 200


# Trap: clients POST here with Content-Type: application/json and no body.
# The view must not read the body (request.json would fail with 400).
@bp.post("/profiles/<username>/follow")
@auth.required
def follow(username: str):  # type: ignore[no-untyped-def]
    return jsonify({"profile": profiles.follow(username, g.user_id)}), 200


@bp.delete("/profiles/<username>/follow")
@auth.required
def unfollow(username: str):  # type: ignore[no-untyped-def]
    return jsonify({"profile": profiles.unfollow(username, g.user_id)}), 200
