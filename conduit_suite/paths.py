"""Dotted JSON paths (`user.token`, `articles[0].author.username`) over parsed bodies.

Suites name the values they check with these paths. A path that does not
resolve yields `MISSING` rather than raising, so an assertion on an absent
value fails and still counts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class _Missing:
    """The value at a path that does not resolve (distinct from JSON null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@lru_cache(maxsize=1024)
def parse_path(path: str) -> tuple[str | int, ...]:
    """Split a path into keys (str) and list indexes (int); '' or '$' is the root."""
    if path in ("", "$"):
        return ()
    steps: list[str | int] = []
    pos = 0
    for match in _TOKEN.finditer(path):
        if match.start() != pos and path[pos : match.start()] != ".":
            raise ValueError(f"bad JSON path {path!r}")
        key, index = match.groups()
        steps.append(int(index) if index is not None else key)
        pos = match.end()
    if pos != len(path) or not steps:
        raise ValueError(f"bad JSON path {path!r}")
    return tuple(steps)


def resolve(data: Any, path: str) -> Any:
    """The value at `path` in `data`, or MISSING when a step does not exist."""
    value = data
    for step in parse_path(path):
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return MISSING
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return MISSING
            value = value[step]
    return value
