"""Times `evaluate` per reference app, cold (empty dependency cache) and warm, and the ephemeral PostgreSQL alone.

    python -m benchmarks pipeline [--runs N] [--apps flask,express] [--no-cold] [--pg-runs N]

Prints the median seconds per phase over the runs. Aims: a warm Flask L3
evaluation under 8 s; the ephemeral PostgreSQL ready under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from checks import runtimes
from checks.pipeline import evaluate
from checks.sandbox import Limits, PodSpec
from checks.sandbox.local import LocalBackend

APPS_DIR = Path(__file__).resolve().parent.parent / "tests" / "apps"
REFERENCE_APPS = ("flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa")
PHASES = ("config", "install", "db", "start", "suite", "pod", "verify", "diagnose", "total")


def _median_row(label: str, reports: list) -> str:
    cells = []
    for phase in PHASES:
        values = [r.timings[phase] for r in reports if phase in r.timings]
        cells.append(f"{statistics.median(values):7.2f}" if values else "      -")
    scores = {f"{r.assertions_passed}/{r.assertions_total}" for r in reports}
    problems = {p for r in reports for p in (r.error, r.config_error, None if r.startup == "ok" else r.startup) if p}
    note = f"   ({'; '.join(sorted(problems))[:200]})" if problems else ""
    return f"{label:<18}" + "".join(cells) + f"   {','.join(sorted(scores))}{note}"


def _header() -> str:
    return f"{'app (runs)':<18}" + "".join(f"{p:>7}" for p in PHASES) + "   score"


def bench_app(name: str, runs: int, cold: bool) -> list[str]:
    rows = []
    repo = APPS_DIR / name
    if cold:
        saved = os.environ.get("DECAYCHECK_CACHE_DIR")
        empty = tempfile.mkdtemp(prefix="decaycheck-cold-cache-")
        os.environ["DECAYCHECK_CACHE_DIR"] = empty
        try:
            rows.append(_median_row(f"{name} cold (1)", [evaluate(repo)]))
        finally:
            if saved is None:
                os.environ.pop("DECAYCHECK_CACHE_DIR", None)
            else:
                os.environ["DECAYCHECK_CACHE_DIR"] = saved
            shutil.rmtree(empty, ignore_errors=True)
    evaluate(repo)  # fills the machine's cache
    reports = [evaluate(repo) for _ in range(runs)]
    rows.append(_median_row(f"{name} warm ({runs})", reports))
    return rows


def bench_postgres(runs: int) -> str:
    """Time to a ready ephemeral PostgreSQL inside a pod (template copy excluded), and the whole tiny pod."""
    backend = LocalBackend()
    ready, pods = [], []
    with tempfile.TemporaryDirectory(prefix="decaycheck-bench-pg-") as tmp:
        app = Path(tmp) / "app"
        app.mkdir()
        server = (
            "import http.server as h, os; h.ThreadingHTTPServer(('0.0.0.0', int(os.environ['PORT'])), "
            "type('H', (h.BaseHTTPRequestHandler,), {'do_GET': lambda s: (s.send_response(200), "
            "s.end_headers())})).serve_forever()"
        )
        (app / "server.py").write_text(server)
        plan = runtimes.install_plan("python", app, None, {})
        for i in range(runs + 1):
            spec = PodSpec(
                runtime="python",
                database="postgresql",
                start="exec python3 server.py",
                env=plan.env,
                ro_paths=plan.ro_paths,
                suites=[],
                cache_dirs=["pyc"],
                limits=Limits(start_s=20),
            )
            t0 = time.monotonic()
            result = backend.run_pod(app, Path(tmp) / f"w{i}", spec)
            if i:  # the first run may build the per-machine template
                pods.append(time.monotonic() - t0)
                ready.append(result.timings["db"])
    return (
        f"ephemeral PostgreSQL ready: median {statistics.median(ready):.3f} s "
        f"(min {min(ready):.3f}, max {max(ready):.3f}, {runs} runs); "
        f"whole pod with a trivial app: median {statistics.median(pods):.2f} s"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pipeline")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-runs", type=int, default=7)
    parser.add_argument("--apps", default="", help="comma-separated; default every reference app present")
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args(argv)
    print(bench_postgres(args.pg_runs), flush=True)
    wanted = [a for a in args.apps.split(",") if a] or list(REFERENCE_APPS)
    present = [a for a in wanted if (APPS_DIR / a / "run.sh").exists()]
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    print(_header(), flush=True)
    for name in present:
        for row in bench_app(name, args.runs, cold=not args.no_cold):
            print(row, flush=True)
