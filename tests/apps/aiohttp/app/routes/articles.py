"""Articles, the feed and favorites."""
from __future__ import annotations

from aiohttp import web

from app.routes.http import add, authorization, blocking, json_body, ok
from app.services import articles, auth


async def list_articles(request: web.Request) -> web.Response:
    viewer = await blocking(auth.optional_viewer, authorization(request))
    query = request.query
    payload = await blocking(
        articles.list_articles,
        viewer,
        tag=query.get("tag"),
        author=query.get("author"),
        favorited=query.get("favorited"),
        limit=query.get("limit"),
        offset=query.get("offset"),
    )
    return ok(payload)


async def feed(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    query = request.query
    payload = await blocking(articles.feed, viewer, limit=query.get("limit"), offset=query.get("offset"))
    return ok(payload)


async def create_article(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(articles.create, viewer, await json_body(request)), status=201)


async def get_article(request: web.Request) -> web.Response:
    viewer = await blocking(auth.optional_viewer, authorization(request))
    return ok(await blocking(articles.get, viewer, request.match_info["slug"]))


async def update_article(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    payload = await json_body(request)
    return ok(await blocking(articles.update, viewer, request.match_info["slug"], payload))


async def delete_article(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    await blocking(articles.delete, viewer, request.match_info["slug"])
    return ok({})


# Favorite/unfavorite never read the body: clients POST them empty.
async def favorite(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(articles.favorite, viewer, request.match_info["slug"]))


async def unfavorite(request: web.Request) -> web.Response:
    viewer = await blocking(auth.require_viewer, authorization(request))
    return ok(await blocking(articles.unfavorite, viewer, request.match_info["slug"]))


def register(router: web.UrlDispatcher) -> None:
    add(router, "GET", "/api/articles/feed", feed)
    add(router, "GET", "/api/articles", list_articles)
    add(router, "POST", "/api/articles", create_article)
    add(router, "GET", "/api/articles/{slug}", get_article)
    add(router, "PUT", "/api/articles/{slug}", update_article)
    add(router, "DELETE", "/api/articles/{slug}", delete_article)
    add(router, "POST", "/api/articles/{slug}/favorite", favorite)
    add(router, "DELETE", "/api/articles/{slug}/favorite", unfavorite)
