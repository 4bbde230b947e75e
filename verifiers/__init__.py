"""Static structural checks for the constraints a repository declares."""

from __future__ import annotations

from pathlib import Path

from verifiers.constraints import Constraints
from verifiers.findings import Finding
from verifiers.runtime import RuntimeEvidence

__all__ = ["Constraints", "Finding", "RuntimeEvidence", "verify"]


def verify(root: Path, constraints: Constraints, *, runtime: RuntimeEvidence | None = None) -> list[Finding]:
    """Every finding for `constraints` over the app at `root` (placeholder until the verifiers land)."""
    return []
