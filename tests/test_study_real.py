"""A small study through the real pipeline: `decaycheck batch` with two local workers, each evaluation in its own pod.

Three checkouts (the Flask app at L3, a variant of it sending raw SQL, the
FastAPI app at L0), two trials each: the reference apps pass every
assertion, so the figures are known exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.study.model import RunRecord
from tests.support.study import ROOT, make_study

pytestmark = pytest.mark.slow


def test_a_real_batch_evaluates_in_pods_and_tabulates(tmp_path: Path) -> None:
    manifest = make_study(tmp_path, fake=False, only=["flask-l3", "flask-raw-sql", "fastapi-l0"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECAYCHECK_")}
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "batch", str(manifest), "--trials", "2", "--workers", "2", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    runs = [RunRecord.model_validate_json(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert len(runs) == 6
    for run in runs:
        assert run.status == "ok" and run.report.startup == "ok", run.report.error
        assert (run.report.assertions_passed, run.report.assertions_total) == (290, 290)
        assert run.report.timings["pod"] > 0  # a real pod ran
    raw_sql = [r for r in runs if r.checkout == "repos/flask-raw-sql"]
    assert all(r.report.enforced_assert_pct == 0.0 and not r.report.pass_at_1 for r in raw_sql)
    tables = json.loads((out / "tables.json").read_text())
    levels = {row["level"]: row for row in tables["levels"]}
    assert (levels["L3"]["a_pct_raw"], levels["L3"]["a_pct_enforced"], levels["L3"]["pass_at_1"]) == (100.0, 50.0, 0.5)
    assert (levels["L0"]["a_pct_enforced"], levels["L0"]["pass_at_1"]) == (100.0, 1.0)
    assert tables["delta_l3_l0"] == {"enforced": -50.0, "raw": 0.0}
    causes = {(row["category"], row["subcategory"]): row["runs"] for row in tables["root_causes"]}
    assert causes == {("constraint_violation", None): 2}
    assert tables["flaky"] == []
    assert "<svg" in (out / "report.html").read_text()
