"""Run a suite against a live server and record every assertion.

One httpx Client (keep-alive) sends the requests in order. Nothing stops the
run: a request that times out, cannot connect, or falls past the overall
deadline is recorded with status None and every one of its assertions
failed; a capture that finds nothing leaves its variable unset, and later
requests carry the `undefined` placeholder. Their failures are recorded as
blocked by the request that never set the capture; an assertion whose
expected value needs the unset capture is not compared at all (it fails,
blocked), so nothing is ever judged against the literal `undefined`.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import socket
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

# httpx imports its own command line (click, rich, pygments) whenever those are installed, which costs a
# command that starts this runner about a tenth of a second; nothing here uses it, so it is left out.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

from conduit_suite.assertions import KINDS, Observed, Outcome, plain
from conduit_suite.paths import MISSING, resolve
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from conduit_suite.schemas import load_schemas
from conduit_suite.suite import AssertionSpec, RequestSpec, Suite, load_suite, path_params
from conduit_suite.template import UNSET, render

EXCERPT_CHARS = 300
_WHERE_PARAMS = ("path", "field")  # assertion parameters that say where to look rather than what to expect
_SERVER_TIMING = re.compile(r"(?:^|,)\s*app\s*;(?:[^,]*?;)?\s*dur=([0-9.]+)", re.IGNORECASE)


class UsageError(ValueError):
    """A run that cannot start as asked (bad base URL, unknown suite)."""


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; UsageError unless it is http(s)://host[:port][/path]."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"bad base URL {base_url!r}: expected http(s)://host[:port]")
    try:
        _ = parts.port
    except ValueError as exc:
        raise UsageError(f"bad base URL {base_url!r}: {exc}") from exc
    return base_url.rstrip("/")


def normalize_prefix(api_prefix: str) -> str:
    """`api`, `/api/` and `/api` all mean `/api`; '' and '/' mean no prefix."""
    stripped = api_prefix.strip().strip("/")
    return f"/{stripped}" if stripped else ""


def server_ms(headers: httpx.Headers) -> float | None:
    """The `app` duration of a `Server-Timing` header, in milliseconds, if present."""
    for value in headers.get_list("server-timing"):
        match = _SERVER_TIMING.search(value)
        if match:
            try:
                return float(match.group(1))
            except ValueError:
                return None
    return None


def parse_body(content: bytes) -> Any:
    """The JSON body, or {} when it is not JSON (every property assertion then fails)."""
    if not content:
        return {}
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return {}


def run_suite(
    suite: str | Suite,
    base_url: str,
    api_prefix: str = "/api",
    *,
    timeout: float = 10.0,
    deadline: float | None = None,
    variables: dict[str, Any] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SuiteResult:
    """Run `suite` against the server at `base_url` (its root) with routes under `api_prefix`.

    `timeout` bounds each request (seconds); `deadline` bounds the whole run.
    `variables` overrides generated variables (e.g. a fixed USERNAME).
    `transport` replaces the default keep-alive transport (e.g. one that records responses).
    """
    spec = load_suite(suite) if isinstance(suite, str) else suite
    root = check_base_url(base_url)
    prefix = normalize_prefix(api_prefix)
    run = _Run(spec, root + prefix, prefix, timeout, deadline, variables or {})
    started = time.perf_counter()
    # Plain-http servers (the sandbox's loopback) need no CA bundle; loading one costs ~20 ms a run.
    verify = root.startswith("https://")
    transport = transport or default_transport(verify)
    with httpx.Client(headers=spec.headers, timeout=timeout, follow_redirects=False, transport=transport) as client:
        results = [run.one(client, request) for request in spec.requests]
    return SuiteResult(
        suite=spec.name,
        base_url=root,
        api_prefix=prefix,
        requests=results,
        elapsed_ms=(time.perf_counter() - started) * 1000.0,
    )


def default_transport(verify: bool) -> httpx.HTTPTransport:
    """Keep-alive HTTP/1.1 without Nagle: httpcore writes headers and body separately, and a small body
    must not wait for an ACK."""
    return httpx.HTTPTransport(verify=verify, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


class _Run:
    """The mutable state of one run: variables, who captured them, the clock."""

    def __init__(
        self,
        suite: Suite,
        api_root: str,
        prefix: str,
        timeout: float,
        deadline: float | None,
        overrides: dict[str, Any],
    ) -> None:
        self.suite = suite
        self.api_root = api_root
        self.prefix = prefix
        self.timeout = timeout
        self.ends_at = None if deadline is None else time.monotonic() + deadline
        token = secrets.token_hex(4)
        builtins = {"RUN": token, "unique": token, "api": api_root}
        self.variables: dict[str, Any] = dict(builtins)
        for name, template in suite.variables.items():
            self.variables[name] = render(template, self.variables)
        self.variables.update(overrides)
        self.captured_by: dict[str, str] = {}
        self.order = {r.name: i for i, r in enumerate(suite.requests)}
        self.urls: dict[str, httpx.URL] = {}
        self.validate = None
        if suite.schema_source:
            self.validate = load_schemas(suite.schema_source, suite.schema_nullable).validate

    def one(self, client: httpx.Client, request: RequestSpec) -> RequestResult:
        """Send one request, capture its values, judge its assertions; never raises."""
        prepared = self._prepare(request)
        record: dict[str, Any] = dict(
            name=request.name,
            operation=request.operation,
            method=request.method,
            path=self.prefix + request.path,
            url=prepared.url,
            sent_auth=self.suite.auth_header in prepared.headers,
            depends_on=prepared.depends_on,
            blocked_by=prepared.blocked_by,
            aspects=request.aspect_totals,
            operations=request.operation_totals,
            total=len(request.assertions),
        )
        remaining = None if self.ends_at is None else self.ends_at - time.monotonic()
        if remaining is not None and remaining <= 0:
            return self._no_response(
                request, record, "deadline exceeded before the request was sent", 0.0, prepared.unset
            )
        limit = self.timeout if remaining is None else min(self.timeout, remaining)
        started = time.perf_counter()
        try:
            response = client.request(
                request.method,
                self._url(prepared.url),
                params=prepared.query or None,
                content=prepared.content,
                headers=prepared.headers,
                timeout=limit,
            )
        except httpx.TimeoutException:
            return self._no_response(request, record, f"timed out after {limit:.3g} s", _since(started), prepared.unset)
        except Exception as exc:
            kind = "cannot connect" if isinstance(exc, httpx.ConnectError) else type(exc).__name__
            return self._no_response(request, record, f"{kind}: {exc}", _since(started), prepared.unset)
        elapsed = _since(started)
        body = parse_body(response.content)
        self._capture(request, body)
        observed = Observed(response.status_code, body, self.variables, self.validate)
        failures = self._judge(request, observed, prepared.blocked_by, prepared.unset)
        record["url"] = str(response.url)
        return RequestResult(
            **record,
            status=response.status_code,
            elapsed_ms=elapsed,
            server_ms=server_ms(response.headers),
            passed=len(request.assertions) - len(failures),
            failures=failures,
            response_excerpt=response.content[:EXCERPT_CHARS].decode("utf-8", "replace"),
        )

    def _prepare(self, request: RequestSpec) -> _Prepared:
        """Render the request from the current variables; its sources are the captures it reads."""
        path = self._path(request)
        query = render(request.query, self.variables)
        headers = render(request.headers, self.variables)
        if request.auth:
            headers[self.suite.auth_header] = f"{self.suite.auth_scheme} {self.variables.get(request.auth, UNSET)}"
        content = None if request.body is None else json.dumps(render(request.body, self.variables)).encode()
        sources = {self.captured_by[v] for v in request.uses if v in self.captured_by} - {request.name}
        unset = [v for v in request.inputs if v not in self.variables]
        blockers = {self.captured_by[v] for v in unset if v in self.captured_by} - {request.name}
        return _Prepared(
            self.api_root + path,
            query,
            headers,
            content,
            sorted(sources, key=self.order.__getitem__),
            sorted(blockers, key=self.order.__getitem__),
            unset,
        )

    def _judge(
        self, request: RequestSpec, observed: Observed, blocked_by: list[str], unset: list[str]
    ) -> list[AssertionFailure]:
        failures = []
        cause = blocked_by[0] if blocked_by else None
        for assertion in request.assertions:
            if assertion.templated:
                missing = [v for v in assertion.uses if v not in self.variables]
                if missing:  # the expected value needs a capture that was never set: not compared
                    failures.append(self._blocked(request, assertion, missing))
                    continue
                args = render(list(assertion.args), self.variables)
            else:
                args = assertion.args
            try:
                outcome: Outcome = KINDS[assertion.kind].check(observed, *args)
            except Exception as exc:
                outcome = Outcome(False, assertion.text, f"{type(exc).__name__}: {exc}")
            if not outcome.ok:
                failures.append(
                    _failure(request, assertion, plain(_own(outcome.expected)), plain(outcome.actual), cause, unset)
                )
        return failures

    def _blocked(self, request: RequestSpec, assertion: AssertionSpec, missing: list[str]) -> AssertionFailure:
        """A failure not judged: its expected value needs `missing`, which earlier requests never set."""
        keep = {**self.variables, **{v: "{{%s}}" % v for v in missing}}
        params = KINDS[assertion.kind].params
        # What it would have expected: the arguments that are values, not where in the body to look.
        values = [render(a, keep) for p, a in zip(params, assertion.args) if p not in _WHERE_PARAMS]
        expected = values[0] if len(values) == 1 else values
        cause = next((self.captured_by[v] for v in missing if v in self.captured_by), None)
        return _failure(request, assertion, expected, None, cause, missing)

    def _no_response(
        self, request: RequestSpec, record: dict[str, Any], error: str, elapsed: float, unset: list[str]
    ) -> RequestResult:
        """No response: the captures are unset and every assertion fails with the error as what was seen."""
        self._capture(request, {})
        cause = record["blocked_by"][0] if record["blocked_by"] else None
        failures = [
            _failure(request, a, a.args[0] if a.kind == "status" else a.text, error, cause, unset)
            for a in request.assertions
        ]
        return RequestResult(**record, status=None, error=error, elapsed_ms=elapsed, passed=0, failures=failures)

    def _url(self, url: str) -> httpx.URL:
        """The parsed URL; parsing is a good part of httpx's work per request, and a run repeats its URLs."""
        parsed = self.urls.get(url)
        if parsed is None:
            parsed = self.urls[url] = httpx.URL(url)
        return parsed

    def _path(self, request: RequestSpec) -> str:
        path = request.path
        for name in path_params(path):
            value = render(request.params.get(name, "{{%s}}" % name), self.variables)
            path = path.replace("{%s}" % name, quote(value if isinstance(value, str) else json.dumps(value), safe=""))
        return path

    def _capture(self, request: RequestSpec, body: Any) -> None:
        for variable, path in request.capture.items():
            self.captured_by[variable] = request.name
            value = resolve(body, path)
            if value is MISSING or value is None:
                self.variables.pop(variable, None)
            else:
                self.variables[variable] = value


@dataclass(frozen=True)
class _Prepared:
    url: str
    query: dict[str, Any]
    headers: dict[str, str]
    content: bytes | None
    depends_on: list[str]
    blocked_by: list[str]  # earlier requests whose capture this request's inputs needed and did not find
    unset: list[str]  # those inputs


def _failure(
    request: RequestSpec,
    assertion: AssertionSpec,
    expected: Any,
    actual: Any,
    blocked_by: str | None,
    unset: list[str],
) -> AssertionFailure:
    return AssertionFailure(
        id=f"{request.name}: {assertion.text}",
        assertion=assertion.text,
        operation=assertion.operation,
        expected=expected,
        actual=actual,
        kind=assertion.kind,
        aspect=assertion.aspect,
        cites=assertion.cites,
        blocked_by=blocked_by,
        unset=list(unset) if blocked_by is not None else [],
    )


def _own(value: Any) -> Any:
    """A copy of a container, so that a failure record never shares an object with the suite it came from."""
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
