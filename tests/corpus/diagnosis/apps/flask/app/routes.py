"""The Conduit API's routes, one blueprint under /api."""

from flask import Blueprint, jsonify, request

from app.auth import current_user
from app.services import articles, users

api = Blueprint("api", __name__, url_prefix="/api")


def viewer(required=True):
    return current_user(request.headers.get("Authorization"), required=required)


@api.post("/users")
def register():
    data = request.get_json()["user"]
    return jsonify(user=users.register(data)), 201


@api.post("/users/login")
def login():
    return jsonify(user=users.login(request.get_json()["user"]))


@api.get("/user")
def me():
    return jsonify(user=users.user_out(viewer()))


@api.put("/user")
def update_me():
    data = request.get_json()["user"]
    return jsonify(user=users.update_user(viewer(), data))


@api.get("/profiles/<username>")
def profile(username):
    return jsonify(profile=users.get_profile(username, viewer(required=False)))


@api.post("/profiles/<username>/follow")
def follow(username):
    return jsonify(profile=users.follow(viewer(), username))


@api.get("/articles")
def list_articles():
    args = request.args
    return jsonify(
        articles.list_articles(
            viewer(required=False),
            tag=args.get("tag"),
            author=args.get("author"),
            favorited=args.get("favorited"),
            limit=int(args.get("limit", 20)),
            offset=int(args.get("offset", 0)),
        )
    )


@api.get("/articles/feed")
def feed():
    args = request.args
    return jsonify(articles.feed(viewer(), limit=int(args.get("limit", 20)), offset=int(args.get("offset", 0))))


@api.post("/articles")
def create_article():
    data = request.get_json()["article"]
    return jsonify(article=articles.create_article(viewer(), data)), 201


@api.get("/articles/<slug>")
def get_article(slug):
    return jsonify(article=articles.get_article(slug, viewer(required=False)))


@api.put("/articles/<slug>")
def update_article(slug):
    data = request.get_json()["article"]
    return jsonify(article=articles.update_article(slug, viewer(), data))


@api.delete("/articles/<slug>")
def delete_article(slug):
    articles.delete_article(slug, viewer())
    return "", 204


@api.post("/articles/<slug>/favorite")
def favorite(slug):
    return jsonify(article=articles.favorite(slug, viewer()))


@api.delete("/articles/<slug>/favorite")
def unfavorite(slug):
    request.get_json(silent=True)
    return jsonify(article=articles.unfavorite(slug, viewer()))


@api.get("/tags")
def tags():
    return jsonify(articles.all_tags())
