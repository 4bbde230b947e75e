"""Third-party-style layouts, verified as their own `.github/decaycheck.yml` declares.

Each folder under tests/layouts/ is a small repository laid out the way
public projects are (ORMs beyond the study's two, src/ layouts, app
factories, routers split in packages, a layer map, waivers) with an
`expect.yml` pinning its findings as (rule, path, line, waived): a missing
finding, an extra one, a moved line or a lost waiver fails the test. A case
whose `expect.yml` names a `tree` judges that case's code under its own config.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.config import CONFIG_PATH, Resolved, resolve
from verifiers import RuntimeEvidence, verify

LAYOUTS = Path(__file__).resolve().parent / "layouts"
CASES = sorted(p.name for p in LAYOUTS.iterdir() if (p / "expect.yml").is_file())


def _expect(case: str) -> dict:
    return yaml.safe_load((LAYOUTS / case / "expect.yml").read_text())


def _runtime(case: str) -> RuntimeEvidence | None:
    data = _expect(case).get("runtime")
    return RuntimeEvidence.model_validate(data) if data is not None else None


def _expected(case: str) -> list[tuple[str, str | None, int | None, bool]]:
    data = _expect(case)
    return sorted(
        ((f["rule"], f.get("path"), f.get("line"), bool(f.get("waived", False))) for f in data["findings"]), key=repr
    )


def test_the_corpus_covers_every_orm() -> None:
    declared = {_resolved(case).constraints.orm for case in CASES}
    assert {"django", "sqlmodel", "knex", "prisma", "typeorm", "none"} <= declared, declared


def _resolved(case: str) -> Resolved:
    tree = _expect(case).get("tree")
    config = LAYOUTS / case / CONFIG_PATH
    return resolve(LAYOUTS / tree, config) if tree else resolve(LAYOUTS / case)


@pytest.mark.parametrize("case", CASES)
def test_layout_findings_are_exact(case: str) -> None:
    resolved = _resolved(case)
    cfg = resolved.config
    found = verify(
        resolved.app_dir, resolved.constraints, runtime=_runtime(case), layers=cfg.layers, waivers=cfg.waivers
    )
    got = sorted(((f.rule, f.path, f.line, f.waived is not None) for f in found), key=repr)
    assert got == _expected(case), "\n".join(f"{f.rule} {f.path}:{f.line} {f.message}" for f in found)
    for finding in found:
        assert finding.message and "{" not in finding.message


def test_a_layer_map_and_a_waiver_are_what_decide() -> None:
    """Without its map the express layout has no layers at all; without its waiver the raw query counts."""
    resolved = resolve(LAYOUTS / "express_layer_map")
    unmapped = verify(resolved.app_dir, resolved.constraints)
    assert (
        sorted(f.rule for f in unmapped if f.rule == "architecture.layer-missing") == ["architecture.layer-missing"] * 4
    )
    assert [f.waived for f in unmapped if f.rule == "orm.raw-query"] == [None]
    mapped = verify(resolved.app_dir, resolved.constraints, layers=resolved.config.layers)
    assert not [f for f in mapped if f.rule == "architecture.layer-missing"]


def test_a_fallback_counts_unless_the_run_shows_it_was_not_taken() -> None:
    resolved = resolve(LAYOUTS / "flask_sqlite_fallback")
    evidence = _runtime("flask_sqlite_fallback")
    assert evidence is not None
    static = verify(resolved.app_dir, resolved.constraints)
    side_file = evidence.model_copy(update={"sqlite_files": ["conduit.db"]})
    with_file = verify(resolved.app_dir, resolved.constraints, runtime=side_file)
    for findings in (static, with_file):
        [url] = [f for f in findings if f.rule == "database.other-engine-url"]
        assert url.waived is None
    assert "database.runtime-sqlite-file" in {f.rule for f in with_file}
