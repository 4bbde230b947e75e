"""The diagnosis on seeded defects, end to end: each corpus variant through the real pipeline.

Every `tests/corpus/diag_*.yml` variant is materialized and evaluated as a
pull request would be (bwrap pod, PostgreSQL, installs from the shared
cache); the headline cause must have the labeled category and subcategory,
and its evidence must point at the defect's file (and line, when one line is
at fault). Variants run grouped by base app so each install finds a warm
cache. `scripts/diagnosis_accuracy.py` runs the same corpus for the figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from checks.cli import main as cli
from checks.diagnosis.scoring import label, score
from checks.pipeline import evaluate
from tests.support.cli import CliRunner
from tests.support.variants import Variant, load_all

pytestmark = pytest.mark.slow

VARIANTS = sorted(
    (v for v in load_all(expecting="diagnosis") if v.name.startswith("diag_")), key=lambda v: (v.base, v.name)
)
LOGIC = (
    "auth_misconfiguration",
    "incorrect_query_logic",
    "database_runtime_error",
    "state_propagation_failure",
    "framework_idiosyncrasy",
    "business_logic_defect",
)
OTHERS = ("server_startup_failure", "incomplete_implementation", "constraint_violation", "schema_format_error", "other")
NODE = {"express", "fastify", "hono", "koa"}


def test_corpus_covers_the_taxonomy_across_frameworks() -> None:
    cells = Counter(
        label(v.expect["diagnosis"]["category"], v.expect["diagnosis"].get("subcategory")) for v in VARIANTS
    )
    assert all(cells[name] >= 3 for name in LOGIC), cells
    assert all(cells[name] >= 2 for name in OTHERS), cells
    bases = {v.base for v in VARIANTS}
    assert len(bases) >= 4 and bases & NODE and bases - NODE
    for variant in VARIANTS:
        expected = variant.expect["diagnosis"]
        assert expected["path"] and ("line" in expected or expected["category"] == "incomplete_implementation")


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_headline_cause_names_the_seeded_defect(variant: Variant, tmp_path: Path) -> None:
    report = evaluate(variant.materialize(tmp_path / variant.name))
    assert report.error is None and report.diagnosis is not None
    expected = variant.expect["diagnosis"]
    result = score(expected, report.diagnosis)
    where = [(e.path, e.line, e.end_line) for e in report.diagnosis.evidence]
    assert (report.diagnosis.category, report.diagnosis.subcategory) == (
        expected["category"],
        expected.get("subcategory"),
    )
    assert result.location, f"{expected['path']}:{expected.get('line')} not in {where}"


def test_run_command_names_the_cause_and_line_of_a_seeded_defect(tmp_path: Path) -> None:
    """`decaycheck run` on the Express app with a hard-coded JWT secret: the headline and its line."""
    variant = next(v for v in VARIANTS if v.name == "diag_express_jwt_secret")
    repo = variant.materialize(tmp_path / "repo")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["run", str(repo), "--json", str(out)])
    assert result.exit_code == 1, result.output
    assert "auth_misconfiguration" in result.output
    assert "src/services/security.js:41" in result.output
    diagnosis = json.loads(out.read_text())["diagnosis"]
    assert diagnosis["subcategory"] == "auth_misconfiguration"
    assert any(e["path"] == "src/services/security.js" and e["line"] == 41 for e in diagnosis["evidence"])
