"""Suites as data: a YAML file under `conduit_suite/suites/` becomes a `Suite`.

A suite is an ordered list of requests. Each request names its OpenAPI
operation, method and path template (relative to the API prefix), an
optional templated JSON body and query, whether it sends the auth token (and
which variable holds it), the values it captures for later requests, and its
assertions. Reusable assertion groups (`groups:`) are expanded at load time
under a base path (`{group: ARTICLE, at: "articles[0]"}`), so the counted
assertions are exactly what the file lists.

Loading checks the file thoroughly (known assertion kinds and arities,
operations that exist in the OpenAPI contract with that method and path,
unique request names, unique assertion texts per request) so that a mistake
in a suite is an error at load time, not a silently different count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from conduit_suite.assertions import KINDS
from conduit_suite.template import variables_in

_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}
_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PATH_ARGS = ("path", "other")
_ASSERTION_KEYS = {"operation", "text"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SuiteError(ValueError):
    """A suite file that cannot be used as written."""


@dataclass(frozen=True)
class AssertionSpec:
    kind: str
    args: tuple[Any, ...]
    text: str
    operation: str
    # Whether any argument holds a `{{NAME}}` template; when not, a run judges the arguments as written
    # instead of rendering them again for every request. True (always render) unless computed at load.
    templated: bool = field(default=True, compare=False, repr=False)


@dataclass(frozen=True)
class RequestSpec:
    name: str
    operation: str
    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    auth: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    capture: dict[str, str] = field(default_factory=dict)
    assertions: tuple[AssertionSpec, ...] = ()
    uses: tuple[str, ...] = field(default=(), metadata={"doc": "variables the request and its assertions read"})


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    requests: tuple[RequestSpec, ...]
    variables: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    auth_header: str = "Authorization"
    auth_scheme: str = "Token"
    schema_source: str | None = None
    schema_nullable: tuple[str, ...] = ()

    @property
    def assertion_count(self) -> int:
        return sum(len(r.assertions) for r in self.requests)


def suite_names() -> list[str]:
    """Names of the suites shipped with the package."""
    folder = resources.files("conduit_suite").joinpath("suites")
    return sorted(p.name.removesuffix(".yml") for p in folder.iterdir() if p.name.endswith(".yml"))


@lru_cache(maxsize=16)
def load_suite(name: str) -> Suite:
    """A shipped suite by name (`compat`, `strict`), or a suite file by path."""
    if name.endswith((".yml", ".yaml")) and Path(name).is_file():
        text = Path(name).read_text()
    elif name in suite_names():
        text = resources.files("conduit_suite").joinpath("suites", f"{name}.yml").read_text()
    else:
        raise SuiteError(f"unknown suite {name!r}; known: {', '.join(suite_names())}")
    return parse_suite(yaml.load(text, Loader=_Loader), default_name=Path(name).stem)


def parse_suite(data: dict[str, Any], default_name: str = "suite") -> Suite:
    """Build a Suite from its parsed YAML, checking it against the OpenAPI contract."""
    if not isinstance(data, dict) or not isinstance(data.get("requests"), list):
        raise SuiteError("a suite is a mapping with a 'requests' list")
    name = str(data.get("name", default_name))
    groups = data.get("groups") or {}
    auth = data.get("auth") or {}
    schemas = data.get("schemas") or {}
    operations = _operations()
    requests: list[RequestSpec] = []
    seen: set[str] = set()
    for raw in data["requests"]:
        request = _parse_request(raw, groups, auth.get("variable", "token"), operations)
        if request.name in seen:
            raise SuiteError(f"{name}: duplicate request name {request.name!r}")
        seen.add(request.name)
        requests.append(request)
    suite = Suite(
        name=name,
        description=str(data.get("description", "")).strip(),
        requests=tuple(requests),
        variables={str(k): str(v) for k, v in (data.get("variables") or {}).items()},
        headers={str(k): str(v) for k, v in (data.get("headers") or {}).items()},
        auth_header=str(auth.get("header", "Authorization")),
        auth_scheme=str(auth.get("scheme", "Token")),
        schema_source=schemas.get("source"),
        schema_nullable=tuple(schemas.get("nullable") or ()),
    )
    _check_schemas(suite)
    return suite


def _check_schemas(suite: Suite) -> None:
    """Every `schema:` assertion names a component of the suite's declared OpenAPI document."""
    components = {a.args[0] for r in suite.requests for a in r.assertions if a.kind == "schema"}
    if not components:
        return
    if not suite.schema_source:
        raise SuiteError(f"{suite.name}: 'schema' assertions need a 'schemas: {{source: ...}}' entry")
    from conduit_suite.schemas import load_schemas

    try:
        schemas = load_schemas(suite.schema_source, suite.schema_nullable)
        for component in sorted(components):
            schemas.pointer(component)
    except (KeyError, FileNotFoundError, TypeError) as exc:
        raise SuiteError(f"{suite.name}: schemas: {exc}") from exc


def _parse_request(
    raw: dict[str, Any], groups: dict[str, list[Any]], default_auth: str, operations: dict[str, tuple[str, str]]
) -> RequestSpec:
    if not isinstance(raw, dict):
        raise SuiteError(f"request {raw!r} is not a mapping")
    where = f"request {raw.get('name', '?')!r}"
    for key in ("name", "operation", "method", "path"):
        if key not in raw:
            raise SuiteError(f"{where}: missing '{key}'")
    name, operation, method, path = (
        str(raw["name"]),
        str(raw["operation"]),
        str(raw["method"]).upper(),
        str(raw["path"]),
    )
    if method not in _METHODS:
        raise SuiteError(f"{where}: unknown method {method}")
    if operation not in operations:
        raise SuiteError(f"{where}: unknown operation {operation!r}")
    if operations[operation] != (method, path):
        raise SuiteError(f"{where}: {operation} is {' '.join(operations[operation])}, not {method} {path}")
    auth = raw.get("auth", False)
    assertions = _expand(raw.get("assert") or [], groups, where)
    texts: set[str] = set()
    parsed: list[AssertionSpec] = []
    for spec in assertions:
        assertion = _parse_assertion(spec, operation, operations, where)
        if assertion.text in texts:
            raise SuiteError(f"{where}: two assertions read {assertion.text!r}; give one a 'text'")
        texts.add(assertion.text)
        parsed.append(assertion)
    request = RequestSpec(
        name=name,
        operation=operation,
        method=method,
        path=path,
        params=dict(raw.get("params") or {}),
        query=dict(raw.get("query") or {}),
        body=raw.get("body"),
        auth=default_auth if auth is True else (str(auth) if auth else None),
        headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
        capture={str(k): str(v) for k, v in (raw.get("capture") or {}).items()},
        assertions=tuple(parsed),
    )
    return replace(request, uses=_uses(request))


def _expand(items: list[Any], groups: dict[str, list[Any]], where: str, prefix: str = "") -> list[dict[str, Any]]:
    """Inline `{group: NAME, at: PATH}` entries, prefixing their paths with PATH."""
    out: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise SuiteError(f"{where}: assertion {item!r} is not a mapping")
        if "group" in item:
            group = groups.get(item["group"])
            if group is None:
                raise SuiteError(f"{where}: unknown assertion group {item['group']!r}")
            at = _join(prefix, str(item.get("at", "")))
            out.extend(_expand(group, groups, where, at))
        elif prefix:
            out.append(_prefixed(item, prefix, where))
        else:
            out.append(item)
    return out


def _prefixed(item: dict[str, Any], prefix: str, where: str) -> dict[str, Any]:
    kind = _kind_of(item, where)
    params = KINDS[kind].params
    args = _args(item[kind], params, where, kind)
    args = [(_join(prefix, a) if p in _PATH_ARGS else a) for p, a in zip(params, args)]
    return {**item, kind: args if len(params) > 1 else args[0]}


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _kind_of(item: dict[str, Any], where: str) -> str:
    kinds = [k for k in item if k not in _ASSERTION_KEYS]
    if len(kinds) != 1 or kinds[0] not in KINDS:
        raise SuiteError(f"{where}: assertion {item!r} must name exactly one known kind ({', '.join(sorted(KINDS))})")
    return kinds[0]


def _args(value: Any, params: tuple[str, ...], where: str, kind: str) -> list[Any]:
    if len(params) == 1:
        return [value]
    if not isinstance(value, list) or len(value) != len(params):
        raise SuiteError(f"{where}: '{kind}' takes [{', '.join(params)}], got {value!r}")
    return list(value)


def _parse_assertion(
    item: dict[str, Any], operation: str, operations: dict[str, tuple[str, str]], where: str
) -> AssertionSpec:
    kind = _kind_of(item, where)
    spec = KINDS[kind]
    args = tuple(_args(item[kind], spec.params, where, kind))
    checks = str(item.get("operation", operation))
    if checks not in operations:
        raise SuiteError(f"{where}: assertion names unknown operation {checks!r}")
    text = str(item["text"]) if "text" in item else spec.text(*args)
    return AssertionSpec(kind=kind, args=args, text=text, operation=checks, templated=bool(variables_in(list(args))))


@lru_cache(maxsize=1)
def _operations() -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path) from the shipped OpenAPI contract."""
    text = resources.files("conduit_suite").joinpath("data", "openapi.yml").read_text()
    doc = yaml.load(text, Loader=_Loader)
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if "operationId" in op
    }


def _uses(request: RequestSpec) -> tuple[str, ...]:
    """Every variable the request or its assertions read (the captures of earlier requests among them)."""
    templates = [request.params.get(name, "{{%s}}" % name) for name in path_params(request.path)]
    names = variables_in(
        [templates, request.query, request.headers, request.body, [list(a.args) for a in request.assertions]]
    )
    if request.auth:
        names.append(request.auth)
    return tuple(dict.fromkeys(names))


def path_params(path: str) -> list[str]:
    """The `{name}` parameters of a path template."""
    return _PATH_PARAM.findall(path)
