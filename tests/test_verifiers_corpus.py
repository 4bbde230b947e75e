"""The verifier corpus: every reference app is compliant as it is, and every seeded violation is found exactly.

Each app is verified at the study's L3 (its own framework, Clean
Architecture, PostgreSQL, its runtime's ORM); a variant may override some
constraints (`expect.constraints`) and give the runtime evidence the pipeline
would collect (`expect.runtime`). Expected findings are pinned as (rule,
path, line): a missing finding, an extra one or a moved line fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.variants import APPS, Variant, load_all
from verifiers import Constraints, RuntimeEvidence, verify
from verifiers.constraints import NODE_FRAMEWORKS, PYTHON_FRAMEWORKS

# The reference apps are named after their framework; other apps under tests/apps are deliberately broken servers.
REFERENCE_APPS = sorted(p.name for p in APPS.iterdir() if p.is_dir() and p.name in PYTHON_FRAMEWORKS | NODE_FRAMEWORKS)
VARIANTS = [v for v in load_all(expecting="findings") if v.name.startswith("verify_")]


def constraints_for(base: str, overrides: dict | None = None) -> Constraints:
    declared = Constraints.from_level("L3", framework=base)  # type: ignore[arg-type]
    return Constraints.model_validate({**declared.model_dump(), **(overrides or {})})


def runtime_for(variant: Variant) -> RuntimeEvidence | None:
    data = variant.expect.get("runtime")
    return RuntimeEvidence.model_validate(data) if data is not None else None


def triples(findings) -> list[tuple[str, str | None, int | None]]:  # type: ignore[no-untyped-def]
    return sorted(((f.rule, f.path, f.line) for f in findings), key=repr)


def test_corpus_covers_every_app_with_five_violations() -> None:
    assert len(REFERENCE_APPS) == 8, REFERENCE_APPS
    for app in REFERENCE_APPS:
        violating = [v for v in VARIANTS if v.base == app and v.expect["findings"]]
        assert len(violating) >= 5, f"{app}: only {len(violating)} violating variants"


@pytest.mark.parametrize("app", REFERENCE_APPS)
def test_reference_app_is_compliant(app: str) -> None:
    findings = verify(APPS / app, constraints_for(app))
    assert [f"{f.rule} {f.path}:{f.line} {f.message}" for f in findings] == []


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_findings_are_exact(variant: Variant, tmp_path: Path) -> None:
    root = variant.materialize(tmp_path / variant.base)
    expected = sorted(((f["rule"], f["path"], f["line"]) for f in variant.expect["findings"]), key=repr)
    found = verify(root, constraints_for(variant.base, variant.expect.get("constraints")), runtime=runtime_for(variant))
    assert triples(found) == expected, "\n".join(f"{f.rule} {f.path}:{f.line} {f.message}" for f in found)
    for finding in found:
        assert finding.message and finding.severity == "error"
        if finding.line is not None:
            assert finding.column is not None and finding.column >= 1
