"""The Conduit API's routes, one blueprint under /api."""

from flask import Blueprint, jsonify, request

from app.auth import current_user
from app.services import articles, users

api = Blueprint("api", __name__, url_prefix="/api")  #@blueprint


def viewer(required=True):
    return current_user(request.headers.get("Authorization"), required=required)  #@r_viewer


@api.post("/users")
def register():
    data = request.get_json()["user"]  #@r_register_body
    return jsonify(user=users.register(data)), 201  #@r_register


@api.post("/users/login")
def login():
    return jsonify(user=users.login(request.get_json()["user"]))  #@r_login


@api.get("/user")
def me():
    return jsonify(user=users.user_out(viewer()))  #@r_me


@api.put("/user")
def update_me():
    data = request.get_json()["user"]  #@r_update_user_body
    return jsonify(user=users.update_user(viewer(), data))  #@r_update_user


@api.get("/profiles/<username>")
def profile(username):
    return jsonify(profile=users.get_profile(username, viewer(required=False)))  #@r_profile


@api.post("/profiles/<username>/follow")
def follow(username):
    return jsonify(profile=users.follow(viewer(), username))  #@r_follow


@api.get("/articles")  #@d_list
def list_articles():
    args = request.args
    return jsonify(  #@r_list
        articles.list_articles(
            viewer(required=False),  #@r_list_viewer
            tag=args.get("tag"),
            author=args.get("author"),
            favorited=args.get("favorited"),
            limit=int(args.get("limit", 20)),  #@r_list_limit
            offset=int(args.get("offset", 0)),  #@r_list_offset
        )
    )


@api.get("/articles/feed")
def feed():
    args = request.args
    return jsonify(articles.feed(viewer(), limit=int(args.get("limit", 20)), offset=int(args.get("offset", 0))))  #@r_feed


@api.post("/articles")
def create_article():
    data = request.get_json()["article"]  #@r_create_body
    return jsonify(article=articles.create_article(viewer(), data)), 201  #@r_create


@api.get("/articles/<slug>")
def get_article(slug):
    return jsonify(article=articles.get_article(slug, viewer(required=False)))  #@r_get


@api.put("/articles/<slug>")
def update_article(slug):
    data = request.get_json()["article"]
    return jsonify(article=articles.update_article(slug, viewer(), data))  #@r_update


@api.delete("/articles/<slug>")
def delete_article(slug):
    articles.delete_article(slug, viewer())  #@r_delete
    return "", 204


@api.post("/articles/<slug>/favorite")
def favorite(slug):
    return jsonify(article=articles.favorite(slug, viewer()))  #@r_favorite


@api.delete("/articles/<slug>/favorite")  #@fl_unfav_rule
def unfavorite(slug):
    request.get_json(silent=True)  #@r_unfavorite_body
    return jsonify(article=articles.unfavorite(slug, viewer()))  #@r_unfavorite


@api.get("/tags")
def tags():
    return jsonify(articles.all_tags())  #@r_tags
