"""Score a diagnosis against a labeled expectation: category, subcategory, location.

Used by the corpus test and the accuracy script alike, so "correct" means the
same thing in both. The location is right when one item of the headline
cause's evidence names the expected file and, when a line is expected, covers
it (a definition span covers every line in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.diagnosis.model import Diagnosis, Evidence


@dataclass(frozen=True)
class Score:
    category: bool
    subcategory: bool
    location: bool

    @property
    def correct(self) -> bool:
        return self.category and self.subcategory and self.location


def covers(item: Evidence, path: str, line: int | None) -> bool:
    if item.path != path:
        return False
    if line is None:
        return True
    if item.line is None:
        return False
    return item.line <= line <= (item.end_line or item.line)


def score(expected: dict[str, Any], diagnosis: Diagnosis) -> Score:
    """How `diagnosis` fares against `expected` ({category, subcategory?, path, line?})."""
    category = diagnosis.category == expected["category"]
    subcategory = category and diagnosis.subcategory == expected.get("subcategory")
    location = any(covers(item, expected["path"], expected.get("line")) for item in diagnosis.evidence)
    return Score(category, subcategory, location)


def label(category: str, subcategory: str | None) -> str:
    """One name per taxonomy cell: the subcategory for logic errors, the category otherwise."""
    return subcategory if category == "logic_error" and subcategory else category
