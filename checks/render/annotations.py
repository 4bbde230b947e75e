"""Turn findings and diagnosis evidence into annotations on repository lines.

Paths in findings and evidence are relative to the app folder; annotations
are relative to the repository root, so the app's folder is prefixed.
Failures come first (GitHub shows annotations in the order they are sent).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from checks.diagnosis.model import Diagnosis
from checks.report import Annotation
from verifiers.findings import Finding

Level = Literal["notice", "warning", "failure"]
_LEVEL: dict[str, Level] = {"error": "failure", "warning": "warning", "notice": "notice"}
_ORDER = {"failure": 0, "warning": 1, "notice": 2}


def _repo_path(app_path: str, path: str) -> str:
    if app_path in ("", "."):
        return path
    return str(PurePosixPath(app_path) / path)


def build_annotations(findings: list[Finding], diagnosis: Diagnosis | None, *, app_path: str = ".") -> list[Annotation]:
    """One annotation per located finding or evidence item, failures first, duplicates dropped."""
    notes: list[Annotation] = []
    seen: set[tuple[str, int, str]] = set()

    def add(path: str | None, line: int | None, level: Level, title: str, message: str, end: int | None = None) -> None:
        if not path or not line:
            return
        key = (path, line, title)
        if key in seen:
            return
        seen.add(key)
        notes.append(
            Annotation(
                path=_repo_path(app_path, path),
                start_line=line,
                end_line=max(end or line, line),
                level=level,
                title=title[:255],
                message=message,
            )
        )

    if diagnosis is not None:
        for rank, cause in enumerate(diagnosis.causes, start=1):
            kind = cause.subcategory or cause.category
            for item in cause.evidence:
                add(
                    item.path,
                    item.line,
                    "failure",
                    f"Root cause #{rank}: {kind}",
                    f"{cause.summary}\n\n{item.message}",
                    item.end_line,
                )
    for finding in findings:
        waived = finding.waived is not None
        add(
            finding.path,
            finding.line,
            "notice" if waived else _LEVEL.get(finding.severity, "warning"),
            f"{finding.constraint}: {finding.rule}" + (" (waived)" if waived else ""),
            finding.message + (f"\n\nWaived by the repository: {finding.waived}" if waived else ""),
        )
    notes.sort(key=lambda a: _ORDER[a.level])
    return notes
