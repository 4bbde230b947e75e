"""Postman v2.1 collections as suites: checked on load, run by newman, mapped to per-assertion results.

newman runs in the pod (`SuitePlan.newman`, the pinned install of
`checks/newman`) with the JSON reporter; every execution of a request
becomes a `RequestResult` whose assertions are the `pm.test` / `tests[...]`
results newman reports (skipped ones not counted), so the totals are
newman's own. A failure carries newman's message as what was seen. A script
that throws, a request that got no response, or a collection newman could
not run is a `problem` of the suite result: a clear finding, never a crash.
The path template of a request is its URL in the collection (`{{slug}}` and
`:slug` segments read `{slug}`) under the prefix the server was reached at,
so diagnosis can locate it in the repository's routes like any other.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conduit_suite.plan import SuitePlan, expand, unique_token
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from conduit_suite.suite import SuiteError

SCHEMA_V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
EXCERPT_BYTES = 300
MAX_REQUESTS = 2000
_VAR_SEGMENT = re.compile(r"^(?:\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}|:([A-Za-z_]\w*))$")


def check_collection(data: Any, source: str = "collection.json") -> int:
    """The number of requests of a v2.1 collection; SuiteError naming `source` when newman could not run it."""
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise SuiteError("not a Postman collection: no 'info' object", file=source)
    schema = str(data["info"].get("schema", ""))
    if "v2.1" not in schema and "v2.0" not in schema:
        raise SuiteError(f"a Postman collection v2.1 is expected ('info.schema' reads {schema!r})", file=source)
    if not isinstance(data.get("item"), list):
        raise SuiteError("a Postman collection has an 'item' list", file=source)
    count = _count(data["item"], source, "item", 0)
    if count == 0:
        raise SuiteError("the collection has no request", file=source)
    if count > MAX_REQUESTS:
        raise SuiteError(f"the collection has {count} requests, over the limit of {MAX_REQUESTS}", file=source)
    return count


def _count(items: list[Any], source: str, where: str, depth: int) -> int:
    if depth > 20:
        raise SuiteError(f"{where}: folders nest too deeply", file=source)
    total = 0
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise SuiteError(f"{here} is not an object", file=source)
        if "item" in item:
            if not isinstance(item["item"], list):
                raise SuiteError(f"{here}.item is not a list", file=source)
            total += _count(item["item"], source, f"{here}.item", depth + 1)
        elif "request" in item:
            if not isinstance(item["request"], (dict, str)):
                raise SuiteError(f"{here}.request is neither an object nor a URL", file=source)
            total += 1
        else:
            raise SuiteError(f"{here} is neither a request nor a folder", file=source)
    return total


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SuiteError(f"not JSON: {exc.msg}", file=source, line=exc.lineno) from None
    except RecursionError:
        raise SuiteError("the JSON nests too deeply", file=source) from None


def load_collection(text: str, source: str) -> dict[str, Any]:
    """A collection file's JSON, checked; SuiteError with file:line when it does not parse."""
    data = _json(text, source)
    check_collection(data, source)
    return data


def load_environment(text: str, source: str) -> dict[str, Any]:
    """A Postman environment file's JSON; SuiteError with file:line when it does not parse."""
    data = _json(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("values", []), list):
        raise SuiteError("a Postman environment is an object with a 'values' list", file=source)
    return data


def run_collection(
    plan: SuitePlan, base_url: str, api_prefix: str, *, timeout: float = 10.0, deadline: float | None = None
) -> SuiteResult:
    """Run the plan's collection with newman against the server at `base_url`; never raises for the collection."""
    api = base_url.rstrip("/") + api_prefix
    started = time.perf_counter()
    unique = unique_token()
    result = SuiteResult(suite=plan.id, kind="postman", base_url=base_url, api_prefix=api_prefix, requests=[])
    if plan.collection is None or not plan.newman:
        result.problems.append("no collection or no newman to run it")
        return result
    budget = deadline if deadline is not None else 600.0
    with tempfile.TemporaryDirectory(prefix="decaycheck-newman-") as tmp:
        folder = Path(tmp)
        (folder / "collection.json").write_text(json.dumps(plan.collection))
        report = folder / "report.json"
        argv = [
            *plan.newman,
            "run",
            str(folder / "collection.json"),
            "--reporters",
            "json",
            "--reporter-json-export",
            str(report),
            "--working-dir",
            str(folder),
            "--no-insecure-file-read",
            "--disable-unicode",
            "--color",
            "off",
            "--suppress-exit-code",
            "--timeout-request",
            str(int(timeout * 1000)),
            "--timeout",
            str(int(budget * 1000)),
        ]
        if plan.environment is not None:
            (folder / "environment.json").write_text(json.dumps(plan.environment))
            argv += ["--environment", str(folder / "environment.json")]
        for name, value in plan.variables.items():
            argv += ["--env-var", f"{name}={expand(value, api, unique)}"]
        try:
            proc = subprocess.run(
                argv, cwd=folder, capture_output=True, text=True, timeout=budget + 15, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            result.problems.append(f"newman did not finish within {budget:g} s")
            return result
        except OSError as exc:
            result.problems.append(f"newman could not start: {exc}")
            return result
        if not report.is_file():
            result.problems.append(f"newman could not run the collection: {(proc.stderr or proc.stdout)[-1500:]}")
            return result
        try:
            data = json.loads(report.read_text())
        except ValueError as exc:
            result.problems.append(f"newman wrote an unreadable report: {exc}")
            return result
    map_report(data, result)
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result


def map_report(data: dict[str, Any], result: SuiteResult) -> SuiteResult:
    """Fill `result` from newman's JSON report (`run.executions`, `run.stats`)."""
    run = data.get("run") or {}
    templates = _templates(data.get("collection") or {})
    seen: dict[str, int] = {}
    for execution in run.get("executions") or []:
        item = execution.get("item") or {}
        name = str(item.get("name") or "request")
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        result.requests.append(_request(execution, name, templates.get(str(item.get("id"))), result.problems))
    stats = ((run.get("stats") or {}).get("assertions")) or {}
    counted = result.assertions_total
    if "total" in stats and counted != int(stats["total"]) - int(stats.get("pending", 0)):
        result.problems.append(f"newman counted {stats['total']} assertions, the executions hold {counted}")
    if run.get("error"):
        result.problems.append(f"newman: {_message(run['error'])}")
    return result


def _request(execution: dict[str, Any], name: str, template: str | None, problems: list[str]) -> RequestResult:
    request = execution.get("request") or {}
    response = execution.get("response") or {}
    url = _url(request.get("url"))
    path = _path(url, template)
    method = str(request.get("method") or "GET").upper()
    operation = f"{method} {path}"
    failures: list[AssertionFailure] = []
    total = 0
    for entry in execution.get("assertions") or []:
        if entry.get("skipped"):
            continue
        total += 1
        error = entry.get("error")
        if error:
            text = str(entry.get("assertion") or error.get("test") or "assertion")
            failures.append(
                AssertionFailure(
                    id=f"{name}: {text}",
                    assertion=text,
                    operation=operation,
                    expected=None,
                    actual=_message(error),
                    kind="postman",
                )
            )
    for key, what in (("prerequestScript", "pre-request script"), ("testScript", "test script")):
        for script in execution.get(key) or []:
            if isinstance(script, dict) and script.get("error"):
                problems.append(f"{name}: {what} error: {_message(script['error'])}")
    request_error = execution.get("requestError")
    error = _message(request_error) if request_error else None
    if error:
        problems.append(f"{name}: no response: {error}")
    stream = (response.get("stream") or {}).get("data") if isinstance(response.get("stream"), dict) else None
    excerpt = bytes(b for b in stream[:EXCERPT_BYTES] if isinstance(b, int) and 0 <= b < 256) if stream else b""
    headers = {str(h.get("key", "")).lower() for h in request.get("header") or [] if isinstance(h, dict)}
    return RequestResult(
        name=name,
        operation=operation,
        method=method,
        path=path,
        url=url,
        status=None if request_error or not response else response.get("code"),
        error=error,
        elapsed_ms=float(response.get("responseTime") or 0.0),
        passed=total - len(failures),
        total=total,
        failures=failures,
        response_excerpt=excerpt.decode("utf-8", "replace"),
        sent_auth="authorization" in headers,
    )


def _templates(collection: dict[str, Any]) -> dict[str, str]:
    """item id -> the path segments of its URL as written in the collection ('/articles/{{slug}}')."""
    out: dict[str, str] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("item"), list):
                walk(item["item"])
                continue
            url = (item.get("request") or {}).get("url") if isinstance(item.get("request"), dict) else None
            segments: list[str] = []
            if isinstance(url, dict) and isinstance(url.get("path"), list):
                segments = [str(s.get("value", "")) if isinstance(s, dict) else str(s) for s in url["path"]]
            elif isinstance(url, dict) and isinstance(url.get("raw"), str):
                segments = _raw_segments(url["raw"])
            elif isinstance(url, str):
                segments = _raw_segments(url)
            out[str(item.get("id"))] = "/".join(segments)

    walk(collection.get("item") or [])
    return out


def _raw_segments(raw: str) -> list[str]:
    """The path segments of a raw URL such as `{{APIURL}}/articles/{{slug}}?x=1` after its host part."""
    rest = raw.split("?", 1)[0].split("#", 1)[0]
    if "://" in rest:
        rest = rest.split("://", 1)[1]
    return [s for s in rest.split("/")[1:] if s]


def _url(url: Any) -> str:
    if isinstance(url, str):
        return url
    if not isinstance(url, dict):
        return ""
    host = ".".join(str(h) for h in url.get("host") or [])
    port = f":{url['port']}" if url.get("port") else ""
    path = "/".join(str(p) for p in url.get("path") or [])
    return f"{url.get('protocol', 'http')}://{host}{port}/{path}"


def _path(url: str, template: str | None) -> str:
    """The concrete path with the collection's variable segments put back as `{name}`."""
    concrete = [s for s in urlsplit(url).path.split("/") if s]
    written = [s for s in (template or "").split("/") if s]
    if not written or len(written) > len(concrete):
        return "/" + "/".join(concrete)
    keep = concrete[: len(concrete) - len(written)]
    for segment in written:
        match = _VAR_SEGMENT.match(segment)
        keep.append("{%s}" % (match.group(1) or match.group(2)) if match else segment)
    return "/" + "/".join(keep)


def _message(error: Any) -> str:
    if isinstance(error, dict):
        name, message = error.get("name"), error.get("message")
        text = f"{name}: {message}" if name and message and name not in ("AssertionError",) else str(message or name)
        return text[:500]
    return str(error)[:500]
