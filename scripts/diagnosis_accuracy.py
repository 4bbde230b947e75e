"""Accuracy of the diagnosis on its labelled corpora, with a confusion matrix.

The recorded corpus (tests/corpus/diagnosis/, tests/support/diagnosis_cases.py),
by split; tables are tuned on train, the frozen test split is read once:

    python scripts/diagnosis_accuracy.py cases --split train    # the split tuning looks at
    python scripts/diagnosis_accuracy.py cases --split test     # the frozen split: the reported figures

The seeded variants of the reference apps (tests/corpus/diag_*.yml), run
through the real pipeline (pods, installs, PostgreSQL; a few minutes):

    python scripts/diagnosis_accuracy.py variants                  # run every variant through the pipeline
    python scripts/diagnosis_accuracy.py variants --record DIR     # ... and keep each variant's evidence in DIR
    python scripts/diagnosis_accuracy.py variants --recorded DIR   # re-diagnose recorded evidence, no pipeline
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.diagnosis import DiagnosisInput, diagnose  # noqa: E402
from checks.diagnosis.model import Diagnosis  # noqa: E402
from checks.diagnosis.scoring import Score, label, score  # noqa: E402
from tests.support.diagnosis_cases import Case, load_cases  # noqa: E402
from tests.support.variants import Variant, load_all  # noqa: E402


def corpus() -> list[Variant]:
    """The diagnosis corpus, grouped by base app so installs run back to back on a warm cache."""
    variants = [v for v in load_all(expecting="diagnosis") if v.name.startswith("diag_")]
    return sorted(variants, key=lambda v: (v.base, v.name))


def evaluate_variant(variant: Variant, scratch: Path) -> tuple[Diagnosis, dict]:
    """The pipeline's diagnosis of the materialized variant, and the evidence it was made from."""
    from checks.pipeline import evaluate

    report = evaluate(variant.materialize(scratch / variant.name))
    evidence = {
        "requests": [r.model_dump() for r in report.requests],
        "server_log": report.server_log_tail,
        "startup": report.startup if report.startup != "not_run" else "ok",
        "findings": [f.model_dump() for f in report.findings],
        "error": report.error,
        "timings": report.timings,
    }
    return report.diagnosis or Diagnosis(category="none", summary=report.error or "no diagnosis"), evidence


def rediagnose(variant: Variant, recorded: dict, scratch: Path) -> Diagnosis:
    return diagnose(DiagnosisInput.model_validate(recorded), repo=variant.materialize(scratch / variant.name))


def print_report(rows: list[tuple[Variant, Diagnosis, Score]]) -> float:
    n = len(rows)
    cat = sum(s.category for _, _, s in rows)
    sub = sum(s.subcategory for _, _, s in rows)
    loc = sum(s.location for _, _, s in rows)
    full = sum(s.correct for _, _, s in rows)
    print(f"variants: {n}")
    print(f"category accuracy:    {cat / n:.3f} ({cat}/{n})")
    print(f"subcategory accuracy: {sub / n:.3f} ({sub}/{n})   (category and subcategory both right)")
    print(f"location accuracy:    {loc / n:.3f} ({loc}/{n})")
    print(f"all three right:      {full / n:.3f} ({full}/{n})")
    matrix: Counter[tuple[str, str]] = Counter()
    for variant, diagnosis, _ in rows:
        exp = variant.expect["diagnosis"]
        matrix[(label(exp["category"], exp.get("subcategory")), label(diagnosis.category, diagnosis.subcategory))] += 1
    labels = sorted({a for a, _ in matrix} | {b for _, b in matrix})
    short = {name: name[:9] for name in labels}
    width = max(len(name) for name in labels)
    print("\nconfusion matrix (rows: expected, columns: diagnosed)")
    print(" " * width + " " + " ".join(f"{short[c]:>9}" for c in labels))
    for row in labels:
        print(f"{row:<{width}} " + " ".join(f"{matrix[(row, col)] or '.':>9}" for col in labels))
    wrong = [(v, d, s) for v, d, s in rows if not s.correct]
    if wrong:
        print("\nmisses:")
        for variant, diagnosis, _s in wrong:
            exp = variant.expect["diagnosis"]
            where = [
                f"{e.path}:{e.line}" + (f"-{e.end_line}" if e.end_line else "") for e in diagnosis.evidence if e.path
            ]
            print(
                f"  {variant.name}: expected {label(exp['category'], exp.get('subcategory'))} at "
                f"{exp['path']}:{exp.get('line', '*')}; got {label(diagnosis.category, diagnosis.subcategory)} "
                f"at {', '.join(where[:6]) or 'nowhere'}"
            )
    return full / n


def score_cases(split: str) -> list[tuple[Case, Diagnosis, Score]]:
    """Diagnose every recorded case of `split` on its materialized app."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="diag-cases-") as tmp:
        for case in load_cases(split):  # type: ignore[arg-type]
            repo = case.materialize(Path(tmp) / case.id)
            diagnosis = diagnose(case.evidence, repo=repo)
            rows.append((case, diagnosis, score(case.label.model_dump(), diagnosis)))
    return rows


def print_cases(split: str, rows: list[tuple[Case, Diagnosis, Score]], *, misses: bool) -> float:
    n = len(rows)
    sub = sum(s.subcategory or (s.category and not c.label.subcategory) for c, _, s in rows)
    cat = sum(s.category for _, _, s in rows)
    loc = sum(s.location for _, _, s in rows)
    print(f"split: {split} ({n} cases)")
    print(f"subcategory accuracy: {sub / n:.3f} ({sub}/{n})   (the taxonomy cell: subcategory for logic errors)")
    print(f"category accuracy:    {cat / n:.3f} ({cat}/{n})")
    print(f"location accuracy:    {loc / n:.3f} ({loc}/{n})   (the headline's evidence covers the file:line at fault)")
    for level in ("study", "rich"):
        part = [(c, s) for c, _, s in rows if c.evidence_level == level]
        if part:
            right = sum(s.subcategory or (s.category and not c.label.subcategory) for c, s in part)
            print(f"  {level:>5} evidence: {right / len(part):.3f} ({right}/{len(part)})")
    cells: Counter[str] = Counter()
    right_cells: Counter[str] = Counter()
    matrix: Counter[tuple[str, str]] = Counter()
    for case, diagnosis, _s in rows:
        expected = label(case.label.category, case.label.subcategory)
        got = label(diagnosis.category, diagnosis.subcategory)
        cells[expected] += 1
        right_cells[expected] += expected == got
        matrix[(expected, got)] += 1
    print("\nper cell (expected label): accuracy")
    for cell in sorted(cells):
        print(f"  {cell:<26} {right_cells[cell] / cells[cell]:.3f} ({right_cells[cell]}/{cells[cell]})")
    print_matrix(matrix)
    if misses:
        wrong = [
            (c, d)
            for c, d, s in rows
            if label(c.label.category, c.label.subcategory) != label(d.category, d.subcategory)
        ]
        if wrong:
            print("\nmisses:")
        for case, diagnosis in wrong:
            print(
                f"  {case.id}: expected {label(case.label.category, case.label.subcategory)}, "
                f"got {label(diagnosis.category, diagnosis.subcategory)}: {diagnosis.summary[:140]}"
            )
    return sub / n if n else 0.0


def print_matrix(matrix: Counter[tuple[str, str]]) -> None:
    labels = sorted({a for a, _ in matrix} | {b for _, b in matrix})
    width = max(len(name) for name in labels)
    print("\nconfusion matrix (rows: expected, columns: diagnosed)")
    print(" " * width + " " + " ".join(f"{name[:9]:>9}" for name in labels))
    for row in labels:
        print(f"{row:<{width}} " + " ".join(f"{matrix[(row, col)] or '.':>9}" for col in labels))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="corpus", required=True)
    cases = sub.add_parser("cases", help="The recorded corpus (tests/corpus/diagnosis), one split at a time.")
    cases.add_argument("--split", choices=("train", "test"), default="train")
    cases.add_argument("--misses", action="store_true", help="List the cases diagnosed wrong (train only).")
    cases.add_argument("--min", type=float, default=0.0, help="Exit 1 when subcategory accuracy is below this.")
    variants = sub.add_parser("variants", help="The seeded variants, through the real pipeline.")
    variants.add_argument("--record", type=Path, help="Write each variant's evidence here while running.")
    variants.add_argument("--recorded", type=Path, help="Read evidence recorded by --record instead of running.")
    variants.add_argument("--only", nargs="*", default=[], help="Variant names (without diag_) to run.")
    variants.add_argument("--min", type=float, default=0.0, help="Exit 1 when overall accuracy is below this.")
    args = parser.parse_args(argv)
    if args.corpus == "cases":
        rows = score_cases(args.split)
        accuracy = print_cases(args.split, rows, misses=args.misses and args.split == "train")
        return 0 if accuracy >= args.min else 1
    return run_variants(args)


def run_variants(args: argparse.Namespace) -> int:
    variants = [v for v in corpus() if not args.only or v.name.removeprefix("diag_") in args.only]
    rows: list[tuple[Variant, Diagnosis, Score]] = []
    with tempfile.TemporaryDirectory(prefix="diag-corpus-") as tmp:
        scratch = Path(tmp)
        for variant in variants:
            if args.recorded:
                source = args.recorded / f"{variant.name}.json"
                if not source.is_file():
                    print(f"no recording for {variant.name}; left out", file=sys.stderr)
                    continue
                recorded = json.loads(source.read_text())
                diagnosis = rediagnose(variant, recorded, scratch)
            else:
                diagnosis, evidence = evaluate_variant(variant, scratch)
                if args.record:
                    args.record.mkdir(parents=True, exist_ok=True)
                    (args.record / f"{variant.name}.json").write_text(json.dumps(evidence, indent=1))
                print(
                    f"ran {variant.name}: {label(diagnosis.category, diagnosis.subcategory)}",
                    file=sys.stderr,
                    flush=True,
                )
            rows.append((variant, diagnosis, score(variant.expect["diagnosis"], diagnosis)))
    accuracy = print_report(rows)
    return 0 if accuracy >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
