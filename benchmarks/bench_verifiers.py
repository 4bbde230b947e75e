"""Verifier throughput over the corpus: files per second, Python and JS/TS separately.

The corpus (reference apps plus every verify_* variant) is materialized once;
its distinct source files are then measured:
  - parse: each file read and parsed into the model, no cache (cold);
  - verify: every corpus case verified end to end with a cold cache (rules included);
  - warm: the same with the content cache a repeated verification gets.
Figures are medians of `--runs` runs (default 5).

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


def _parse_rate(files: list[tuple[Path, str]]) -> float:
    by_root: dict[Path, list[str]] = {}
    for root, rel in files:
        by_root.setdefault(root, []).append(rel)
    start = time.perf_counter()
    for root, rels in by_root.items():
        load_project(root, rels, cache=None)
    return len(files) / (time.perf_counter() - start)


def _verify_rate(cases: list[tuple[Path, str]], *, warm: bool) -> tuple[float, float]:
    """Files per second verifying every case, for (python cases, node cases)."""
    rates: list[float] = []
    for runtime in (PYTHON_FRAMEWORKS, NODE_FRAMEWORKS):
        chosen = [(root, fw) for root, fw in cases if fw in runtime]
        if not warm:
            PARSE_CACHE.clear()
        files = 0
        start = time.perf_counter()
        for root, framework in chosen:
            project = load_project(root, cache=PARSE_CACHE if warm else None)
            files += len(project.files)
            verify_project(project, Constraints.from_level("L3", framework=framework))  # type: ignore[arg-type]
        rates.append(files / (time.perf_counter() - start))
    return rates[0], rates[1]


def main(argv: list[str]) -> None:
    runs = 5
    for arg in argv:
        if arg.startswith("--runs="):
            runs = int(arg.split("=", 1)[1])
    with tempfile.TemporaryDirectory(prefix="bench-verifiers-") as tmp:
        cases = _cases(Path(tmp))
        distinct = _distinct(cases)
        print(f"corpus: {len(cases)} cases; distinct files: {len(distinct['python'])} Python, {len(distinct['js'])} JS/TS; "
              f"median of {runs} runs")
        parse_py = statistics.median(_parse_rate(distinct["python"]) for _ in range(runs))
        parse_js = statistics.median(_parse_rate(distinct["js"]) for _ in range(runs))
        print(f"parse (cold)        Python {parse_py:8.0f} files/s   JS/TS {parse_js:8.0f} files/s")
        cold = [_verify_rate(cases, warm=False) for _ in range(max(1, runs // 2))]
        print(f"verify (cold)       Python {statistics.median(c[0] for c in cold):8.0f} files/s   "
              f"JS/TS {statistics.median(c[1] for c in cold):8.0f} files/s")
        _verify_rate(cases, warm=True)  # fill the cache
        warm = [_verify_rate(cases, warm=True) for _ in range(runs)]
        print(f"verify (warm cache) Python {statistics.median(w[0] for w in warm):8.0f} files/s   "
              f"JS/TS {statistics.median(w[1] for w in warm):8.0f} files/s")
