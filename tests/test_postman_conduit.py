"""The study's suite as a Postman collection, declared as a `postman:` suite of a third-party Conduit repository.

`conduit_suite/data/conduit.postman_collection.json` (written by
`scripts/conduit_postman.py` from compat) is copied into a checkout of the
Flask reference app and declared beside `compat`; the pipeline runs both in
the pod. newman's counts are compat's: 290 of 290 intact, 270 with the
comments feature removed, failing the same assertion ids.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.pipeline import evaluate
from tests.support.variants import APPS, CORPUS, Variant

ROOT = Path(__file__).resolve().parents[1]
COLLECTION = ROOT / "conduit_suite" / "data" / "conduit.postman_collection.json"
POSTMAN = "postman:tests/api/conduit.postman_collection.json"
CONFIG = f"""\
constraints: {{level: L3, framework: flask}}
suites:
  - compat
  - postman: {POSTMAN.split(":", 1)[1]}
    variables: {{APIURL: "{{api}}", USERNAME: "u{{unique}}", EMAIL: "u{{unique}}@example.com", PASSWORD: "p{{unique}}"}}
"""


def test_the_collection_is_what_the_script_writes_from_compat() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "conduit_postman.py"), "--check"], timeout=60)
    assert proc.returncode == 0, "run scripts/conduit_postman.py: the collection is out of date"
    data = json.loads(COLLECTION.read_text())
    tests = [
        line for item in data["item"] for line in item["event"][0]["script"]["exec"] if line.startswith("pm.test(")
    ]
    assert (len(data["item"]), len(tests)) == (32, 290)


def third_party_repo(tmp_path: Path, variant: str | None) -> Path:
    repo = tmp_path / "repo"
    if variant is None:
        shutil.copytree(APPS / "flask", repo, ignore=shutil.ignore_patterns("__pycache__", ".venv", "*.db"))
    else:
        Variant.load(CORPUS / f"{variant}.yml").materialize(repo)
    (repo / "tests" / "api").mkdir(parents=True, exist_ok=True)
    shutil.copy(COLLECTION, repo / "tests" / "api" / COLLECTION.name)
    (repo / ".github").mkdir(exist_ok=True)
    (repo / ".github" / "decaycheck.yml").write_text(CONFIG)
    return repo


@pytest.mark.parametrize(
    ("variant", "passed"), [(None, 290), ("flask_comments_missing", 270)], ids=["intact", "comments-removed"]
)
def test_the_study_collection_counts_like_compat_under_newman(variant: str | None, passed: int, tmp_path: Path) -> None:
    report = evaluate(third_party_repo(tmp_path, variant))
    assert report.error is None and report.startup == "ok", report.server_log_tail
    compat, postman = report.suites
    assert (postman.suite, postman.kind, postman.problems) == (POSTMAN, "postman", [])
    assert (
        (postman.assertions_passed, postman.assertions_total)
        == (compat.assertions_passed, compat.assertions_total)
        == (passed, 290)
    )
    ids = sorted(f.id for r in postman.requests for f in r.failures)
    assert ids == sorted(f.id for r in compat.requests for f in r.failures)
    assert [r.name for r in postman.requests] == [r.name for r in compat.requests]
    assert [r.path for r in postman.requests] == [r.path for r in compat.requests]
    assert (report.total.assertions_passed, report.total.assertions_total) == (2 * passed, 580)
    if variant is not None:
        assert ids[0] == "23 create comment: has comment"
        assert report.gate["reason"] == "pass@1 required: 20 of 290 assertions failed"
