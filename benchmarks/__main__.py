"""Run the benchmarks: `python -m benchmarks [NAME ...] [OPTION ...]` (all when none named).

Each `benchmarks/bench_<name>.py` defines `main(argv: list[str]) -> None` and
prints its own figures (medians of several runs, ratios where they compare).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _names() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )


def _split(argv: list[str]) -> tuple[list[str], list[str]]:
    """Benchmark names come first; everything from the first option on is the benchmarks' own arguments."""
    first = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    return argv[:first], argv[first:]


def main(argv: list[str]) -> int:
    names, options = _split(argv)
    wanted = names or _names()
    unknown = sorted(set(wanted) - set(_names()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(_names())}", file=sys.stderr)
        return 2
    for name in wanted:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").main(options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
