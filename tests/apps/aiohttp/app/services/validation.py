"""Checks on request payloads, shared by the use cases."""
from __future__ import annotations

from typing import Any

from app.services.errors import ValidationFailed

DEFAULT_LIMIT = 20


def section(payload: Any, key: str) -> dict[str, Any]:
    """The `{"<key>": {...}}` envelope's inner object, or 422."""
    if not isinstance(payload, dict) or not isinstance(payload.get(key), dict):
        raise ValidationFailed(f"{key} can't be blank")
    return payload[key]


def required_texts(data: dict[str, Any], *fields: str) -> dict[str, str]:
    """Every named field as a non-blank string; one message per missing field."""
    missing = [f"{field} can't be blank" for field in fields if not _is_text(data.get(field))]
    if missing:
        raise ValidationFailed(*missing)
    return {field: data[field] for field in fields}


def optional_text(data: dict[str, Any], field: str) -> str | None:
    """A field that may be absent, but when present must be a non-blank string."""
    if field not in data:
        return None
    value = data[field]
    if not _is_text(value):
        raise ValidationFailed(f"{field} can't be blank")
    return value


def nullable_text(data: dict[str, Any], field: str) -> str | None:
    """A field that may be a string or null (bio, image)."""
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a string")
    return value


def tag_list(data: dict[str, Any]) -> list[str] | None:
    """tagList in the order given without duplicates; None when absent."""
    value = data.get("tagList")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValidationFailed("tagList must be a list of strings")
    return list(dict.fromkeys(tag.strip() for tag in value if tag.strip()))


def paging(limit: str | None, offset: str | None) -> tuple[int, int]:
    """`limit` (default 20) and `offset` (default 0) from query strings; 422 when not integers >= 0."""
    return _non_negative("limit", limit, DEFAULT_LIMIT), _non_negative("offset", offset, 0)


def _non_negative(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be an integer") from None
    if value < 0:
        raise ValidationFailed(f"{name} must not be negative")
    return value


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""
