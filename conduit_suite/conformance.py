"""OpenAPI conformance: every operation of the repository's spec exercised with schemathesis, in the pod.

For each operation, schemathesis generates up to `max_examples` valid
requests from the spec (seeded, so a rerun sends the same ones) and each
response is checked for a server error (5xx), an undocumented status code,
an undocumented content type and a body that does not match the response
schema. The result is a `SuiteResult` of kind `openapi`: one request per
operation, one assertion per check (it passes when no example broke it), a
failure carrying schemathesis's message and a curl command reproducing the
first example that broke it. Its score is reported on its own, never in A%.
The whole run is bounded by `time_s` (and the suite deadline); operations
not reached in time fail with that reason. The requests go to the API root
the spec's first server names (`servers: [{url: /api}]`), else the API prefix.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from conduit_suite.plan import SuitePlan
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult

CHECKS = (
    ("not_a_server_error", "no server error (5xx)"),
    ("status_code_conformance", "status codes are documented"),
    ("content_type_conformance", "content types are documented"),
    ("response_schema_conformance", "bodies match the response schema"),
)
REQUEST_TIMEOUT_S = 5.0
MESSAGE_CHARS = 600


def run_conformance(plan: SuitePlan, root: str, prefix: str, *, deadline: float | None = None) -> SuiteResult:
    """The conformance result of the plan's OpenAPI document against the server at `root`."""
    started = time.perf_counter()
    result = SuiteResult(suite=plan.id, kind="openapi", base_url=root, api_prefix=prefix, requests=[])
    try:
        import schemathesis
    except ImportError:
        result.problems.append("OpenAPI conformance needs schemathesis (pip install 'decaycheck[conformance]')")
        return result
    try:
        schema = schemathesis.openapi.from_dict(plan.document or {})
        operations = list(schema.get_all_operations())
    except Exception as exc:  # a spec schemathesis cannot read is a finding, not a crash
        result.problems.append(f"schemathesis cannot read the OpenAPI document: {_brief(exc)}")
        return result
    api_path = _base_path(plan.document or {}, prefix)
    base = root + api_path
    budget = plan.time_s if deadline is None else min(plan.time_s, deadline)
    ends_at = time.monotonic() + budget
    from schemathesis.core.result import Err

    for outcome in operations:
        if isinstance(outcome, Err):
            result.problems.append(f"an operation schemathesis cannot use: {_brief(outcome.err())}")
            continue
        operation = outcome.ok()
        result.requests.append(_exercise(operation, base, api_path, plan, ends_at))
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result


def _base_path(document: dict[str, Any], prefix: str) -> str:
    servers = document.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        path = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")
        if path:
            return path
    return prefix


def _exercise(operation: Any, base: str, api_path: str, plan: SuitePlan, ends_at: float) -> RequestResult:
    """Up to `max_examples` generated cases of one operation; the first failure of each check is kept."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from schemathesis import checks as st_checks
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi import checks as openapi_checks

    functions = {name: getattr(st_checks, name, None) or getattr(openapi_checks, name) for name, _ in CHECKS}
    failed: dict[str, tuple[str, str]] = {}
    state: dict[str, Any] = {"calls": 0, "statuses": [], "late": False}
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @settings(
        max_examples=plan.max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @seed(plan.seed)
    def probe(case: Any) -> None:
        if time.monotonic() >= ends_at:
            state["late"] = True
            return
        curl = _clean(case.as_curl_command(base_url=base))
        try:
            response = case.call(base_url=base, timeout=REQUEST_TIMEOUT_S)
        except Exception as exc:
            failed.setdefault("not_a_server_error", (f"no response: {_brief(exc)}", curl))
            return
        state["calls"] += 1
        state["statuses"].append(response.status_code)
        for name, function in functions.items():
            if name in failed:
                continue
            try:
                case.validate_response(response, checks=[function])
            except (Exception, FailureGroup) as exc:  # a Failure, or a group of them (a BaseExceptionGroup)
                failed[name] = (_failure_text(exc), curl)

    try:
        probe()
    except Exception as exc:  # hypothesis gave up on the strategy: say so on every check
        for name, _ in CHECKS:
            failed.setdefault(name, (f"could not generate requests: {_brief(exc)}", ""))
    if state["calls"] == 0 and state["late"]:
        for name, _ in CHECKS:
            failed.setdefault(name, (f"not exercised: the conformance budget of {plan.time_s:g} s was spent", ""))
    failures = [
        AssertionFailure(
            id=f"{label}: {text}",
            assertion=text,
            operation=label,
            expected=None,
            actual=failed[name][0],
            kind=name,
            reproduce=failed[name][1] or None,
        )
        for name, text in CHECKS
        if name in failed
    ]
    statuses: list[int] = state["statuses"]
    raw = getattr(getattr(operation, "definition", None), "raw", None)
    operation_id = raw.get("operationId") if isinstance(raw, dict) else None
    return RequestResult(
        name=label,
        operation=str(operation_id or label),
        method=operation.method.upper(),
        path=api_path + operation.path,
        status=statuses[-1] if statuses else None,
        passed=len(CHECKS) - len(failures),
        total=len(CHECKS),
        failures=failures,
    )


def _failure_text(exc: BaseException) -> str:
    """schemathesis's title and message of each failure, e.g. 'Undocumented HTTP status code: Received: 200 ...'."""
    parts = []
    for failure in getattr(exc, "exceptions", None) or (exc,):
        title, message = getattr(failure, "title", ""), getattr(failure, "message", "")
        parts.append(f"{title}: {message}" if title and message else str(title or message or failure))
    return _clean(" ".join("; ".join(parts).split()))[:MESSAGE_CHARS]


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return _clean(text or type(exc).__name__)[:MESSAGE_CHARS]


def _clean(text: str) -> str:
    """Generated data may hold lone surrogates, which no UTF-8 report can carry."""
    return text.encode("utf-8", "replace").decode("utf-8")
