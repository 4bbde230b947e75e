"""Suite runner speed: the compat suite against the Flask reference app, N times.

Prints the median wall time of a whole run and the client-side overhead per
request: the time the runner saw minus the time the app reported in its
`Server-Timing` header. Aim: under 2 ms per request. That difference also
holds what the app's timed window leaves out (its WSGI server, routing and
teardown) and scheduling delays when the machine is busy, so two finer
figures follow: the runner's work between requests (run wall time minus the
sum of request times) and its CPU time per request, which load inflates far
less than wall-clock time.

    python -m benchmarks suite [--runs=7] [--suite=compat] [--base-url=URL]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Iterator

from conduit_suite import SuiteResult, run_suite


@contextlib.contextmanager
def _server(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url
        return
    from tests.support.servers import running_app
    from tests.support.variants import APPS

    with running_app(APPS / "flask") as url:
        yield url


def overheads(result: SuiteResult) -> list[float]:
    """Per request: runner-observed time minus server-reported time (ms), where the server reported one."""
    return [r.elapsed_ms - r.server_ms for r in result.requests if r.server_ms is not None and r.status is not None]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks suite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--suite", default="compat")
    parser.add_argument("--base-url", default=None, help="a running server (default: start the Flask reference app)")
    args = parser.parse_args(argv)

    with _server(args.base_url) as base_url:
        run_suite(args.suite, base_url)  # warm-up: imports, suite parsing, server caches
        walls: list[float] = []
        per_request: list[float] = []
        per_run: list[float] = []
        cpu: list[float] = []
        bookkeeping: list[float] = []
        score = ""
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = run_suite(args.suite, base_url)
            wall = (time.perf_counter() - started) * 1000.0
            cpu.append((time.process_time() - cpu_started) * 1000.0 / len(result.requests))
            walls.append(wall)
            per_request.extend(overheads(result))
            server_total = sum(r.server_ms or 0.0 for r in result.requests)
            per_run.append((wall - server_total) / len(result.requests))
            bookkeeping.append((wall - sum(r.elapsed_ms for r in result.requests)) / len(result.requests))
            score = f"{result.assertions_passed}/{result.assertions_total}"

    timed = len(per_request)
    print(f"suite {args.suite} against {base_url}: {args.runs} runs, last score {score}")
    print(f"  wall time per run, median:            {statistics.median(walls):8.1f} ms")
    print(f"  client overhead per request, median:  {statistics.median(per_request):8.2f} ms "
          f"(elapsed - Server-Timing, {timed} requests)")
    print(f"  (run wall - server time) / requests:  {statistics.median(per_run):8.2f} ms (median over runs)")
    print(f"  runner work outside HTTP per request: {statistics.median(bookkeeping):8.2f} ms "
          "(run wall - sum of request times)")
    print(f"  runner CPU per request, median:       {statistics.median(cpu):8.2f} ms (this process only)")
    verdict = "meets" if statistics.median(per_request) < 2.0 else "misses"
    print(f"  aim < 2 ms per request: {verdict}")
