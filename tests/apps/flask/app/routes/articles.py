"""Articles, the feed and favorites."""

from flask import Blueprint, g, jsonify, request

from app.routes import auth
from app.routes.params import int_arg, json_body
from app.services import articles

bp = Blueprint("articles", __name__)


@bp.get("/articles")
@auth.optional
def list_articles():  # type: ignore[no-untyped-def]
    page = articles.list_articles(
        tag=request.args.get("tag"),
        author=request.args.get("author"),
        favorited=request.args.get("favorited"),
        limit=int_arg("limit"),
        offset=int_arg("offset"),
        viewer_id=g.user_id,
    )
    return jsonify(page), 200


# Registered as a static path: Werkzeug matches it before /articles/<slug>,
# so "feed" is never taken for a slug.
@bp.get("/articles/feed")
@auth.required
def feed():  # type: ignore[no-untyped-def]
    return jsonify(articles.feed(limit=int_arg("limit"), offset=int_arg("offset"), viewer_id=g.user_id)), 200


@bp.post("/articles")
@auth.required
def create_article():  # type: ignore[no-untyped-def]
    return jsonify({"article": articles.create(json_body(), g.user_id)}), 201


@bp.get("/articles/<slug>")
@auth.optional
def get_article(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"article": articles.get(slug, g.user_id)}), 200


@bp.put("/articles/<slug>")
@auth.required
def update_article(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"article": articles.update(slug, json_body(), g.user_id)}), 200


@bp.delete("/articles/<slug>")
@auth.required
def delete_article(slug: str):  # type: ignore[no-untyped-def]
    articles.delete(slug, g.user_id)
    return jsonify({}), 200


# Trap: POST favorite arrives with Content-Type: application/json and an empty
# body; reading request.json here would turn every favorite into a 400.
@bp.post("/articles/<slug>/favorite")
@auth.required
def favorite(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"article": articles.favorite(slug, g.user_id)}), 200


@bp.delete("/articles/<slug>/favorite")
@auth.required
def unfavorite(slug: str):  # type: ignore[no-untyped-def]
    return jsonify({"article": articles.unfavorite(slug, g.user_id)}), 200
