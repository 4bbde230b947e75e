"""Articles, the feed and favorites."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from app.routes.dependencies import current_viewer, optional_viewer
from app.services import articles
from app.services.security import Viewer

router = APIRouter()


# Query values stay strings: the service validates them so bad paging gets the
# Conduit envelope, not FastAPI's validation shape.
@router.get("/articles")
def list_articles(
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
    viewer: Viewer | None = Depends(optional_viewer),
) -> dict[str, Any]:
    return articles.list_articles(viewer, tag=tag, author=author, favorited=favorited, limit=limit, offset=offset)


# Declared before /articles/{slug} so "feed" is not taken for a slug.
@router.get("/articles/feed")
def feed(
    limit: str | None = None, offset: str | None = None, viewer: Viewer = Depends(current_viewer)
) -> dict[str, Any]:
    return articles.feed(viewer, limit=limit, offset=offset)


@router.post("/articles", status_code=201)
def create_article(payload: Any = Body(default=None), viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return articles.create(viewer, payload)


@router.get("/articles/{slug}")
def get_article(slug: str, viewer: Viewer | None = Depends(optional_viewer)) -> dict[str, Any]:
    return articles.get(viewer, slug)


@router.put("/articles/{slug}")
def update_article(
    slug: str, payload: Any = Body(default=None), viewer: Viewer = Depends(current_viewer)
) -> dict[str, Any]:
    return articles.update(viewer, slug, payload)


@router.delete("/articles/{slug}")
def delete_article(slug: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    articles.delete(viewer, slug)
    return {}


# Trap: favorite/unfavorite are POSTed with an empty body; no body parameter here,
# or FastAPI rejects the request with 422 before the handler runs.
@router.post("/articles/{slug}/favorite")
def favorite(slug: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return articles.favorite(viewer, slug)


@router.delete("/articles/{slug}/favorite")
def unfavorite(slug: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return articles.unfavorite(viewer, slug)
