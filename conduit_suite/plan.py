"""What the pod runs for one configured suite: a `SuitePlan`, resolved on the host, read in the pod.

The host reads the repository's suite files before the pod starts (so a bad
file is a clear error at once, and the app, which can write its own folder
during the run, can never change what it is judged by) and hands each suite
to the runner as one of these, on its stdin. The plan's `id` is the suite's
name in reports and in `gate: {suites: [...]}`: `compat`, `strict`,
`file:PATH`, `postman:PATH`, `openapi:PATH` (paths as the config wrote them).

`variables` are the config's `variables:`; in their values `{api}` is the
API root URL inside the pod and `{unique}` a token unique to the run.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["builtin", "file", "postman", "openapi"]
_PLACEHOLDER = re.compile(r"\{(api|unique)\}")


class SuitePlan(BaseModel):
    id: str = Field(description="The suite's name in reports: compat, strict, file:PATH, postman:PATH, openapi:PATH.")
    kind: Kind
    source: str = Field(default="", description="The repository path it came from, for messages.")
    text: str = Field(default="", description="file: the suite's YAML.")
    collection: dict[str, Any] | None = Field(default=None, description="postman: the collection (v2.1).")
    environment: dict[str, Any] | None = Field(default=None, description="postman: its environment, if any.")
    document: dict[str, Any] | None = Field(default=None, description="openapi: the repository's OpenAPI document.")
    variables: dict[str, str] = Field(default_factory=dict, description="The config's variables: {api}, {unique}.")
    newman: list[str] = Field(default_factory=list, description="postman: argv running newman in the pod.")
    seed: int = Field(default=0, description="openapi: the seed, so reruns send the same requests.")
    max_examples: int = Field(default=10, ge=1, description="openapi: examples per operation.")
    time_s: float = Field(default=30.0, gt=0, description="openapi: the conformance run's time budget.")


def expand(value: str, api: str, unique: str) -> str:
    """`value` with `{api}` and `{unique}` replaced."""
    return _PLACEHOLDER.sub(lambda m: api if m.group(1) == "api" else unique, value)


def unique_token() -> str:
    return secrets.token_hex(4)


def run_plan(
    plan: SuitePlan, base_url: str, api_prefix: str = "/api", *, timeout: float = 10.0, deadline: float | None = None
) -> Any:
    """The SuiteResult of one plan against the server at `base_url`; SuiteError/UsageError for bad input."""
    from conduit_suite.runner import check_base_url, normalize_prefix, run_suite

    root, prefix = check_base_url(base_url), normalize_prefix(api_prefix)
    if plan.kind == "postman":
        from conduit_suite.postman import run_collection

        return run_collection(plan, root, prefix, timeout=timeout, deadline=deadline)
    if plan.kind == "openapi":
        from conduit_suite.conformance import run_conformance

        return run_conformance(plan, root, prefix, deadline=deadline)
    if plan.kind == "builtin":
        result = run_suite(plan.id, root, prefix, timeout=timeout, deadline=deadline)
        return result
    from conduit_suite.suite import parse_suite_text

    suite = parse_suite_text(plan.text, source=plan.source or plan.id, provided=tuple(plan.variables))
    unique = unique_token()
    overrides = {name: expand(value, root + prefix, unique) for name, value in plan.variables.items()}
    result = run_suite(suite, root, prefix, timeout=timeout, deadline=deadline, variables=overrides)
    return dataclasses.replace(result, suite=plan.id, kind="file")
