"""Profiles and following."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from app.routes.dependencies import current_viewer, optional_viewer
from app.services import profiles
from app.services.security import Viewer

router = APIRouter()


@router.get("/profiles/{username}")
def get_profile(username: str, viewer: Viewer | None = Depends(optional_viewer)) -> dict[str, Any]:
    return profiles.get(viewer, username)


# Trap: follow/unfollow carry no body. Declaring a body model here would make
# FastAPI answer 422 to the empty POST that clients send.
@router.post("/profiles/{username}/follow")
def follow(username: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return profiles.follow(viewer, username)


@router.delete("/profiles/{username}/follow")
def unfollow(username: str, viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return profiles.unfollow(viewer, username)
