"""Deterministic root-cause diagnosis of a failed evaluation."""

from __future__ import annotations

from pathlib import Path

from checks.diagnosis.model import Diagnosis, DiagnosisInput, RootCause

__all__ = ["Diagnosis", "DiagnosisInput", "diagnose"]


def diagnose(evidence: DiagnosisInput, *, repo: Path | None = None) -> Diagnosis:
    """The ranked root causes behind `evidence` (placeholder until the diagnosis lands)."""
    failed = [r for r in evidence.requests if r.get("passed", 0) < r.get("total", 0)]
    if evidence.startup != "ok":
        return Diagnosis.from_causes([RootCause(category="server_startup_failure", summary=f"Startup: {evidence.startup}.")])
    if failed or evidence.findings:
        return Diagnosis.from_causes([RootCause(category="other", summary=f"{len(failed)} request(s) failed.")])
    return Diagnosis.from_causes([])
