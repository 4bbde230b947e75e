"""The diagnosis contract: categories from the study's taxonomy, ranked root causes, evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter

Category = Literal[
    "none",
    "server_startup_failure",
    "incomplete_implementation",
    "constraint_violation",
    "schema_format_error",
    "logic_error",
    "other",
]
Subcategory = Literal[
    "auth_misconfiguration",
    "incorrect_query_logic",
    "database_runtime_error",
    "state_propagation_failure",
    "framework_idiosyncrasy",
    "business_logic_defect",
]


_CLASS = TypeAdapter(tuple[Category, Subcategory | None])


def classification(category: object, subcategory: object = None) -> tuple[Category, Subcategory | None]:
    """A (category, subcategory) read from a data table, checked against the taxonomy."""
    checked: tuple[Category, Subcategory | None] = _CLASS.validate_python((category, subcategory))
    return checked


class Evidence(BaseModel):
    """One observation backing a cause: a log frame, a request, a finding."""

    kind: Literal["log", "request", "finding", "startup", "code"]
    message: str
    path: str | None = None
    line: int | None = None
    end_line: int | None = Field(default=None, description="Last line when the evidence is a definition, not a line.")
    request: str | None = None


class Alternative(BaseModel):
    """A reading the evidence does not rule out."""

    category: Category
    subcategory: Subcategory | None = None
    why: str


THIN = 0.6  # below this confidence the evidence is too thin to decide; the renderings say so


class RootCause(BaseModel):
    category: Category
    subcategory: Subcategory | None = None
    summary: str
    evidence: list[Evidence] = Field(default_factory=list)
    consequences: list[str] = Field(default_factory=list, description="Requests this cause explains.")
    confidence: float = Field(default=0.5, ge=0.0, le=1.0, description="How firmly the evidence decides the cell.")
    decided_by: str = Field(default="", description="The observation that decided the category and subcategory.")
    alternatives: list[Alternative] = Field(
        default_factory=list, description="Other cells the evidence cannot rule out (the thin-evidence case)."
    )

    @property
    def thin(self) -> bool:
        return self.confidence < THIN or bool(self.alternatives)

    def cell(self) -> str:
        return self.subcategory or self.category

    def thin_note(self) -> str:
        """What the renderings print when the evidence cannot decide: both readings, and why."""
        if not self.thin:
            return ""
        others = ", ".join(a.subcategory or a.category for a in self.alternatives)
        reason = "; ".join(a.why for a in self.alternatives)
        if others:
            return (
                f"The evidence is too thin to decide between {self.cell()} and {others} "
                f"(confidence {self.confidence:.2f}): {reason}."
            )
        return f"The evidence is thin (confidence {self.confidence:.2f}): decided by {self.decided_by or 'little'}."


class Diagnosis(BaseModel):
    """Headline cause first; `causes` holds every independent cause, ranked."""

    category: Category
    subcategory: Subcategory | None = None
    summary: str
    evidence: list[Evidence] = Field(default_factory=list)
    causes: list[RootCause] = Field(default_factory=list)
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, description="The headline cause's confidence.")
    decided_by: str = ""
    alternatives: list[Alternative] = Field(default_factory=list)

    @classmethod
    def from_causes(cls, causes: list[RootCause]) -> Diagnosis:
        if not causes:
            return cls(category="none", summary="Every assertion passed and no constraint was violated.")
        head = causes[0]
        return cls(
            category=head.category,
            subcategory=head.subcategory,
            summary=head.summary,
            evidence=head.evidence,
            causes=causes,
            confidence=head.confidence,
            decided_by=head.decided_by,
            alternatives=head.alternatives,
        )

    def thin_note(self) -> str:
        return self.causes[0].thin_note() if self.causes else ""


class DiagnosisInput(BaseModel):
    """What `decaycheck diagnose` reads; `decaycheck run` builds the same from its own evidence.

    Requests follow the report's shape (name, method, path template, status or
    null, passed, total, failures optional); extra keys are ignored so other
    harnesses can feed their recordings.
    """

    model_config = {"extra": "ignore"}

    requests: list[dict] = Field(default_factory=list)
    server_log: str = ""
    startup: str = "ok"
    findings: list[dict] = Field(default_factory=list)
