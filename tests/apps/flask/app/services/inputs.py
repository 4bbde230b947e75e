"""Checks on request payloads shared by the use cases."""

from __future__ import annotations

from typing import Any

from app.services.errors import ValidationFailed


def section(payload: Any, key: str) -> dict:
    """The `{"<key>": {...}}` envelope's content; a missing or non-object envelope is a 422."""
    if not isinstance(payload, dict) or not isinstance(payload.get(key), dict):
        raise ValidationFailed(f"{key} is required")
    return payload[key]


def required_text(data: dict, *fields: str) -> dict[str, str]:
    """Each field as a non-blank string, or a 422 naming every missing one."""
    missing = [f for f in fields if not isinstance(data.get(f), str) or not data[f].strip()]
    if missing:
        raise ValidationFailed(*(f"{f} can't be blank" for f in missing))
    return {f: data[f] for f in fields}


def optional_text(data: dict, field: str, *, nullable: bool = False) -> str | None:
    value = data.get(field)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a string")
    return value
