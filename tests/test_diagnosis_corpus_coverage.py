"""The corpus covers every recurring defect of the catalogue of real coding-agent failures.

tests/corpus/diagnosis/catalog-coverage.yml maps each catalogue row seen at
least twice to the corpus patterns that stand for it. A row's patterns must
exist in the corpus and carry the row's label, so coverage cannot silently
regress when a pattern is renamed, relabelled or dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import get_args

import pytest
import yaml

from checks.diagnosis.model import Category, Subcategory
from tests.support.diagnosis_cases import CORPUS, load_cases

ROWS: dict[str, dict[str, object]] = yaml.safe_load((CORPUS / "catalog-coverage.yml").read_text())["rows"]
LABELS: dict[str, set[str]] = defaultdict(set)
for _case in load_cases():
    LABELS[_case.pattern].add(
        f"{_case.label.category}/{_case.label.subcategory}" if _case.label.subcategory else _case.label.category
    )


def test_the_mapping_names_each_row_once_with_a_known_label() -> None:
    assert len(ROWS) >= 50
    for row_id, row in ROWS.items():
        assert int(str(row["n"])) >= 2, row_id
        category, _, subcategory = str(row["label"]).partition("/")
        assert category in get_args(Category), row_id
        assert (category == "logic_error") == bool(subcategory), row_id
        assert not subcategory or subcategory in get_args(Subcategory), row_id


# Rows no pattern covers yet: this set may only shrink.
UNCOVERED = {"SS1"}


def test_only_the_known_rows_lack_a_pattern() -> None:
    assert {r for r, row in ROWS.items() if row["patterns"] == "missing"} <= UNCOVERED


@pytest.mark.parametrize("row_id", sorted(set(ROWS) - UNCOVERED))
def test_each_row_has_a_pattern_in_the_corpus_with_its_label(row_id: str) -> None:
    patterns = ROWS[row_id]["patterns"]
    assert isinstance(patterns, list) and patterns, f"{row_id} has no pattern in the corpus"
    for pattern in patterns:
        assert pattern in LABELS, f"{row_id}: pattern {pattern} has no case"
        assert LABELS[pattern] == {ROWS[row_id]["label"]}, (row_id, pattern, LABELS[pattern])
