"""Precision and recall of the structural verifiers over the labeled corpus, per rule and overall.

The corpus is every reference app as it is (no finding expected) and every
`tests/corpus/verify_*.yml` variant (its `expect.findings`, pinned as rule,
path and line). A finding counts as a true positive only when all three match.

    .venv/bin/python scripts/verifier_scores.py [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.variants import APPS, load_all  # noqa: E402
from verifiers import Constraints, RuntimeEvidence, verify  # noqa: E402
from verifiers.constraints import NODE_FRAMEWORKS, PYTHON_FRAMEWORKS  # noqa: E402
from verifiers.rules import load_table  # noqa: E402

Triple = tuple[str, str | None, int | None]


Case = tuple[str, Path, Constraints, RuntimeEvidence | None, set[Triple]]


def corpus_cases(workdir: Path) -> list[Case]:
    """(name, app folder, constraints, runtime evidence, expected findings) for every app and variant."""
    cases: list[Case] = []
    for app in sorted(PYTHON_FRAMEWORKS | NODE_FRAMEWORKS):
        if (APPS / app).is_dir():
            cases.append((app, APPS / app, Constraints.from_level("L3", framework=app), None, set()))  # type: ignore[arg-type]
    for variant in load_all(expecting="findings"):
        if variant.name.startswith("verify_"):
            root = variant.materialize(workdir / variant.name)
            expected = {(f["rule"], f["path"], f["line"]) for f in variant.expect["findings"]}
            declared = Constraints.from_level("L3", framework=variant.base)  # type: ignore[arg-type]
            constraints = Constraints.model_validate({**declared.model_dump(), **variant.expect.get("constraints", {})})
            runtime = variant.expect.get("runtime")
            cases.append(
                (
                    variant.name,
                    root,
                    constraints,
                    RuntimeEvidence.model_validate(runtime) if runtime is not None else None,
                    expected,
                )
            )
    return cases


def score() -> dict:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses: list[str] = []
    with tempfile.TemporaryDirectory(prefix="verifier-scores-") as tmp:
        cases = corpus_cases(Path(tmp))
        for name, root, constraints, runtime, expected in cases:
            found = {(f.rule, f.path, f.line) for f in verify(root, constraints, runtime=runtime)}
            for rule, *_ in found & expected:
                tp[rule] += 1
            for triple in found - expected:
                fp[triple[0]] += 1
                misses.append(f"false positive in {name}: {triple}")
            for triple in expected - found:
                fn[triple[0]] += 1
                misses.append(f"missed in {name}: {triple}")
    rules = {}
    for rule in sorted(load_table().rules):
        rules[rule] = _ratios(tp[rule], fp[rule], fn[rule])
    overall = _ratios(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"cases": len(cases), "rules": rules, "overall": overall, "misses": misses, "unlabeled": _unlabeled()}


def _unlabeled() -> dict[str, list[str]]:
    """Findings on the other corpus variants (behaviour defects, not labeled for findings): shown, not scored."""
    shown: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="verifier-unlabeled-") as tmp:
        for variant in load_all():
            if variant.name.startswith("verify_") or variant.base not in PYTHON_FRAMEWORKS | NODE_FRAMEWORKS:
                continue
            root = variant.materialize(Path(tmp) / variant.name)
            found = verify(root, Constraints.from_level("L3", framework=variant.base))  # type: ignore[arg-type]
            shown[variant.name] = [f"{f.rule} {f.path}:{f.line}" for f in found]
    return shown


def _ratios(tp: int, fp: int, fn: int) -> dict:
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
    }


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the scores as JSON here")
    args = parser.parse_args(argv)
    result = score()
    print(f"{result['cases']} cases (reference apps and verify_* variants)\n")
    print(f"{'rule':44} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}")
    for rule, r in result["rules"].items():
        print(f"{rule:44} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {_fmt(r['precision']):>10} {_fmt(r['recall']):>7}")
    o = result["overall"]
    print(f"{'overall':44} {o['tp']:>4} {o['fp']:>4} {o['fn']:>4} {_fmt(o['precision']):>10} {_fmt(o['recall']):>7}")
    for line in result["misses"]:
        print(line)
    unlabeled = result["unlabeled"]
    flagged = {name: found for name, found in unlabeled.items() if found}
    print(f"\nother corpus variants (behaviour defects, not scored): {len(unlabeled)}, with findings: {len(flagged)}")
    for name, found in flagged.items():
        print(f"  {name}: {', '.join(found)}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
