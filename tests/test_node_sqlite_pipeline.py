"""Express on SQLite through the real pipeline: the `express_sqlite` variant of the corpus.

The Express reference app depends on PostgreSQL drivers only, so its default
evaluation compiles nothing. The variant adds `sqlite3` (built from source by
its `.npmrc`), drops the lockfile so the Node profile runs `npm install`, and
declares `database: sqlite`; the pod then gives the app
`DATABASE_URL=sqlite:////pod/db/conduit.db`, and the runtime evidence must
show the suite's data in that SQLite file. The verifiers still see the app's
PostgreSQL default URL and dialect fallback; the variant pins those findings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.config import resolve
from checks.database import SQLITE_PATH, database_env
from checks.pipeline import evaluate
from tests.support.variants import CORPUS, Variant

pytestmark = pytest.mark.slow

VARIANT = Variant.load(CORPUS / "express_sqlite.yml")


def test_variant_declares_sqlite_and_installs_sqlite3(tmp_path: Path) -> None:
    """The materialized variant: sqlite3 a dependency, no lockfile, the build-from-source .npmrc, SQLite declared."""
    repo = VARIANT.materialize(tmp_path / "express-sqlite")
    assert json.loads((repo / "package.json").read_text())["dependencies"]["sqlite3"] == "5.1.7"
    assert not (repo / "package-lock.json").exists()
    assert "build-from-source=true" in (repo / ".npmrc").read_text()
    resolved = resolve(repo)
    assert (resolved.runtime, resolved.database, resolved.constraints.database) == ("node", "sqlite", "sqlite")
    assert database_env(resolved.database)["DATABASE_URL"] == f"sqlite:///{SQLITE_PATH}"


def test_express_on_sqlite_scores_290(tmp_path: Path) -> None:
    repo = VARIANT.materialize(tmp_path / "express-sqlite")
    progress: list[str] = []
    report = evaluate(repo, on_progress=progress.append)
    assert report.error is None and report.config_error is None, report.error or report.config_error
    assert report.startup == "ok", report.server_log_tail[-3000:]
    assert any(
        line.startswith("installing from package.json on node") and "(npm install" in line for line in progress
    ), progress
    assert (report.assertions_passed, report.assertions_total) == (290, 290), [
        f.id for r in report.requests for f in r.failures
    ][:10]
    assert sorted(f.id for r in report.requests for f in r.failures) == VARIANT.expect["compat"]
    evidence = report.evidence
    assert evidence is not None and evidence.collected
    assert evidence.database == VARIANT.expect["runtime"]["database"] == "sqlite"
    # The suite's rows are in the pod's SQLite file, not in a file the app wrote into its own folder.
    assert evidence.tables.get("users", 0) >= 1 and {"articles", "comments", "tags"} <= evidence.tables.keys()
    assert evidence.sqlite_files == []
    # Only the PostgreSQL leftovers the variant pins are found (no runtime-engine finding: SQLite was used).
    found = sorted((f.rule, f.path, f.line) for f in report.findings)
    assert found == sorted((f["rule"], f["path"], f["line"]) for f in VARIANT.expect["findings"]), found
    assert report.constraints.get("database") == "sqlite"
    assert not (repo / "node_modules").exists()  # the checkout is never modified
