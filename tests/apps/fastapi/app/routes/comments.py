"""Comments on an article."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from app.routes.dependencies import current_viewer, optional_viewer
from app.services import comments
from app.services.security import Viewer

router = APIRouter()


@router.get("/articles/{slug}/comments")
def list_comments(slug: str, viewer: Viewer | None = Depends(optional_viewer)) -> dict[str, Any]:
    return comments.list_comments(viewer, slug)


@router.post("/articles/{slug}/comments")
def add_comment(
    slug: str, payload: Any = Body(default=None), viewer: Viewer = Depends(current_viewer)
) -> dict[str, Any]:
    return comments.add(viewer, slug, payload)


@router.delete("/articles/{slug}/comments/{comment_id}")
def delete_comment(slug: str, comment_id: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    comments.delete(viewer, slug, comment_id)
    return {}
