"""Third-party-style layouts, verified as their own `.github/decaycheck.yml` declares.

Each folder under tests/layouts/ is a small repository laid out the way
public projects are (ORMs beyond the study's two, src/ layouts, app
factories, routers split in packages, a layer map, waivers) with an
`expect.yml` pinning its findings as (rule, path, line, waived): a missing
finding, an extra one, a moved line or a lost waiver fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.config import resolve
from verifiers import verify

LAYOUTS = Path(__file__).resolve().parent / "layouts"
CASES = sorted(p.name for p in LAYOUTS.iterdir() if (p / "expect.yml").is_file())


def _expected(case: str) -> list[tuple[str, str | None, int | None, bool]]:
    data = yaml.safe_load((LAYOUTS / case / "expect.yml").read_text())
    return sorted(
        ((f["rule"], f.get("path"), f.get("line"), bool(f.get("waived", False))) for f in data["findings"]), key=repr
    )


def test_the_corpus_covers_every_orm() -> None:
    declared = {resolve(LAYOUTS / case).constraints.orm for case in CASES}
    assert {"django", "sqlmodel", "knex", "prisma", "typeorm", "none"} <= declared, declared


@pytest.mark.parametrize("case", CASES)
def test_layout_findings_are_exact(case: str) -> None:
    resolved = resolve(LAYOUTS / case)
    cfg = resolved.config
    found = verify(resolved.app_dir, resolved.constraints, layers=cfg.layers, waivers=cfg.waivers)
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
