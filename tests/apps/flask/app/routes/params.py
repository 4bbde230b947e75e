"""Query-string and body parsing shared by the blueprints."""

from __future__ import annotations

from typing import Any

from flask import request

from app.services.errors import ValidationFailed


def json_body() -> Any:
    # Trap: request.get_json() raises 400 (HTML unless handled) on an empty or
    # non-JSON body sent with Content-Type: application/json. Read it silently;
    # the services answer 422 when the envelope they need is missing.
    return request.get_json(silent=True)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be an integer") from None
