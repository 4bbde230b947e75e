"""GET /tags."""

from flask import Blueprint, jsonify

from app.services import tags

bp = Blueprint("tags", __name__)


@bp.get("/tags")
def list_tags():  # type: ignore[no-untyped-def]
    return jsonify({"tags": tags.all_tags()}), 200
