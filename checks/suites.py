"""The repository's suites, read on the host before the pod starts: one `SuitePlan` per `suites:` entry.

Each file a `suites:` entry names is read here, from the checkout (a path
inside the repository, a regular file, at most `MAX_BYTES`), and checked as
its kind requires: a suite file is loaded (every variable set before it is
read), a Postman collection and environment parse as such, an OpenAPI
document has `paths`. A problem is a `ConfigError` naming the file and line,
so the report says what to fix before anything runs; and since the pod only
ever sees these plans, code under test cannot change what it is judged by.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from checks.config import ConfigError, FileSuite, OpenAPISuite, PostmanSuite, Resolved, suite_id
from conduit_suite.plan import SuitePlan
from conduit_suite.postman import load_collection, load_environment
from conduit_suite.suite import SuiteError, parse_suite_text

MAX_BYTES = 4 * 1024 * 1024


def plans(repo: Path, resolved: Resolved) -> list[SuitePlan]:
    """The plans of every configured suite, in order; ConfigError for a file that cannot be used."""
    out: list[SuitePlan] = []
    for entry in resolved.config.suites:
        if isinstance(entry, str):
            out.append(SuitePlan(id=entry, kind="builtin"))
            continue
        try:
            out.append(_plan(repo, entry))
        except SuiteError as exc:
            raise ConfigError(exc.file or suite_id(entry), exc.line, None, exc.message) from None
    return out


def _plan(repo: Path, entry: FileSuite | PostmanSuite | OpenAPISuite) -> SuitePlan:
    if isinstance(entry, FileSuite):
        text = read(repo, entry.file)
        parse_suite_text(text, source=entry.file, provided=tuple(entry.variables))
        return SuitePlan(id=entry.id, kind="file", source=entry.file, text=text, variables=entry.variables)
    if isinstance(entry, PostmanSuite):
        collection = load_collection(read(repo, entry.postman), entry.postman)
        environment = None
        if entry.environment is not None:
            environment = load_environment(read(repo, entry.environment), entry.environment)
        return SuitePlan(
            id=entry.id,
            kind="postman",
            source=entry.postman,
            collection=collection,
            environment=environment,
            variables=entry.variables,
        )
    return SuitePlan(
        id=entry.id,
        kind="openapi",
        source=entry.openapi,
        document=load_openapi(read(repo, entry.openapi), entry.openapi),
        seed=entry.seed,
        max_examples=entry.max_examples,
        time_s=entry.time_s,
    )


def read(repo: Path, relative: str) -> str:
    """A file of the checkout as text; SuiteError unless it is a regular file inside the repository."""
    root = repo.resolve()
    path = (repo / relative).resolve()
    if root not in (path, *path.parents):
        raise SuiteError("points outside the repository", file=relative)
    if not path.is_file():
        raise SuiteError("no such file in the repository", file=relative)
    if path.stat().st_size > MAX_BYTES:
        raise SuiteError(f"larger than {MAX_BYTES // (1024 * 1024)} MB", file=relative)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"cannot read: {exc}", file=relative) from None


def load_openapi(text: str, source: str) -> dict[str, Any]:
    """An OpenAPI 3 document (YAML or JSON) with `paths`; SuiteError with the line when it does not parse."""
    try:
        data = json.loads(text) if source.endswith(".json") else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise SuiteError(f"not JSON: {exc.msg}", file=source, line=exc.lineno) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SuiteError(f"YAML syntax: {exc.problem}", file=source, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SuiteError(f"YAML syntax: {exc}", file=source) from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3"):
        raise SuiteError("an OpenAPI 3 document is expected ('openapi: 3.x')", file=source)
    if not isinstance(data.get("paths"), dict) or not data["paths"]:
        raise SuiteError("the OpenAPI document has no 'paths'", file=source)
    return data
