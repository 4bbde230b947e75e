"""Static structural checks for the constraints a repository declares."""

from __future__ import annotations

from pathlib import Path

from verifiers import check_architecture, check_database, check_framework, check_orm
from verifiers.constraints import Constraints
from verifiers.findings import Finding
from verifiers.project import Project, load_project
from verifiers.rules import load_table
from verifiers.runtime import RuntimeEvidence

__all__ = ["Constraints", "Finding", "RuntimeEvidence", "verify", "verify_project"]


def verify(root: Path, constraints: Constraints, *, runtime: RuntimeEvidence | None = None) -> list[Finding]:
    """Every finding for `constraints` over the app at `root`, ordered by file and line.

    Each source file is parsed once; `runtime` (collected in the pod after the
    suite) adds the database rules that only a running app can answer.
    """
    return verify_project(load_project(Path(root)), constraints, runtime=runtime)


def verify_project(
    project: Project, constraints: Constraints, *, runtime: RuntimeEvidence | None = None
) -> list[Finding]:
    table = load_table()
    findings = [
        *check_framework.check(project, constraints, table),
        *check_architecture.check(project, constraints, table),
        *check_database.check(project, constraints, table, runtime),
        *check_orm.check(project, constraints, table),
    ]
    return sorted(findings, key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.rule))
