"""The rule table (rules.yml) as typed data, and the one way a check turns evidence into a Finding."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from verifiers.findings import ConstraintKind, Finding

RULES_FILE = Path(__file__).with_name("rules.yml")


@dataclass(frozen=True)
class Rule:
    id: str
    constraint: ConstraintKind
    severity: str
    evidence: str
    message: str
    summary: str  # one line: what the rule forbids (SARIF shortDescription)
    help: str  # how to fix a finding (SARIF help)


@dataclass(frozen=True)
class Table:
    rules: dict[str, Rule]
    data: dict[str, Any]
    raw_sql_shape: re.Pattern[str]
    raw_sql_syntax: re.Pattern[str]

    def is_sql(self, text: str | None) -> bool:
        """A SQL statement, not prose that starts like one (see raw_sql in rules.yml)."""
        if not text:
            return False
        match = self.raw_sql_shape.search(text)
        if match is None:
            return False
        keyword = match.group(0).split()[0]
        return keyword.isupper() or self.raw_sql_syntax.search(text) is not None

    def finding(
        self, rule_id: str, path: str | None = None, line: int | None = None, column: int | None = None, **fields: Any
    ) -> Finding:
        rule = self.rules[rule_id]
        return Finding(
            constraint=rule.constraint,
            rule=rule.id,
            severity=rule.severity,  # type: ignore[arg-type]
            path=path,
            line=line,
            column=column,
            message=rule.message.format(**fields),
        )

    def section(self, name: str) -> Any:
        return self.data[name]

    def is_excluded(self, path: str) -> bool:
        return _matches(path, self.data["excluded_paths"])

    def is_migration(self, path: str) -> bool:
        return _matches(path, self.data["migration_paths"])


def _matches(path: str, spec: dict[str, list[str]]) -> bool:
    parts = PurePosixPath(path).parts
    if any(part in spec["dirs"] for part in parts[:-1]):
        return True
    return any(fnmatch.fnmatchcase(parts[-1], pattern) for pattern in spec["file_patterns"])


@cache
def load_table(path: Path = RULES_FILE) -> Table:
    data = yaml.safe_load(path.read_text())
    rules = {r["id"]: Rule(**r) for r in data.pop("rules")}
    return Table(
        rules=rules,
        data=data,
        raw_sql_shape=re.compile(data["raw_sql"]["pattern"], re.IGNORECASE),
        raw_sql_syntax=re.compile(data["raw_sql"]["lowercase_needs"], re.IGNORECASE),
    )
