"""Use case: the tags in use."""
from __future__ import annotations

from typing import Any

from app.repositories import TagRepository, unit_of_work


def list_tags() -> dict[str, Any]:
    with unit_of_work() as session:
        return {"tags": TagRepository(session).in_use()}
