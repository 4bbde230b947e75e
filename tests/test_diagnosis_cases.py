"""The recorded diagnosis corpus: its schema, its coverage, its frozen split, and that each case is whole."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from checks.diagnosis.logs import parse_log
from checks.diagnosis.scoring import label
from tests.support.diagnosis_cases import CORPUS, load_cases, recorded_split, split_of

CASES = load_cases()
FRAMEWORKS = {"flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa"}
CELLS = {
    "auth_misconfiguration",
    "incorrect_query_logic",
    "database_runtime_error",
    "state_propagation_failure",
    "framework_idiosyncrasy",
    "business_logic_defect",
    "server_startup_failure",
    "incomplete_implementation",
    "constraint_violation",
    "schema_format_error",
    "other",
}


def test_corpus_covers_frameworks_databases_and_every_cell() -> None:
    assert len(CASES) >= 150
    assert {c.framework for c in CASES} == FRAMEWORKS
    assert {c.database for c in CASES} == {"postgresql", "sqlite"}
    assert {c.evidence_level for c in CASES} == {"study", "rich"}
    cells = Counter(label(c.label.category, c.label.subcategory) for c in CASES)
    assert set(cells) == CELLS and min(cells.values()) >= 2, cells
    per_framework = Counter(c.framework for c in CASES)
    assert min(per_framework.values()) >= 15, per_framework
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_recorded_split_is_the_hash_of_each_id_and_covers_every_case() -> None:
    recorded = recorded_split()
    assert set(recorded) == {c.id for c in CASES}
    assert all(recorded[c.id] == split_of(c.id) for c in CASES)
    share = sum(1 for c in CASES if c.split == "test") / len(CASES)
    assert 0.22 < share < 0.38, share
    assert split_of("a-new-case") == split_of("a-new-case")


def test_study_level_cases_carry_only_what_the_study_recorded() -> None:
    study = [c for c in CASES if c.evidence_level == "study"]
    assert study
    for case in study:
        for request in case.evidence.requests:
            assert set(request) == {"name", "method", "path", "status", "passed", "total"}, case.id


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_case_applies_and_its_label_and_frames_point_into_the_app(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = case.materialize(tmp_path / "app")
    target = repo / case.label.path
    assert target.is_file(), case.label.path
    if case.label.line is not None:
        lines = target.read_text().splitlines()
        assert 1 <= case.label.line <= len(lines)
        assert lines[case.label.line - 1].strip(), "the labelled line is blank"
    for path in set(re.findall(r"/repository/([\w./-]+?\.(?:py|js|sh|txt|json))", case.evidence.server_log)):
        if not path.startswith("node_modules/"):
            assert (repo / path).is_file(), f"the log names {path}, which the app lacks"
    for error in parse_log(case.evidence.server_log, repo=repo):
        for frame in error.chain:
            assert (repo / frame.path).is_file()


def test_the_base_apps_are_the_eight_frameworks() -> None:
    assert {p.name for p in (CORPUS / "apps").iterdir()} == FRAMEWORKS
