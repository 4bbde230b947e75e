"""Assertion kinds: a small registry of pure functions over one observed response.

A suite names a kind and gives its arguments (`equals: [user.username, "{{NAME}}"]`).
Each kind turns its unrendered arguments into the readable text that becomes
part of the assertion's stable id, and checks the rendered arguments against
the response, returning what it expected and what it found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conduit_suite.paths import MISSING, resolve


@dataclass(frozen=True)
class Observed:
    """What an assertion may look at: the response and the run's variables."""

    status: int | None
    body: Any
    variables: Mapping[str, Any]
    validate: Callable[[str, Any], str | None] | None = None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    expected: Any = None
    actual: Any = None


@dataclass(frozen=True)
class Kind:
    name: str
    params: tuple[str, ...]
    text: Callable[..., str]
    check: Callable[..., Outcome]


KINDS: dict[str, Kind] = {}


def _kind(
    name: str, *params: str, text: Callable[..., str]
) -> Callable[[Callable[..., Outcome]], Callable[..., Outcome]]:
    def register(check: Callable[..., Outcome]) -> Callable[..., Outcome]:
        KINDS[name] = Kind(name, params, text, check)
        return check

    return register


def show(value: Any) -> str:
    """A value as it appears in assertion text and failure reports."""
    if value is MISSING:
        return "<missing>"
    return json.dumps(value, sort_keys=True, default=str)


def plain(value: Any) -> Any:
    """A JSON-safe form of a value for failure records."""
    return "<missing>" if value is MISSING else value


def same(a: Any, b: Any) -> bool:
    """JSON equality: booleans are never numbers, 1 == 1.0, containers compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if a is MISSING or b is MISSING:
        return False
    return type(a) is type(b) and a == b


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_integer(v: Any) -> bool:
    # Like JavaScript's Number.isInteger: 3.0 parsed from JSON is an integer.
    return _is_number(v) and float(v).is_integer()


def _matches(item: Any, where: Mapping[str, Any]) -> bool:
    return all(same(resolve(item, path), value) for path, value in where.items())


def _where_text(where: Mapping[str, Any]) -> str:
    return ", ".join(f"{path} = {show(value)}" for path, value in where.items())


def _as_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- status and presence ---------------------------------------------------


@_kind(
    "status",
    "code",
    text=lambda code: (
        f"status is {code}" if not isinstance(code, list) else "status is one of " + ", ".join(map(str, code))
    ),
)
def _status(obs: Observed, code: int | list[int]) -> Outcome:
    allowed = code if isinstance(code, list) else [code]
    return Outcome(obs.status in allowed, code, obs.status)


@_kind("has", "path", text=lambda path: f"has {path}")
def _has(obs: Observed, path: str) -> Outcome:
    value = resolve(obs.body, path)
    return Outcome(value is not MISSING, "present", "present" if value is not MISSING else "<missing>")


@_kind("lacks", "path", text=lambda path: f"has no {path}")
def _lacks(obs: Observed, path: str) -> Outcome:
    value = resolve(obs.body, path)
    return Outcome(value is MISSING, "<missing>", plain(value))


@_kind("captured", "variable", text=lambda variable: f"{variable} was captured")
def _captured(obs: Observed, variable: str) -> Outcome:
    value = obs.variables.get(variable, MISSING)
    ok = value is not MISSING and value is not None and value != ""
    return Outcome(ok, "a captured value", plain(value))


# -- types -------------------------------------------------------------------


def _type_kind(name: str, noun: str, test: Callable[[Any], bool]) -> None:
    def check(obs: Observed, path: str) -> Outcome:
        value = resolve(obs.body, path)
        return Outcome(test(value), noun, plain(value))

    KINDS[name] = Kind(name, ("path",), lambda path: f"{path} is {noun}", check)


_type_kind("array", "an array", lambda v: isinstance(v, list))
_type_kind("object", "an object", lambda v: isinstance(v, dict))
_type_kind("integer", "an integer", _is_integer)
_type_kind("boolean", "a boolean", lambda v: isinstance(v, bool))
_type_kind("string", "a string", lambda v: isinstance(v, str))
_type_kind("nonempty", "a non-empty string", lambda v: isinstance(v, str) and v != "")


# -- values --------------------------------------------------------------------


@_kind("equals", "path", "value", text=lambda path, value: f"{path} equals {show(value)}")
def _equals(obs: Observed, path: str, value: Any) -> Outcome:
    actual = resolve(obs.body, path)
    return Outcome(same(actual, value), value, plain(actual))


@_kind("differs", "path", "value", text=lambda path, value: f"{path} differs from {show(value)}")
def _differs(obs: Observed, path: str, value: Any) -> Outcome:
    actual = resolve(obs.body, path)
    return Outcome(actual is not MISSING and not same(actual, value), f"not {show(value)}", plain(actual))


@_kind("greater", "path", "value", text=lambda path, value: f"{path} > {show(value)}")
def _greater(obs: Observed, path: str, value: Any) -> Outcome:
    actual = resolve(obs.body, path)
    ok = _is_number(actual) and _is_number(value) and actual > value
    return Outcome(ok, f"> {show(value)}", plain(actual))


@_kind("not_before", "path", "other", text=lambda path, other: f"{path} is not before {other}")
def _not_before(obs: Observed, path: str, other: str) -> Outcome:
    a, b = resolve(obs.body, path), resolve(obs.body, other)
    ta, tb = _as_time(a), _as_time(b)
    return Outcome(ta is not None and tb is not None and ta >= tb, f">= {plain(b)}", plain(a))


# -- lists -----------------------------------------------------------------------


@_kind("length", "path", "count", text=lambda path, count: f"{path} has {count} items")
def _length(obs: Observed, path: str, count: int) -> Outcome:
    actual = resolve(obs.body, path)
    n = len(actual) if isinstance(actual, list) else None
    return Outcome(n == count, count, n if n is not None else plain(actual))


@_kind("max_length", "path", "count", text=lambda path, count: f"{path} has at most {count} items")
def _max_length(obs: Observed, path: str, count: int) -> Outcome:
    actual = resolve(obs.body, path)
    n = len(actual) if isinstance(actual, list) else None
    return Outcome(n is not None and n <= count, f"<= {count}", n if n is not None else plain(actual))


@_kind("min_length", "path", "count", text=lambda path, count: f"{path} has at least {count} items")
def _min_length(obs: Observed, path: str, count: int) -> Outcome:
    actual = resolve(obs.body, path)
    n = len(actual) if isinstance(actual, list) else None
    return Outcome(n is not None and n >= count, f">= {count}", n if n is not None else plain(actual))


@_kind("contains", "path", "where", text=lambda path, where: f"{path} has an item with {_where_text(where)}")
def _contains(obs: Observed, path: str, where: Mapping[str, Any]) -> Outcome:
    actual = resolve(obs.body, path)
    ok = isinstance(actual, list) and any(_matches(item, where) for item in actual)
    return Outcome(ok, dict(where), _digest(actual, where))


@_kind("excludes", "path", "where", text=lambda path, where: f"{path} has no item with {_where_text(where)}")
def _excludes(obs: Observed, path: str, where: Mapping[str, Any]) -> Outcome:
    actual = resolve(obs.body, path)
    ok = isinstance(actual, list) and not any(_matches(item, where) for item in actual)
    return Outcome(ok, f"no item with {_where_text(where)}", _digest(actual, where))


@_kind("every", "path", "where", text=lambda path, where: f"every item of {path} has {_where_text(where)}")
def _every(obs: Observed, path: str, where: Mapping[str, Any]) -> Outcome:
    actual = resolve(obs.body, path)
    ok = isinstance(actual, list) and all(_matches(item, where) for item in actual)
    return Outcome(ok, dict(where), _digest(actual, where))


@_kind("includes", "path", "value", text=lambda path, value: f"{path} includes {show(value)}")
def _includes(obs: Observed, path: str, value: Any) -> Outcome:
    actual = resolve(obs.body, path)
    ok = isinstance(actual, list) and any(same(item, value) for item in actual)
    return Outcome(ok, value, _short(actual))


@_kind(
    "occurs",
    "path",
    "value",
    "count",
    text=lambda path, value, count: f"{path} includes {show(value)} {count} time{'s' if count != 1 else ''}",
)
def _occurs(obs: Observed, path: str, value: Any, count: int) -> Outcome:
    actual = resolve(obs.body, path)
    n = sum(1 for item in actual if same(item, value)) if isinstance(actual, list) else None
    return Outcome(n == count, count, n if n is not None else plain(actual))


@_kind("sequence", "path", "field", "values", text=lambda path, field, values: f"{path}[*].{field} is {show(values)}")
def _sequence(obs: Observed, path: str, field: str, values: list[Any]) -> Outcome:
    actual = resolve(obs.body, path)
    seen = [plain(resolve(item, field)) for item in actual] if isinstance(actual, list) else plain(actual)
    return Outcome(isinstance(seen, list) and same(seen, values), values, seen)


@_kind("sorted", "path", "field", "order", text=lambda path, field, order: f"{path} is sorted by {field} {order}")
def _sorted(obs: Observed, path: str, field: str, order: str) -> Outcome:
    actual = resolve(obs.body, path)
    if not isinstance(actual, list):
        return Outcome(False, f"sorted by {field} {order}", plain(actual))
    raw = [resolve(item, field) for item in actual]
    parsed = [_as_time(v) for v in raw]
    keys = [k for k in parsed if k is not None]
    if len(keys) != len(parsed):
        return Outcome(False, f"sorted by {field} {order}", [plain(v) for v in raw])
    pairs = list(zip(keys, keys[1:]))
    ok = all(a >= b for a, b in pairs) if order == "desc" else all(a <= b for a, b in pairs)
    return Outcome(ok, f"sorted by {field} {order}", [plain(v) for v in raw])


# -- schemas -----------------------------------------------------------------------


@_kind("schema", "component", text=lambda component: f"body matches {component}")
def _schema(obs: Observed, component: str) -> Outcome:
    if obs.validate is None:
        return Outcome(False, component, "no schemas loaded for this suite")
    error = obs.validate(component, obs.body)
    return Outcome(error is None, component, error or "valid")


def _short(value: Any, limit: int = 200) -> Any:
    text = show(value)
    return plain(value) if len(text) <= limit else text[:limit] + "..."


def _digest(actual: Any, where: Mapping[str, Any]) -> Any:
    """The listed items reduced to the fields an assertion looked at."""
    if not isinstance(actual, list):
        return plain(actual)
    return [{path: plain(resolve(item, path)) for path in where} for item in actual[:20]]
