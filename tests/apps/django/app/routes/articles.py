"""Articles, the feed and favorites."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from app.routes.http import authorization, endpoint, json_body, json_response
from app.services import articles, auth


def _list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    return json_response(
        articles.list_articles(
            auth.optional_viewer(authorization(request)),
            tag=query.get("tag"),
            author=query.get("author"),
            favorited=query.get("favorited"),
            limit=query.get("limit"),
            offset=query.get("offset"),
        )
    )


def _create(request: HttpRequest) -> HttpResponse:
    viewer = auth.require_viewer(authorization(request))
    return json_response(articles.create(viewer, json_body(request)), status=201)


def _feed(request: HttpRequest) -> HttpResponse:
    viewer = auth.require_viewer(authorization(request))
    return json_response(articles.feed(viewer, limit=request.GET.get("limit"), offset=request.GET.get("offset")))


def _get(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(articles.get(auth.optional_viewer(authorization(request)), slug))


def _update(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = auth.require_viewer(authorization(request))
    return json_response(articles.update(viewer, slug, json_body(request)))


def _delete(request: HttpRequest, slug: str) -> HttpResponse:
    articles.delete(auth.require_viewer(authorization(request)), slug)
    return json_response({})


def _favorite(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(articles.favorite(auth.require_viewer(authorization(request)), slug))


def _unfavorite(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(articles.unfavorite(auth.require_viewer(authorization(request)), slug))


collection = endpoint(GET=_list, POST=_create)
feed = endpoint(GET=_feed)
article = endpoint(GET=_get, PUT=_update, DELETE=_delete)
favorite = endpoint(POST=_favorite, DELETE=_unfavorite)
