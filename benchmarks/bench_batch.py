"""Study-mode throughput and overhead.

    python -m benchmarks batch [--runs R] [--trials K] [--no-real] [--overhead-runs M]

Throughput: the eight reference apps and six of their corpus variants, labelled
at levels L0-L3, as one batch through the real pipeline with N = 1 and N = 2
local workers (after a warm-up batch fills the dependency caches), printing
evaluations per minute (median of R batches each) and the speed-up. Aim:
N = 2 at least 1.6x N = 1 on warm caches, on a 2-core machine.

Overhead: a 100-checkout batch (study folder naming, K = 3: 300 trials) whose
evaluations cost nothing, so what is timed is the batch itself: loading the
source, planning, scheduling, writing records, the tables, CSVs and
report.html. Three ways: every report already finished (a resumed batch),
an instant evaluator in-process, and an instant evaluator through two local
worker processes (process start and pickling included). Aim: under 2 s.

The machine may be shared: the load average is printed with every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from checks.diagnosis.model import Diagnosis, RootCause
from checks.report import Report
from checks.study import source
from checks.study.batch import run_batch
from checks.study.executors import Executor, LocalExecutor
from checks.study.model import TrialJob, TrialResult
from checks.study.trial import run_trial
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from tests.support.variants import APPS, CORPUS, Variant

REFERENCE = {
    "flask": "L3",
    "fastapi": "L2",
    "django": "L1",
    "aiohttp": "L0",
    "express": "L3",
    "fastify": "L2",
    "hono": "L1",
    "koa": "L0",
}
VARIANTS = {
    "flask_tag_filter_500": "L3",
    "verify_flask_raw_sql_text": "L3",
    "diag_fastapi_raw_sql": "L2",
    "diag_django_append_slash": "L1",
    "diag_express_feed_unfiltered": "L3",
    "diag_koa_taglist_missing": "L0",
}
FRAMEWORKS = ("flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa")
LADDER = ("", "-clean_architecture", "-clean_architecture-postgres", "-clean_architecture-postgres-sqlalchemy")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def _study(folder: Path) -> Path:
    entries = []
    ignore = shutil.ignore_patterns("node_modules", ".venv", "__pycache__")
    for name, level in REFERENCE.items():
        shutil.copytree(APPS / name, folder / name, ignore=ignore)
        entries.append({"path": name, "framework": name, "level": level})
    for name, level in VARIANTS.items():
        variant = Variant.load(CORPUS / f"{name}.yml")
        variant.materialize(folder / name)
        entries.append({"path": name, "framework": variant.base, "level": level})
    manifest = folder / "study.yml"
    manifest.write_text(yaml.safe_dump(entries, sort_keys=False))
    return manifest


def _local(workers: int) -> Callable[[str], Executor]:
    return lambda _batch: LocalExecutor(workers)


def bench_throughput(runs: int, trials: int) -> None:
    with tempfile.TemporaryDirectory(prefix="decaycheck-bench-batch-") as tmp:
        checkouts = source.load(_study(Path(tmp)))
        total = len(checkouts) * trials
        print(f"{len(checkouts)} checkouts × {trials} trial(s) = {total} evaluations per batch", flush=True)
        t0 = time.monotonic()
        warm = run_batch(checkouts, trials=1, out=Path(tmp) / "warm", executor=lambda _b: LocalExecutor(2))
        print(f"warm-up batch (N=2): {time.monotonic() - t0:.1f} s, {warm.errors} errors ({_load()})", flush=True)
        rates: dict[int, list[float]] = {1: [], 2: []}
        for run in range(runs):
            for workers in (1, 2):
                out = Path(tmp) / f"n{workers}-{run}"
                t0 = time.monotonic()
                outcome = run_batch(checkouts, trials=trials, out=out, executor=_local(workers))
                seconds = time.monotonic() - t0
                rate = 60 * outcome.evaluated / seconds
                rates[workers].append(rate)
                print(
                    f"  N={workers} run {run + 1}: {outcome.evaluated} evaluations in {seconds:.1f} s = "
                    f"{rate:.1f} eval/min, {outcome.errors} errors ({_load()})",
                    flush=True,
                )
        one, two = statistics.median(rates[1]), statistics.median(rates[2])
        print(f"N=1: {one:.1f} eval/min   N=2: {two:.1f} eval/min   speed-up {two / one:.2f}x (median of {runs})")


def _report(labels: dict[str, str], trial: int) -> Report:
    """A compat-sized report (32 requests, 290 assertions) whose failures depend on the labels and trial."""
    seed = sum(map(ord, "".join(labels.values()))) + trial
    requests = []
    for i in range(32):
        total = 9 if i < 2 else 9 + (i % 2)
        failed = (seed + i) % 7 == 0
        failures = [
            AssertionFailure(id=f"request {i}: check {j}", assertion=f"check {j}", operation="Op", expected=1, actual=2)
            for j in range(3 if failed else 0)
        ]
        requests.append(
            RequestResult(
                name=f"request {i}",
                operation="Op",
                method="GET",
                path=f"/api/r{i}",
                status=200,
                passed=total - len(failures),
                total=total,
                failures=failures,
            )
        )
    report = Report(startup="ok", constraints={k: v for k, v in labels.items() if k in ("framework", "orm")})
    report.with_suites([SuiteResult(suite="compat", base_url="http://x", api_prefix="/api", requests=requests)])
    cause = RootCause(category="logic_error", subcategory="incorrect_query_logic", summary="seeded")
    report.diagnosis = Diagnosis.from_causes([] if report.pass_at_1 else [cause])
    return report


def instant(job: TrialJob, _config: Path | None) -> Report:
    return _report(job.checkout.labels, job.trial)


class _Inline:
    description = "inline"

    def __init__(self) -> None:
        self.done: list[TrialResult] = []

    def submit(self, job: TrialJob) -> None:
        self.done.append(run_trial(job, instant))

    def next_result(self, timeout: float) -> TrialResult | None:
        return self.done.pop(0) if self.done else None

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _hundred(folder: Path) -> Path:
    root = folder / "study"
    count = 0
    for agent in ("agent-a", "agent-b", "agent-c", "agent-d"):
        for framework in FRAMEWORKS:
            for suffix in LADDER:
                if count == 100:
                    return root
                checkout = root / agent / f"{framework}-openapi{suffix}" / "run_0"
                checkout.mkdir(parents=True)
                (checkout / "requirements.txt").write_text("flask\n")
                count += 1
    return root


def bench_overhead(runs: int, trials: int = 3) -> None:
    with tempfile.TemporaryDirectory(prefix="decaycheck-bench-overhead-") as tmp:
        root = _hundred(Path(tmp))
        finished, inline, local = [], [], []
        for run in range(runs):
            t0 = time.monotonic()
            checkouts = source.load(root)
            out = Path(tmp) / f"inline-{run}"
            run_batch(checkouts, trials=trials, out=out, executor=lambda _b: _Inline())
            inline.append(time.monotonic() - t0)
            t0 = time.monotonic()
            outcome = run_batch(source.load(root), trials=trials, out=out, executor=lambda _b: _Inline(), resume=True)
            finished.append(time.monotonic() - t0)
            assert outcome.evaluated == 0 and outcome.skipped == len(checkouts) * trials
            t0 = time.monotonic()
            run_batch(
                source.load(root),
                trials=trials,
                out=Path(tmp) / f"local-{run}",
                executor=lambda _b: LocalExecutor(2, evaluator=instant),
            )
            local.append(time.monotonic() - t0)
        n = len(checkouts) * trials
        print(f"{len(checkouts)} checkouts × {trials} trials = {n} trials; medians of {runs} ({_load()}):")
        print(f"  every report finished (resume): {statistics.median(finished):.2f} s")
        print(f"  instant evaluator, in-process:   {statistics.median(inline):.2f} s")
        print(f"  instant evaluator, 2 processes:  {statistics.median(local):.2f} s")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks batch")
    parser.add_argument("--runs", type=int, default=2, help="batches per worker count for throughput")
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--overhead-runs", type=int, default=5)
    parser.add_argument("--no-real", action="store_true", help="only the overhead of a 100-checkout batch")
    args = parser.parse_args(argv)
    print(f"start: {_load()}", flush=True)
    bench_overhead(args.overhead_runs)
    if not args.no_real:
        bench_throughput(args.runs, args.trials)
