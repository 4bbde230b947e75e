"""`{{NAME}}` templating of request parts and expected values.

A string that is exactly one `{{NAME}}` takes the variable's own value (so a
captured integer comment id stays an integer); otherwise variables are
interpolated as text. A variable that is not set renders as `UNSET`, the
literal a request then carries, so it fails naturally on the server side
instead of stopping the run.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNSET = "undefined"
_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def variables_in(value: Any) -> list[str]:
    """Names of the variables a template value refers to, in order of appearance."""
    names: list[str] = []
    _collect(value, names)
    return names


def _collect(value: Any, names: list[str]) -> None:
    if isinstance(value, str):
        names.extend(m.group(1) for m in _VAR.finditer(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, names)
            _collect(v, names)
    elif isinstance(value, list):
        for v in value:
            _collect(v, names)


def render(value: Any, variables: dict[str, Any]) -> Any:
    """`value` with every `{{NAME}}` replaced from `variables` (recursively in lists and dicts)."""
    if isinstance(value, str):
        if "{{" not in value:
            return value
        whole = _VAR.fullmatch(value)
        if whole:
            return variables.get(whole.group(1), UNSET)
        return _VAR.sub(lambda m: _as_text(variables.get(m.group(1), UNSET)), value)
    if isinstance(value, dict):
        return {render(k, variables): render(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, variables) for v in value]
    return value


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
