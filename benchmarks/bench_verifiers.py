"""Verifier throughput over the corpus: files per second, Python and JS/TS separately.

The corpus (reference apps plus every verify_* variant) is materialized once;
its distinct source files are then measured:
  - parse: each file read and parsed into the model, no cache (cold);
  - verify: every corpus case verified end to end with a cold cache (rules included);
  - warm: the same with the content cache a repeated verification gets.
Figures are medians of `--runs` runs (default 5), in wall-clock time and,
in parentheses, in this process's CPU time: the machine is shared, so the
CPU figure is the one that does not move with other work.

    python -m benchmarks verifiers [--runs N]
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.variants import APPS, load_all
from verifiers import Constraints, verify_project
from verifiers.constraints import NODE_FRAMEWORKS, PYTHON_FRAMEWORKS
from verifiers.project import PARSE_CACHE, PYTHON_SUFFIXES, load_project, source_paths


def _cases(workdir: Path) -> list[tuple[Path, str]]:
    cases = [(APPS / app, app) for app in sorted(PYTHON_FRAMEWORKS | NODE_FRAMEWORKS) if (APPS / app).is_dir()]
    for variant in load_all(expecting="findings"):
        if variant.name.startswith("verify_"):
            cases.append((variant.materialize(workdir / variant.name), variant.base))
    return cases


def _distinct(cases: list[tuple[Path, str]]) -> dict[str, list[tuple[Path, str]]]:
    """Distinct source files by content, split by language: {"python": [(root, rel)], "js": [...]}."""
    seen: set[bytes] = set()
    out: dict[str, list[tuple[Path, str]]] = {"python": [], "js": []}
    for root, _ in cases:
        for rel in source_paths(root):
            digest = hashlib.sha256((root / rel).read_bytes() + rel.encode()).digest()
            if digest not in seen:
                seen.add(digest)
                out["python" if rel.endswith(PYTHON_SUFFIXES) else "js"].append((root, rel))
    return out


Rate = tuple[float, float]  # files per second: (wall clock, CPU)


def _rate(files: int, wall_start: float, cpu_start: float) -> Rate:
    return files / (time.perf_counter() - wall_start), files / max(time.process_time() - cpu_start, 1e-9)


def _median(rates: list[Rate]) -> Rate:
    return statistics.median(r[0] for r in rates), statistics.median(r[1] for r in rates)


def _show(label: str, python: Rate, js: Rate) -> str:
    return (
        f"{label:<20}Python {python[0]:6.0f} files/s ({python[1]:6.0f} CPU)   "
        f"JS/TS {js[0]:6.0f} files/s ({js[1]:6.0f} CPU)"
    )


def _parse_rate(files: list[tuple[Path, str]]) -> Rate:
    by_root: dict[Path, list[str]] = {}
    for root, rel in files:
        by_root.setdefault(root, []).append(rel)
    wall, cpu = time.perf_counter(), time.process_time()
    for root, rels in by_root.items():
        load_project(root, rels, cache=None)
    return _rate(len(files), wall, cpu)


def _verify_rate(cases: list[tuple[Path, str]], *, warm: bool) -> tuple[Rate, Rate]:
    """Files per second verifying every case, for (python cases, node cases)."""
    rates: list[Rate] = []
    for runtime in (PYTHON_FRAMEWORKS, NODE_FRAMEWORKS):
        chosen = [(root, fw) for root, fw in cases if fw in runtime]
        if not warm:
            PARSE_CACHE.clear()
        files = 0
        wall, cpu = time.perf_counter(), time.process_time()
        for root, framework in chosen:
            project = load_project(root, cache=PARSE_CACHE if warm else None)
            files += len(project.files)
            verify_project(project, Constraints.from_level("L3", framework=framework))  # type: ignore[arg-type]
        rates.append(_rate(files, wall, cpu))
    return rates[0], rates[1]


def main(argv: list[str]) -> None:
    runs = 5
    for arg in argv:
        if arg.startswith("--runs="):
            runs = int(arg.split("=", 1)[1])
    with tempfile.TemporaryDirectory(prefix="bench-verifiers-") as tmp:
        cases = _cases(Path(tmp))
        distinct = _distinct(cases)
        print(
            f"corpus: {len(cases)} cases; distinct files: {len(distinct['python'])} Python, {len(distinct['js'])} JS/TS; "
            f"median of {runs} runs"
        )
        parse_py = _median([_parse_rate(distinct["python"]) for _ in range(runs)])
        parse_js = _median([_parse_rate(distinct["js"]) for _ in range(runs)])
        print(_show("parse (cold)", parse_py, parse_js))
        cold = [_verify_rate(cases, warm=False) for _ in range(max(1, runs // 2))]
        print(_show("verify (cold)", _median([c[0] for c in cold]), _median([c[1] for c in cold])))
        _verify_rate(cases, warm=True)  # fill the cache
        warm = [_verify_rate(cases, warm=True) for _ in range(runs)]
        print(_show("verify (warm cache)", _median([w[0] for w in warm]), _median([w[1] for w in warm])))
