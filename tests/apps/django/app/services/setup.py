"""Startup use case: make sure the schema exists before serving."""
from __future__ import annotations

from app.repositories import create_schema


def initialise() -> None:
    create_schema()
