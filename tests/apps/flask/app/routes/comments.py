"""Comments of an article."""

from flask import Blueprint, g, jsonify

from app.routes import auth
from app.routes.params import json_body
from app.services import comments

bp = Blueprint("comments", __name__)


@bp.get("/articles/<slug>/comments")
@auth.optional
def list_comments(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"comments": comments.list_for(slug, g.user_id)}), 200


@bp.post("/articles/<slug>/comments")
@auth.required
def add_comment(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"comment": comments.add(slug, json_body(), g.user_id)}), 200


@bp.delete("/articles/<slug>/comments/<int:comment_id>")
@auth.required
def delete_comment(slug: str, comment_id: int):  # type: ignore[no-untyped-def]
    comments.delete(slug, comment_id, g.user_id)
    return jsonify({}), 200
