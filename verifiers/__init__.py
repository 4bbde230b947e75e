"""Static structural checks for the constraints a repository declares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from verifiers import check_architecture, check_database, check_framework, check_orm
from verifiers.constraints import Constraints, Waiver
from verifiers.findings import Finding
from verifiers.project import Project, load_project
from verifiers.rules import load_table
from verifiers.runtime import RuntimeEvidence

__all__ = ["Constraints", "Finding", "RuntimeEvidence", "Waiver", "open_findings", "verify", "verify_project"]


def verify(
    root: Path,
    constraints: Constraints,
    *,
    runtime: RuntimeEvidence | None = None,
    layers: Mapping[str, list[str]] | None = None,
    waivers: Iterable[Waiver] = (),
) -> list[Finding]:
    """Every finding for `constraints` over the app at `root`, ordered by file and line.

    Each source file is parsed once; `runtime` (collected in the pod after the
    suite) adds the database rules that only a running app can answer.
    `layers` is the repository's layer map; a finding a waiver covers stays in
    the list with `waived` set to the waiver's reason.
    """
    return verify_project(load_project(Path(root)), constraints, runtime=runtime, layers=layers, waivers=waivers)


def verify_project(
    project: Project,
    constraints: Constraints,
    *,
    runtime: RuntimeEvidence | None = None,
    layers: Mapping[str, list[str]] | None = None,
    waivers: Iterable[Waiver] = (),
) -> list[Finding]:
    table = load_table()
    findings = [
        *check_framework.check(project, constraints, table),
        *check_architecture.check(project, constraints, table, layers),
        *check_database.check(project, constraints, table, runtime),
        *check_orm.check(project, constraints, table),
    ]
    waivers = list(waivers)
    for finding in findings:
        waiver = next((w for w in waivers if w.covers(finding.rule, finding.path)), None)
        if waiver is not None:
            finding.waived = waiver.reason
    return sorted(findings, key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.rule))


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings no waiver covers: the ones that count for compliance, the gate and the diagnosis."""
    return [f for f in findings if f.waived is None]
