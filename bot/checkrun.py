"""Check Run bodies for the Checks API: the App's side of publishing a rendered Report.

What a check run says comes from `checks.render.checkrun`; this module only
shapes it into request bodies: the completion PATCH (conclusion, buttons,
details URL) and further PATCHes appending annotations, at most 50 each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from checks.render.checkrun import MAX_TITLE, CheckOutcome, Conclusion, truncate

MAX_ANNOTATIONS_PER_REQUEST = 50

RERUN_ACTION = {"label": "Re-run", "identifier": "rerun", "description": "Evaluate this commit again"}
RERUN_STRICT_ACTION = {
    "label": "Re-run strict",
    "identifier": "rerun-strict",
    "description": "Evaluate again with the strict suite",
}
ACTIONS = [RERUN_ACTION, RERUN_STRICT_ACTION]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def completion_bodies(outcome: CheckOutcome, details_url: str | None = None) -> list[dict[str, Any]]:
    """The PATCH bodies completing a check run: the first carries the conclusion, the rest append annotations."""
    batches = [
        outcome.annotations[i : i + MAX_ANNOTATIONS_PER_REQUEST]
        for i in range(0, len(outcome.annotations), MAX_ANNOTATIONS_PER_REQUEST)
    ] or [[]]
    bodies = []
    for n, batch in enumerate(batches):
        output: dict[str, Any] = {"title": outcome.title, "summary": outcome.summary}
        if outcome.text and n == 0:
            output["text"] = outcome.text
        if batch:
            output["annotations"] = batch
        body: dict[str, Any] = {"output": output}
        if n == 0:
            body.update(status="completed", conclusion=outcome.conclusion, completed_at=now_iso(), actions=ACTIONS)
            if details_url:
                body["details_url"] = details_url
        bodies.append(body)
    return bodies


def simple_completion(conclusion: Conclusion, title: str, summary: str) -> dict[str, Any]:
    """A completion without a report: cancelled, timed out, or an evaluation that could not run."""
    return {
        "status": "completed",
        "conclusion": conclusion,
        "completed_at": now_iso(),
        "actions": ACTIONS,
        "output": {"title": title[:MAX_TITLE], "summary": truncate(summary)},
    }
