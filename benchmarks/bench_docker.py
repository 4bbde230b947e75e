"""Docker versus local sandbox: one reference app evaluated end to end by each backend, warm.

Each backend first evaluates the app once untimed (dependency caches, the
PostgreSQL template, byte code and images warm), then N times; the medians of
the whole evaluation and of its phases (install, database, start, suite) are
printed per backend, with the ratio docker/local. Needs the Docker engine and
the images (`deploy/images/build-local.sh`; `DECAYCHECK_DOCKER_IMAGES=local`
is set here when unset).

    python -m benchmarks docker [--runs=5] [--app=flask]
"""

from __future__ import annotations

import argparse
import os
import statistics

from checks.pipeline import evaluate
from tests.support.variants import APPS

PHASES = ("total", "install", "db", "start", "suite")


def measure(app: str, backend: str, runs: int) -> dict[str, float]:
    """Median seconds per phase over `runs` evaluations after one warm-up."""
    samples: dict[str, list[float]] = {p: [] for p in PHASES}
    for i in range(runs + 1):
        report = evaluate(APPS / app, sandbox=backend)
        if report.error or report.startup != "ok":
            raise SystemExit(f"{backend}: evaluation failed: {report.error or report.startup}")
        if i == 0:
            continue
        for phase in PHASES:
            samples[phase].append(report.timings.get(phase, 0.0))
    return {p: statistics.median(v) for p, v in samples.items()}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks docker")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", default="flask")
    args = parser.parse_args(argv)
    os.environ.setdefault("DECAYCHECK_DOCKER_IMAGES", "local")
    local = measure(args.app, "local", args.runs)
    docker = measure(args.app, "docker", args.runs)
    print(f"{args.app}, warm, median of {args.runs} evaluations (seconds)")
    print(f"{'phase':<8} {'local':>8} {'docker':>8} {'ratio':>7}")
    for phase in PHASES:
        ratio = docker[phase] / local[phase] if local[phase] else float("nan")
        print(f"{phase:<8} {local[phase]:>8.2f} {docker[phase]:>8.2f} {ratio:>6.2f}x")
