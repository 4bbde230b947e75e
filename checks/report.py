"""The report of one evaluation: the stable, versioned JSON every consumer reads.

`decaycheck run --json`, the GitHub Check Run and the bot's details page are
all renderings of this one model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from checks.diagnosis.model import Diagnosis
from conduit_suite.result import RequestResult, SuiteResult
from conduit_suite.scores import AspectScore, BlockedBy, Deviation, OperationScore, score
from verifiers.findings import Finding
from verifiers.runtime import RuntimeEvidence

REPORT_VERSION = 1

Startup = Literal["ok", "install_failed", "start_failed", "health_timeout", "not_run"]


class Annotation(BaseModel):
    """A message pinned to a line of the repository (paths relative to the repo root)."""

    path: str
    start_line: int
    end_line: int
    level: Literal["notice", "warning", "failure"]
    title: str
    message: str


BEHAVIOURAL = ("builtin", "file", "postman")  # suite kinds that make A%; `openapi` conformance is scored apart


class ConfigSource(BaseModel):
    """One key of the merged config and where its value came from (the repository's file, the org's, a default)."""

    key: str
    value: str
    source: str


class SuiteSummary(BaseModel):
    suite: str
    kind: str = Field(default="builtin", description="builtin, file, postman (behavioural) or openapi (conformance).")
    problems: list[str] = Field(default_factory=list, description="What kept it from running as written.")
    assertions_passed: int
    assertions_total: int
    assert_pct: float
    pass_at_1: bool
    requests: list[RequestResult]
    aspects: list[AspectScore] = Field(default_factory=list, description="Per aspect, for suites that name them.")
    operations: list[OperationScore] = Field(default_factory=list, description="Per operation the assertions check.")
    deviations: list[Deviation] = Field(
        default_factory=list, description="Failures folded by (aspect, cited rule): one rule broken, one finding."
    )
    blocked: list[BlockedBy] = Field(
        default_factory=list, description="Failures that wait on an earlier request's missing capture, per root."
    )
    assertions_blocked: int = 0

    @classmethod
    def of(cls, result: SuiteResult) -> SuiteSummary:
        scores = score(result)
        return cls(
            suite=result.suite,
            kind=result.kind,
            problems=result.problems,
            assertions_passed=result.assertions_passed,
            assertions_total=result.assertions_total,
            assert_pct=result.assert_pct,
            pass_at_1=result.pass_at_1,
            requests=result.requests,
            aspects=scores.aspects,
            operations=scores.operations,
            deviations=scores.deviations,
            blocked=scores.blocked,
            assertions_blocked=result.assertions_blocked,
        )

    def counted(self, aspects: list[str] | None) -> tuple[int, int]:
        """(passed, total) over `aspects` (None: all); a suite without aspects counts whole."""
        if aspects is None or not self.aspects:
            return self.assertions_passed, self.assertions_total
        chosen = [a for a in self.aspects if a.aspect in aspects]
        return sum(a.passed for a in chosen), sum(a.total for a in chosen)

    @property
    def behavioural(self) -> bool:
        return self.kind in BEHAVIOURAL


class Totals(BaseModel):
    """A% and pass@1 over several suites: every assertion of each counts once."""

    suites: list[str] = Field(default_factory=list)
    assertions_passed: int = 0
    assertions_total: int = 0
    assert_pct: float = 0.0
    pass_at_1: bool = False

    @classmethod
    def over(cls, summaries: list[SuiteSummary], compliant: bool = True) -> Totals:
        passed = sum(s.assertions_passed for s in summaries)
        total = sum(s.assertions_total for s in summaries)
        return cls(
            suites=[s.suite for s in summaries],
            assertions_passed=passed,
            assertions_total=total,
            assert_pct=round(100.0 * passed / total, 2) if total else 0.0,
            pass_at_1=bool(summaries) and all(s.pass_at_1 for s in summaries) and compliant,
        )


class Report(BaseModel):
    """Top-level numbers are those of the first configured behavioural suite (compat by default);
    `total` is over every behavioural suite, `conformance` over the OpenAPI ones."""

    version: int = REPORT_VERSION
    repo_path: str = ""
    app: str | None = Field(default=None, description="The monorepo app evaluated (`apps:` in the config), if any.")
    app_path: str = Field(default=".", description="The app's folder, relative to the repository root.")
    head_sha: str | None = None
    config_error: str | None = None
    config_sources: list[ConfigSource] = Field(
        default_factory=list, description="The keys set by a config file, and which file set each."
    )
    error: str | None = Field(default=None, description="Why the evaluation could not be carried out.")
    startup: Startup = "not_run"
    startup_detail: str = Field(default="", description="Why startup is not ok, in one line.")
    install: str = Field(
        default="", description="What the install ran from (lockfile, manifest) and on which interpreter."
    )
    suite: str = "compat"
    assertions_passed: int = 0
    assertions_total: int = 0
    assert_pct: float = 0.0
    pass_at_1: bool = False
    requests: list[RequestResult] = Field(default_factory=list)
    suites: list[SuiteSummary] = Field(default_factory=list)
    total: Totals = Field(default_factory=Totals, description="A% and pass@1 over every behavioural suite.")
    conformance: Totals | None = Field(default=None, description="The OpenAPI conformance score, when configured.")
    constraints: dict[str, str] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    compliant: bool = True
    diagnosis: Diagnosis | None = None
    annotations: list[Annotation] = Field(default_factory=list)
    annotations_max: int = Field(default=50, description="`annotations.max` of the config: 0 sends none.")
    annotation_levels: list[str] = Field(default_factory=lambda: ["failure", "warning", "notice"])
    gate: dict[str, Any] = Field(default_factory=dict, description="Policy applied and its verdict.")
    gate_passed: bool = False
    evidence: RuntimeEvidence | None = Field(default=None, description="The database as the pod left it.")
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per phase.")
    server_log_tail: str = ""

    @property
    def open_findings(self) -> list[Finding]:
        """The findings no waiver of the repository covers: those that count."""
        return [f for f in self.findings if f.waived is None]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def enforced_assert_pct(self) -> float:
        """The study's headline A% ("with verifier enforcement"): 0 when any (unwaived) finding, else `assert_pct`."""
        return 0.0 if self.open_findings else self.assert_pct

    def with_suites(self, results: list[SuiteResult]) -> Report:
        """Fill the headline numbers from the first behavioural suite, the totals, and every suite's summary."""
        behavioural = [r for r in results if r.kind in BEHAVIOURAL]
        if behavioural:
            head = behavioural[0]
            self.suite = head.suite
            self.assertions_passed = head.assertions_passed
            self.assertions_total = head.assertions_total
            self.assert_pct = head.assert_pct
            self.pass_at_1 = head.pass_at_1 and not self.open_findings
            self.requests = head.requests
        self.suites = [SuiteSummary.of(r) for r in results]
        self.total = Totals.over([s for s in self.suites if s.behavioural], compliant=not self.findings)
        conformance = [s for s in self.suites if not s.behavioural]
        self.conformance = Totals.over(conformance) if conformance else None
        return self
