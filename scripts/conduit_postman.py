"""Write the compat suite as a Postman v2.1 collection: `conduit_suite/data/conduit.postman_collection.json`.

    python scripts/conduit_postman.py [--check]

One item per compat request, in order, sending what compat sends (the same
headers, bodies, query and `Authorization: Token {{token}}`), and one
`pm.test` per compat assertion, named by the assertion's text, so newman's
per-assertion results carry compat's ids and its counts are compat's: 32
requests, 290 assertions. As in compat, a body that is not JSON reads as {},
every test runs (no guards), and a capture that finds nothing unsets its
variable. Variables come from the environment newman is given (`APIURL`,
`USERNAME`, `EMAIL`, `PASSWORD`), e.g. the `variables:` of a `postman:` suite.
`--check` exits 1 when the file on disk differs from what would be written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conduit_suite.suite import AssertionSpec, RequestSpec, Suite, load_suite, path_params

TARGET = Path(__file__).resolve().parents[1] / "conduit_suite" / "data" / "conduit.postman_collection.json"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

PRELUDE = [
    "var body = (function () { try { return pm.response.json(); } catch (e) { return {}; } })();",
    "function dig(path) {",
    "  var parts = path.replace(/\\[(\\d+)\\]/g, '.$1').split('.');",
    "  var node = body;",
    "  for (var i = 0; i < parts.length; i++) {",
    "    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, parts[i])) {",
    "      return { found: false };",
    "    }",
    "    node = node[parts[i]];",
    "  }",
    "  return { found: true, value: node };",
    "}",
]


def _check(assertion: AssertionSpec) -> str:
    """The chai expectation of one compat assertion."""
    kind, args = assertion.kind, assertion.args
    if kind == "status":
        codes = args[0] if isinstance(args[0], list) else [args[0]]
        return f"pm.expect(pm.response.code).to.be.oneOf({json.dumps(codes)});"
    if kind == "has":
        return f"pm.expect(dig({json.dumps(args[0])}).found, 'present').to.be.true;"
    if kind == "array":
        return f"pm.expect(Array.isArray(dig({json.dumps(args[0])}).value), 'an array').to.be.true;"
    if kind == "integer":
        return f"pm.expect(Number.isInteger(dig({json.dumps(args[0])}).value), 'an integer').to.be.true;"
    if kind == "equals":
        return f"pm.expect(dig({json.dumps(args[0])}).value).to.eql({json.dumps(args[1])});"
    if kind == "greater":
        return f"pm.expect(dig({json.dumps(args[0])}).value).to.be.a('number').and.above({json.dumps(args[1])});"
    if kind == "captured":
        return f"pm.expect(pm.environment.get({json.dumps(args[0])}), 'a captured value').to.be.ok;"
    raise SystemExit(f"compat uses an assertion kind this script does not translate: {kind}")


def _url(suite: Suite, request: RequestSpec) -> dict[str, Any]:
    """The request's URL; a path parameter whose value is not its own variable is a Postman `:name` variable,
    so the path template reads as compat's (`/articles/{slug}/comments/{id}`)."""
    path = request.path
    variables = []
    for name in path_params(path):
        value = str(request.params.get(name, "{{%s}}" % name))
        if value == "{{%s}}" % name:
            path = path.replace("{%s}" % name, value)
        else:
            path = path.replace("{%s}" % name, f":{name}")
            variables.append({"key": name, "value": value})
    query = [{"key": k, "value": str(v)} for k, v in request.query.items()]
    raw = "{{APIURL}}" + path + ("?" + "&".join(f"{q['key']}={q['value']}" for q in query) if query else "")
    url: dict[str, Any] = {"raw": raw, "host": ["{{APIURL}}"], "path": [s for s in path.split("/") if s]}
    if query:
        url["query"] = query
    if variables:
        url["variable"] = variables
    return url


def _item(suite: Suite, request: RequestSpec) -> dict[str, Any]:
    headers = [{"key": k, "value": v} for k, v in {**suite.headers, **request.headers}.items()]
    if request.auth:
        headers.append({"key": suite.auth_header, "value": f"{suite.auth_scheme} {{{{{request.auth}}}}}"})
    exec_lines = list(PRELUDE)
    for variable, path in request.capture.items():
        exec_lines += [
            f"var captured_{variable} = dig({json.dumps(path)});",
            f"if (captured_{variable}.found && captured_{variable}.value !== null) "
            f"{{ pm.environment.set({json.dumps(variable)}, captured_{variable}.value); }} "
            f"else {{ pm.environment.unset({json.dumps(variable)}); }}",
        ]
    for assertion in request.assertions:
        exec_lines.append(f"pm.test({json.dumps(assertion.text)}, function () {{ {_check(assertion)} }});")
    spec: dict[str, Any] = {"method": request.method, "header": headers, "url": _url(suite, request)}
    if request.body is not None:
        spec["body"] = {"mode": "raw", "raw": json.dumps(request.body), "options": {"raw": {"language": "json"}}}
    return {
        "name": request.name,
        "request": spec,
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": exec_lines}}],
    }


def collection() -> dict[str, Any]:
    suite = load_suite("compat")
    variables = [{"key": k, "value": v.replace("{{RUN}}", "run")} for k, v in suite.variables.items()]
    return {
        "info": {
            "name": "Conduit (compat)",
            "description": "The constraint-decay study's Conduit suite: 32 requests, 290 assertions "
            "(generated from conduit_suite/suites/compat.yml by scripts/conduit_postman.py).",
            "schema": SCHEMA,
        },
        "variable": [{"key": "APIURL", "value": "http://localhost:3000/api"}, *variables],
        "item": [_item(suite, request) for request in suite.requests],
    }


def main(argv: list[str]) -> int:
    text = json.dumps(collection(), indent=2) + "\n"
    if "--check" in argv:
        return 0 if TARGET.is_file() and TARGET.read_text() == text else 1
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
