"""Registration, login and the current user."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from app.routes.dependencies import current_viewer
from app.services import users
from app.services.security import Viewer

router = APIRouter()

# Bodies are taken as plain JSON and validated by the services, so a missing
# field yields the Conduit envelope rather than FastAPI's {"detail": ...}.


@router.post("/users", status_code=201)
def register(payload: Any = Body(default=None)) -> dict[str, Any]:
    return users.register(payload)


@router.post("/users/login")
def login(payload: Any = Body(default=None)) -> dict[str, Any]:
    return users.login(payload)


@router.get("/user")
def current_user(viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return users.current(viewer)


@router.put("/user")
def update_user(payload: Any = Body(default=None), viewer: Viewer = Depends(current_viewer)) -> dict[str, Any]:
    return users.update(viewer, payload)
