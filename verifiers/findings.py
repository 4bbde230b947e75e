"""A structural finding: one declared constraint not kept, at one place in the code."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "notice"]
ConstraintKind = Literal["framework", "architecture", "database", "orm"]


class Finding(BaseModel):
    """A rule that did not hold. `path` is relative to the app folder; `line` is 1-based."""

    constraint: ConstraintKind
    rule: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    message: str
    waived: str | None = Field(
        default=None, description="The reason the repository gives for waiving this finding; None: not waived."
    )
