"""Write a shipped suite as a Postman v2.1 collection, so newman can run what `decaycheck suite` runs.

The collection has the suite's requests in order and one `pm.test` per
assertion, named by the assertion's text, so newman counts what the suite
counts (compat: 32 requests, 290 assertions). Variables work as in the
runner: `RUN` is drawn once per run, the suite's variables are made from it,
captures set collection variables, and `{{APIURL}}` is the API root (server
root + prefix, e.g. `http://127.0.0.1:8080/api`). The benchmark of
`decaycheck suite` against newman (`python -m benchmarks startup`) runs it.

    .venv/bin/python scripts/conduit_postman.py [--suite compat] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from conduit_suite.suite import AssertionSpec, RequestSpec, Suite, load_suite, path_params  # noqa: E402

OUT = REPO / "conduit_suite" / "data" / "conduit.postman_collection.json"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# What every test script starts with: the body (or {} when it is not JSON), the runner's path
# semantics (a missing step is MISSING, distinct from null) and its JSON equality.
PRELUDE = """\
const MISSING = Symbol("missing");
let body = {};
try { body = pm.response.text() ? JSON.parse(pm.response.text()) : {}; } catch (e) { body = {}; }
function at(path) {
  let value = body;
  for (const step of path.match(/[^.\\[\\]]+|\\[\\d+\\]/g)) {
    if (step.startsWith("[")) {
      const i = Number(step.slice(1, -1));
      if (!Array.isArray(value) || i >= value.length) return MISSING;
      value = value[i];
    } else {
      if (value === null || typeof value !== "object" || Array.isArray(value) || !(step in value)) return MISSING;
      value = value[step];
    }
  }
  return value;
}
function same(a, b) {
  if (typeof a === "boolean" || typeof b === "boolean") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}
function check(ok, expected, actual) {
  if (!ok) throw new Error("expected " + expected + ", got " + (actual === MISSING ? "<missing>" : JSON.stringify(actual)));
}
"""


def _value(value: Any) -> str:
    """A JavaScript expression for an expected value; `{{NAME}}` templates are filled from the run's variables."""
    if isinstance(value, str) and _VAR.search(value):
        whole = _VAR.fullmatch(value)
        if whole:
            return f"pm.variables.get({json.dumps(whole.group(1))})"
        return f"pm.variables.replaceIn({json.dumps(value)})"
    return json.dumps(value)


def _check(assertion: AssertionSpec) -> str:
    """The body of one pm.test: throws when the assertion does not hold."""
    kind, args = assertion.kind, assertion.args
    if kind == "status":
        codes = args[0] if isinstance(args[0], list) else [args[0]]
        return f"check({json.dumps(codes)}.includes(pm.response.code), {json.dumps(codes)}, pm.response.code);"
    if kind == "captured":
        name = json.dumps(args[0])
        return (
            f"const v = pm.collectionVariables.get({name}); "
            f'check(v !== undefined && v !== null && v !== "", "a captured value", v === undefined ? MISSING : v);'
        )
    value = f"at({json.dumps(args[0])})"
    if kind == "has":
        return f'const v = {value}; check(v !== MISSING, "present", v);'
    if kind == "array":
        return f'const v = {value}; check(Array.isArray(v), "an array", v);'
    if kind == "integer":
        return f'const v = {value}; check(typeof v === "number" && Number.isInteger(v), "an integer", v);'
    if kind == "equals":
        return f"const v = {value}, e = {_value(args[1])}; check(v !== MISSING && same(v, e), JSON.stringify(e), v);"
    if kind == "greater":
        return (
            f"const v = {value}, e = {_value(args[1])}; "
            f'check(typeof v === "number" && v > e, "> " + JSON.stringify(e), v);'
        )
    raise SystemExit(f"assertion kind {kind!r} ({assertion.text}) has no Postman form here yet")


def _url(suite: Suite, request: RequestSpec) -> dict[str, Any]:
    path = request.path
    for name in path_params(path):
        value = request.params.get(name, "{{%s}}" % name)
        path = path.replace("{%s}" % name, str(value))
    query = [{"key": k, "value": str(v)} for k, v in request.query.items()]
    raw = "{{APIURL}}" + path + ("?" + "&".join(f"{q['key']}={q['value']}" for q in query) if query else "")
    url: dict[str, Any] = {"raw": raw, "host": ["{{APIURL}}"], "path": [p for p in path.split("/") if p]}
    if query:
        url["query"] = query
    return url


def _item(suite: Suite, request: RequestSpec) -> dict[str, Any]:
    headers = [{"key": k, "value": v} for k, v in suite.headers.items()]
    if request.auth:
        headers.append({"key": suite.auth_header, "value": f"{suite.auth_scheme} {{{{{request.auth}}}}}"})
    req: dict[str, Any] = {"method": request.method, "header": headers, "url": _url(suite, request)}
    if request.body is not None:
        req["body"] = {"mode": "raw", "raw": json.dumps(request.body)}
    lines = [PRELUDE]
    for variable, path in request.capture.items():
        name = json.dumps(variable)
        lines.append(
            f"{{ const v = at({json.dumps(path)}); "
            f"if (v === MISSING || v === null) pm.collectionVariables.unset({name}); "
            f"else pm.collectionVariables.set({name}, v); }}"
        )
    for assertion in request.assertions:
        lines.append(f"pm.test({json.dumps(assertion.text)}, function () {{ {_check(assertion)} }});")
    script = "\n".join(lines).splitlines()
    return {
        "name": request.name,
        "request": req,
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}],
    }


def collection(suite: Suite) -> dict[str, Any]:
    """The Postman v2.1 collection of `suite`."""
    setup = ["if (!pm.collectionVariables.get('RUN')) {", "  const run = Math.random().toString(16).slice(2, 10);"]
    setup.append("  pm.collectionVariables.set('RUN', run);")
    for name, template in suite.variables.items():
        text = json.dumps(template).replace("{{RUN}}", '" + run + "')
        setup.append(f"  pm.collectionVariables.set({json.dumps(name)}, {text});")
    setup.append("}")
    return {
        "info": {
            "name": f"Conduit: the decaycheck {suite.name} suite",
            "description": f"Generated from conduit_suite/suites/{suite.name}.yml by scripts/conduit_postman.py; "
            f"{len(suite.requests)} requests, {suite.assertion_count} assertions. Set APIURL to the API root.",
            "schema": SCHEMA,
        },
        "item": [_item(suite, r) for r in suite.requests],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": setup}}],
        "variable": [{"key": "APIURL", "value": "http://127.0.0.1:8080/api"}],
    }


def render(suite_name: str = "compat") -> str:
    return json.dumps(collection(load_suite(suite_name)), indent=2) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="compat")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.write_text(render(args.suite))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
