"""Tags in use."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.services import tags

router = APIRouter()


@router.get("/tags")
def list_tags() -> dict[str, Any]:
    return tags.list_tags()
