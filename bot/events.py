"""What an event asks for: one evaluation of one commit, independent of the event's shape.

The routers turn `pull_request`, `check_suite` and `check_run` payloads into an
`EvaluationRequest`; a payload missing what the request needs raises
`MalformedPayload` (the webhook answers 400). Fork PRs arrive with empty
`pull_requests` arrays: the request then carries the head SHA alone and the
commit is fetched from the base repository, where GitHub keeps PR heads.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class MalformedPayload(ValueError):
    """The delivery is signed but lacks a field the App needs."""


class EvaluationRequest(BaseModel):
    delivery_id: str
    event: str
    installation_id: int
    repo: str  # owner/name of the repository the check run belongs to
    clone_url: str
    head_sha: str
    pr_number: int | None = None
    base_sha: str | None = None  # the PR's base: which files it changed decides which apps are evaluated
    rerun: bool = False  # an explicit re-run: never deduplicated against an earlier run
    app: str | None = None  # a re-run of one monorepo app's check run
    strict: bool = False  # "Re-run strict": the strict suite on top of the configured ones


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            raise MalformedPayload("missing " + ".".join(keys))
        data = data[key]
    return data


def _base(data: dict[str, Any], delivery_id: str, event: str) -> dict[str, Any]:
    installation = _get(data, "installation", "id")
    repo = _get(data, "repository", "full_name")
    clone_url = _get(data, "repository", "clone_url")
    if not isinstance(installation, int) or not isinstance(repo, str) or not isinstance(clone_url, str):
        raise MalformedPayload("installation.id, repository.full_name and repository.clone_url are required")
    return {
        "delivery_id": delivery_id,
        "event": event,
        "installation_id": installation,
        "repo": repo,
        "clone_url": clone_url,
    }


def _sha(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 40 or any(c not in "0123456789abcdef" for c in value):
        raise MalformedPayload(f"not a commit sha: {value!r}")
    return value


def _first_pr(prs: Any) -> int | None:
    if isinstance(prs, list) and prs and isinstance(prs[0], dict) and isinstance(prs[0].get("number"), int):
        return prs[0]["number"]
    return None


def _first_base(prs: Any) -> str | None:
    if isinstance(prs, list) and prs and isinstance(prs[0], dict):
        return _maybe_sha((prs[0].get("base") or {}).get("sha"))
    return None


def _maybe_sha(value: Any) -> str | None:
    try:
        return _sha(value)
    except MalformedPayload:
        return None


def from_pull_request(data: dict[str, Any], delivery_id: str) -> EvaluationRequest:
    number = _get(data, "pull_request", "number")
    return EvaluationRequest(
        **_base(data, delivery_id, "pull_request"),
        head_sha=_sha(_get(data, "pull_request", "head", "sha")),
        pr_number=number if isinstance(number, int) else None,
        base_sha=_maybe_sha((data["pull_request"].get("base") or {}).get("sha")),
    )


def from_check_suite(data: dict[str, Any], delivery_id: str, *, rerun: bool) -> EvaluationRequest:
    suite = _get(data, "check_suite")
    return EvaluationRequest(
        **_base(data, delivery_id, "check_suite"),
        head_sha=_sha(_get(suite, "head_sha")),
        pr_number=_first_pr(suite.get("pull_requests")),
        base_sha=_first_base(suite.get("pull_requests")),
        rerun=rerun,
    )


def from_check_run(
    data: dict[str, Any], delivery_id: str, *, app: str | None = None, strict: bool = False
) -> EvaluationRequest:
    run = _get(data, "check_run")
    return EvaluationRequest(
        **_base(data, delivery_id, "check_run"),
        head_sha=_sha(_get(run, "head_sha")),
        pr_number=_first_pr(run.get("pull_requests")),
        base_sha=_first_base(run.get("pull_requests")),
        rerun=True,
        app=app,
        strict=strict,
    )
