"""Suites as data: a YAML file under `conduit_suite/suites/` becomes a `Suite`.

A suite is an ordered list of requests. Each request names its OpenAPI
operation, method and path template (relative to the API prefix), an
optional templated JSON body and query, whether it sends the auth token (and
which variable holds it), the values it captures for later requests, and its
assertions. Reusable assertion groups (`groups:`) are expanded at load time
under a base path (`{group: ARTICLE, at: "articles[0]"}`), so the counted
assertions are exactly what the file lists.

Each assertion may name an `aspect` (one of `conduit_suite.aspects`) and
`cites` the rule it follows (`behaviour:<rule>` of data/conduit-behaviour.md,
`openapi:<operation or component>`, or `openapi` for the operation it
checks). Both can be given on the assertion, on a group (`GROUP: {aspect: X,
cites: Y, assert: [...]}`), on the `{group: ...}` entry that uses a group, or
on the request; the innermost wins. `require: [aspect, cites]` makes both
mandatory for every assertion of the suite.

Loading checks the file thoroughly (known keys, assertion kinds and arities,
operations that exist in the OpenAPI contract with that method and path,
unique request names, unique assertion texts per request, known aspects,
citations that exist, rules beyond the spec only in the `beyond_spec`
aspect) so that a mistake in a suite is an error at load time, not a
silently different count. A request (or assertion) that reads a variable
no suite variable, built-in or earlier capture sets is a load error too.

A repository's own suite (`contract=False`, docs/suites.md) uses the same
format without the Conduit contract: `operation` is optional (it defaults to
`METHOD path`), any path is allowed, and `cites` is kept as written. Read
from a file, every error names the file and the line of the item at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from conduit_suite.aspects import ASPECT_NAMES, BEYOND_SPEC
from conduit_suite.assertions import KINDS
from conduit_suite.behaviour import CitationError, cite
from conduit_suite.template import variables_in

_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}
_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PATH_ARGS = ("path", "other")
_DEFAULT_KEYS = ("aspect", "cites")
_ASSERTION_KEYS = {"operation", "text", *_DEFAULT_KEYS}
_GROUP_USE_KEYS = {"group", "at", *_DEFAULT_KEYS}
_GROUP_KEYS = {"assert", *_DEFAULT_KEYS}
_SUITE_KEYS = {"name", "description", "headers", "auth", "schemas", "variables", "groups", "requests", "require"}
_REQUEST_KEYS = {
    "name",
    "operation",
    "method",
    "path",
    "params",
    "query",
    "body",
    "auth",
    "headers",
    "capture",
    "assert",
    *_DEFAULT_KEYS,
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Variables every run sets: RUN and `unique` a token unique to the run, `api` the API root URL.
BUILTIN_VARIABLES = ("RUN", "unique", "api")


class SuiteError(ValueError):
    """A suite file that cannot be used as written; `line` is the 1-based line of the item at fault, if known."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.message, self.file, self.line = message, file, line
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + message)


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every mapping it builds (by object id, for error messages)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=True)
        self.lines[id(mapping)] = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node),  # type: ignore[arg-type]
)


class _Lines:
    """Where the parser is: the innermost item with a known line wins for an error raised inside it."""

    def __init__(self, lines: dict[int, int] | None) -> None:
        self.lines = lines or {}

    def at(self, item: Any) -> _At:
        return _At(self.lines.get(id(item)))


class _At:
    def __init__(self, line: int | None) -> None:
        self.line = line

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if isinstance(exc, SuiteError) and exc.line is None and self.line is not None:
            exc.line = self.line


@dataclass(frozen=True)
class AssertionSpec:
    kind: str
    args: tuple[Any, ...]
    text: str
    operation: str
    # Whether any argument holds a `{{NAME}}` template; when not, a run judges the arguments as written
    # instead of rendering them again for every request. True (always render) unless computed at load.
    templated: bool = field(default=True, compare=False, repr=False)
    aspect: str | None = None
    cites: str | None = field(default=None, metadata={"doc": "resolved citation, e.g. 'behaviour:errors.envelope'"})
    uses: tuple[str, ...] = field(default=(), metadata={"doc": "variables the arguments read"})


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
    inputs: tuple[str, ...] = field(
        default=(), metadata={"doc": "variables the request itself (not its assertions) reads"}
    )
    aspect_totals: dict[str, int] = field(default_factory=dict, metadata={"doc": "assertions per aspect"})
    operation_totals: dict[str, int] = field(default_factory=dict, metadata={"doc": "assertions per checked operation"})


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
    contract: bool = field(default=True, metadata={"doc": "checked against the Conduit OpenAPI contract"})

    @property
    def assertion_count(self) -> int:
        return sum(len(r.assertions) for r in self.requests)


def suite_names() -> list[str]:
    """Names of the suites shipped with the package."""
    folder = resources.files("conduit_suite").joinpath("suites")
    return sorted(p.name.removesuffix(".yml") for p in folder.iterdir() if p.name.endswith(".yml"))


@lru_cache(maxsize=16)
def load_suite(name: str) -> Suite:
    """A shipped suite by name (`compat`, `strict`), or a suite file by path (checked as a repository's)."""
    if name in suite_names():
        text = resources.files("conduit_suite").joinpath("suites", f"{name}.yml").read_text()
        return parse_suite(yaml.load(text, Loader=_Loader), default_name=name)
    if name.endswith((".yml", ".yaml")) and Path(name).is_file():
        return load_suite_file(Path(name))
    raise SuiteError(f"unknown suite {name!r}; known: {', '.join(suite_names())}")


def load_suite_file(path: Path, *, display: str | None = None, provided: tuple[str, ...] = ()) -> Suite:
    """A repository's suite file; SuiteError with `file:line` when it cannot be used as written."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"cannot read the suite: {exc}", file=shown) from None
    return parse_suite_text(text, source=shown, provided=provided)


def parse_suite_text(
    text: str, *, source: str = "suite.yml", provided: tuple[str, ...] = (), contract: bool = False
) -> Suite:
    """A repository's suite from its YAML text (`source` names it in errors); `contract` as in `parse_suite`.

    Anchors and aliases are refused: a few lines of them can stand for more data than any suite needs."""
    loader = _LineLoader(text)
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise SuiteError(
                    "YAML aliases (*name) are not allowed in a suite", file=source, line=mark.line + 1 if mark else None
                )
        data = loader.get_single_data()
    except RecursionError:
        raise SuiteError("the suite nests too deeply", file=source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise SuiteError(f"YAML syntax: {problem}", file=source, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SuiteError(f"YAML syntax: {exc}", file=source) from None
    finally:
        loader.dispose()
    try:
        return parse_suite(
            data, default_name=Path(source).stem, contract=contract, provided=provided, lines=loader.lines
        )
    except SuiteError as exc:
        raise SuiteError(exc.message, file=source, line=exc.line or 1) from None
    except RecursionError:
        raise SuiteError("the suite nests too deeply", file=source) from None


def parse_suite(
    data: dict[str, Any],
    default_name: str = "suite",
    *,
    contract: bool = True,
    provided: tuple[str, ...] = (),
    lines: dict[int, int] | None = None,
) -> Suite:
    """Build a Suite from its parsed YAML; with `contract`, checking it against the Conduit OpenAPI contract.

    `provided` names variables the caller sets beyond the suite's own (a repository config's `variables:`).
    """
    if not isinstance(data, dict) or not isinstance(data.get("requests"), list):
        raise SuiteError("a suite is a mapping with a 'requests' list")
    at = _Lines(lines)
    name = str(data.get("name", default_name))
    _known_keys(data, _SUITE_KEYS, name)
    for key in ("headers", "variables", "auth", "schemas"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise SuiteError(f"{name}: '{key}' is a mapping, got {data[key]!r}")
    groups = data.get("groups") or {}
    if not isinstance(groups, dict):
        raise SuiteError(f"{name}: 'groups' is a mapping of names to assertion lists")
    auth = data.get("auth") or {}
    schemas = data.get("schemas") or {}
    require = data.get("require") or []
    if not isinstance(require, list) or not set(require) <= set(_DEFAULT_KEYS):
        raise SuiteError(f"{name}: 'require' lists some of {', '.join(_DEFAULT_KEYS)}, got {require!r}")
    if schemas and not contract:
        raise SuiteError(f"{name}: 'schemas' (OpenAPI components of the Conduit contract) is for built-in suites")
    operations = _operations() if contract else None
    variables = {str(k): str(v) for k, v in (data.get("variables") or {}).items()}
    known = {*BUILTIN_VARIABLES, *variables, *provided}
    requests: list[RequestSpec] = []
    seen: set[str] = set()
    for raw in data["requests"]:
        with at.at(raw):
            request = _parse_request(raw, groups, str(auth.get("variable", "token")), operations, at, known)
            if request.name in seen:
                raise SuiteError(f"{name}: duplicate request name {request.name!r}")
            for key in require:
                for assertion in request.assertions:
                    if getattr(assertion, key) is None:
                        raise SuiteError(
                            f"{name}: request {request.name!r}: assertion {assertion.text!r} has no '{key}' "
                            f"(the suite requires one for every assertion)"
                        )
        seen.add(request.name)
        known.update(request.capture)
        requests.append(request)
    suite = Suite(
        name=name,
        description=str(data.get("description", "")).strip(),
        requests=tuple(requests),
        variables=variables,
        headers={str(k): str(v) for k, v in (data.get("headers") or {}).items()},
        auth_header=str(auth.get("header", "Authorization")),
        auth_scheme=str(auth.get("scheme", "Token")),
        schema_source=schemas.get("source"),
        schema_nullable=tuple(schemas.get("nullable") or ()),
        contract=contract,
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
    raw: dict[str, Any],
    groups: dict[str, list[Any]],
    default_auth: str,
    operations: dict[str, tuple[str, str]] | None,
    at: _Lines,
    known: set[str],
) -> RequestSpec:
    """One request; every variable it reads must be `known` (set before it runs) or, for its assertions,
    one of its own captures."""
    if not isinstance(raw, dict):
        raise SuiteError(f"request {raw!r} is not a mapping")
    where = f"request {raw.get('name', '?')!r}"
    _known_keys(raw, _REQUEST_KEYS, where)
    required = ("name", "operation", "method", "path") if operations is not None else ("name", "method", "path")
    for key in required:
        if key not in raw:
            raise SuiteError(f"{where}: missing '{key}'")
    for key in ("params", "query", "headers", "capture"):
        if raw.get(key) is not None and not isinstance(raw[key], dict):
            raise SuiteError(f"{where}: '{key}' is a mapping, got {raw[key]!r}")
    name, method, path = str(raw["name"]), str(raw["method"]).upper(), str(raw["path"])
    operation = str(raw.get("operation") or f"{method} {path}")
    if method not in _METHODS:
        raise SuiteError(f"{where}: unknown method {method}")
    if not path.startswith("/"):
        raise SuiteError(f"{where}: path {path!r} must start with '/'")
    if operations is not None:
        if operation not in operations:
            raise SuiteError(f"{where}: unknown operation {operation!r}")
        if operations[operation] != (method, path):
            raise SuiteError(f"{where}: {operation} is {' '.join(operations[operation])}, not {method} {path}")
    auth = raw.get("auth", False)
    captures = {str(k) for k in raw.get("capture") or {}}
    assertions = _expand(raw.get("assert") or [], groups, where, defaults=_defaults(raw, {}, where), at=at)
    texts: set[str] = set()
    parsed: list[AssertionSpec] = []
    for spec in assertions:
        with at.at(spec):
            assertion = _parse_assertion(spec, operation, operations, where)
            unknown = [v for v in assertion.uses if v not in known and v not in captures]
            if unknown:
                raise SuiteError(f"{where}: assertion {assertion.text!r} reads {_never_set(unknown)}")
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
    unknown = [v for v in _inputs(request) if v not in known]
    if unknown:
        raise SuiteError(f"{where} reads {_never_set(unknown)}")
    return replace(
        request,
        uses=_uses(request),
        inputs=_inputs(request),
        aspect_totals=_tally(a.aspect for a in parsed),
        operation_totals=_tally(a.operation for a in parsed),
    )


def _never_set(names: list[str]) -> str:
    listed = ", ".join("{{%s}}" % n for n in names)
    return f"{listed}, which no suite variable, built-in ({', '.join(BUILTIN_VARIABLES)}) or earlier capture sets"


def _known_keys(data: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise SuiteError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _defaults(item: dict[str, Any], inherited: dict[str, Any], where: str) -> dict[str, Any]:
    """`inherited` with the `aspect`/`cites` an item sets for what it holds."""
    own = {k: item[k] for k in _DEFAULT_KEYS if k in item}
    for key, value in own.items():
        if not isinstance(value, str) or not value:
            raise SuiteError(f"{where}: '{key}' is a non-empty string, got {value!r}")
    return {**inherited, **own}


def _tally(keys: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _expand(
    items: list[Any],
    groups: dict[str, Any],
    where: str,
    prefix: str = "",
    defaults: dict[str, Any] | None = None,
    within: tuple[str, ...] = (),
    at: _Lines | None = None,
) -> list[dict[str, Any]]:
    """Inline `{group: NAME, at: PATH}` entries, prefixing their paths with PATH.

    Each assertion comes out with the `aspect`/`cites` that applies to it:
    its own, else the innermost one set around it (group definition, then the
    entry using the group, then enclosing groups, then the request).
    """
    defaults = defaults or {}
    at = at or _Lines(None)
    if not isinstance(items, list):
        raise SuiteError(f"{where}: an assertion list is a list, got {items!r}")
    out: list[dict[str, Any]] = []
    for item in items:
        with at.at(item):
            if not isinstance(item, dict):
                raise SuiteError(f"{where}: assertion {item!r} is not a mapping")
            if "group" in item:
                _known_keys(item, _GROUP_USE_KEYS, f"{where}: group entry {item.get('group')!r}")
                name = item["group"]
                if name in within:
                    raise SuiteError(f"{where}: assertion group {name!r} includes itself")
                group = groups.get(name)
                if group is None:
                    raise SuiteError(f"{where}: unknown assertion group {name!r}")
                inner = _defaults(item, defaults, where)
                if isinstance(group, dict):
                    _known_keys(group, _GROUP_KEYS, f"group {name!r}")
                    inner = _defaults(group, inner, f"group {name!r}")
                    group = group.get("assert") or []
                place = _join(prefix, str(item.get("at", "")))
                out.extend(_expand(group, groups, where, place, inner, (*within, name), at))
            else:
                expanded = {**defaults, **item}
                expanded = _prefixed(expanded, prefix, where) if prefix else expanded
                if id(item) in at.lines:
                    at.lines[id(expanded)] = at.lines[id(item)]
                out.append(expanded)
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
    item: dict[str, Any], operation: str, operations: dict[str, tuple[str, str]] | None, where: str
) -> AssertionSpec:
    kind = _kind_of(item, where)
    spec = KINDS[kind]
    args = tuple(_args(item[kind], spec.params, where, kind))
    checks = str(item.get("operation", operation))
    if operations is not None and checks not in operations:
        raise SuiteError(f"{where}: assertion names unknown operation {checks!r}")
    if operations is None and kind == "schema":
        raise SuiteError(f"{where}: 'schema' assertions check the Conduit contract's components (built-in suites)")
    text = str(item["text"]) if "text" in item else spec.text(*args)
    aspect, cites = item.get("aspect"), item.get("cites")
    if aspect is not None and aspect not in ASPECT_NAMES:
        raise SuiteError(f"{where}: assertion {text!r}: unknown aspect {aspect!r}; known: {', '.join(ASPECT_NAMES)}")
    citation = None
    if cites is not None and operations is None:  # a repository's suite: no contract to resolve it in
        cites = str(cites)
    elif cites is not None:
        try:
            citation = cite(str(cites), checks)
        except CitationError as exc:
            raise SuiteError(f"{where}: assertion {text!r} {exc}") from None
        if citation.beyond_spec and aspect != BEYOND_SPEC:
            raise SuiteError(
                f"{where}: assertion {text!r} cites {citation.ref}, a rule beyond the spec: its aspect is {BEYOND_SPEC}"
            )
    if operations is not None and aspect == BEYOND_SPEC and (citation is None or not citation.beyond_spec):
        raise SuiteError(f"{where}: assertion {text!r} is {BEYOND_SPEC}: it cites a rule marked beyond the spec")
    uses = tuple(dict.fromkeys(variables_in(list(args))))
    return AssertionSpec(
        kind=kind,
        args=args,
        text=text,
        operation=checks,
        templated=bool(uses),
        aspect=aspect,
        cites=citation.ref if citation else cites,
        uses=uses,
    )


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
    names = list(_inputs(request))
    names.extend(v for a in request.assertions for v in a.uses)
    return tuple(dict.fromkeys(names))


def _inputs(request: RequestSpec) -> tuple[str, ...]:
    """The variables that go into the request sent: path, query, headers, body and the auth token."""
    templates = [request.params.get(name, "{{%s}}" % name) for name in path_params(request.path)]
    names = variables_in([templates, request.query, request.headers, request.body])
    if request.auth:
        names.append(request.auth)
    return tuple(dict.fromkeys(names))


def path_params(path: str) -> list[str]:
    """The `{name}` parameters of a path template."""
    return _PATH_PARAM.findall(path)
