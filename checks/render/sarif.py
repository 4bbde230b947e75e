"""The SARIF 2.1.0 rendering of reports: constraint findings and located root causes, for code scanning.

One run per category (`automationDetails.id`): `decaycheck/constraints/` holds
one result per constraint finding, with one rule per verifier rule (its
summary, full message template and help, from `verifiers/rules.yml`);
`decaycheck/root-causes/` holds one result per root cause whose evidence
points at a line, with one rule per kind of cause (`checks/diagnosis/taxonomy.yml`).
URIs are relative to the repository root (the app's folder prefixed, and in a
batch the checkout's name); a finding that names no file points at the
config that declared the constraint. `partialFingerprints` hash the rule, the
file and the message, not the line, so a result keeps its identity when code
above it moves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePosixPath
from typing import Any

from checks.config import CONFIG_PATH
from checks.diagnosis.model import RootCause
from checks.diagnosis.taxonomy import taxonomy
from checks.report import Report
from verifiers.findings import Finding
from verifiers.rules import load_table

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/decaycheck/decaycheck"
FINGERPRINT = "decaycheck/v1"
CONSTRAINTS_CATEGORY = "decaycheck/constraints/"
ROOT_CAUSES_CATEGORY = "decaycheck/root-causes/"
_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}


@dataclass(frozen=True)
class Subject:
    """One report and where its repository sits under the root the URIs are relative to."""

    report: Report
    prefix: str = ""  # "" for one repository; a batch names each checkout


def _version() -> str:
    try:
        return version("decaycheck")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "0"


def _uri(subject: Subject, path: str, *, app_relative: bool = True) -> str:
    parts = [subject.prefix] if subject.prefix else []
    if app_relative and subject.report.app_path not in ("", "."):
        parts.append(subject.report.app_path)
    parts.append(path)
    return str(PurePosixPath(*parts))


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _location(uri: str, line: int, end_line: int | None = None, message: str | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, line)}
    if end_line and end_line > line:
        region["endLine"] = end_line
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
    if message:
        location["message"] = {"text": message}
    return location


def _driver(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "driver": {
            "name": "decaycheck",
            "version": _version(),
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }
    }


def constraint_rules() -> list[dict[str, Any]]:
    """One reporting descriptor per verifier rule, in the table's order."""
    return [
        {
            "id": rule.id,
            "name": rule.id.replace(".", "/"),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"{rule.summary}: {rule.message}"},
            "help": {"text": rule.help},
            "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
            "properties": {"constraint": rule.constraint, "evidence": rule.evidence},
        }
        for rule in load_table().rules.values()
    ]


def cause_rules() -> list[dict[str, Any]]:
    """One reporting descriptor per kind of root cause (category, or logic error subcategory)."""
    return [
        {
            "id": f"root-cause/{name}",
            "name": name,
            "shortDescription": {"text": kind.summary},
            "fullDescription": {"text": f"{kind.summary}. {kind.help}"},
            "help": {"text": kind.help},
            "defaultConfiguration": {"level": "error"},
        }
        for name, kind in taxonomy().items()
    ]


def _finding_result(subject: Subject, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    if finding.path and finding.line:
        uri, line = _uri(subject, finding.path), finding.line
    elif finding.path:
        uri, line = _uri(subject, finding.path), 1
    else:  # a repository-wide finding: the constraint was declared in the config
        uri, line = _uri(subject, str(CONFIG_PATH), app_relative=False), 1
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [_location(uri, line)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding.rule, uri, finding.message)},
        "properties": {"constraint": finding.constraint},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def _cause_result(subject: Subject, rank: int, cause: RootCause, index: dict[str, int]) -> dict[str, Any] | None:
    located = [e for e in cause.evidence if e.path and e.line]
    if not located:
        return None
    kind = cause.subcategory or cause.category
    rule_id = f"root-cause/{kind}"
    first = located[0]
    assert first.path is not None and first.line is not None
    uri = _uri(subject, first.path)
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "level": "error",
        "message": {"text": f"Root cause #{rank}: {cause.summary}\n\n{first.message}"},
        "locations": [_location(uri, first.line, first.end_line)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(rule_id, uri, cause.summary)},
        "properties": {"category": cause.category, "rank": rank},
    }
    if rule_id in index:
        result["ruleIndex"] = index[rule_id]
    related = [
        {**_location(_uri(subject, e.path or ""), e.line or 1, e.end_line, e.message), "id": n}
        for n, e in enumerate(located[1:], start=1)
    ]
    if related:
        result["relatedLocations"] = related
    return result


def _run(category: str, rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tool": _driver(rules),
        "automationDetails": {"id": category},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }


def sarif_log(subjects: list[Subject]) -> dict[str, Any]:
    """A SARIF log of every subject's findings and located root causes, one run per category."""
    constraints, causes = constraint_rules(), cause_rules()
    constraint_index = {r["id"]: i for i, r in enumerate(constraints)}
    cause_index = {r["id"]: i for i, r in enumerate(causes)}
    finding_results: dict[str, dict[str, Any]] = {}
    cause_results: dict[str, dict[str, Any]] = {}
    for subject in subjects:  # a batch's trials of one checkout find the same things: each is listed once
        report = subject.report
        for finding in report.findings:
            result = _finding_result(subject, finding, constraint_index)
            finding_results.setdefault(result["partialFingerprints"][FINGERPRINT], result)
        if report.diagnosis is not None:
            for rank, cause in enumerate(report.diagnosis.causes, start=1):
                located = _cause_result(subject, rank, cause, cause_index)
                if located is not None:
                    cause_results.setdefault(located["partialFingerprints"][FINGERPRINT], located)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            _run(CONSTRAINTS_CATEGORY, constraints, list(finding_results.values())),
            _run(ROOT_CAUSES_CATEGORY, causes, list(cause_results.values())),
        ],
    }


def sarif(report: Report) -> dict[str, Any]:
    """The SARIF log of one evaluation."""
    return sarif_log([Subject(report)])
