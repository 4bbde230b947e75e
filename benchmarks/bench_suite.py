"""Suite runner speed: the compat suite against the Flask reference app, then against a replay.

Part 1, the live app: the median wall time of a whole run, and the time the
runner saw per request minus the time the app reported in its
`Server-Timing` header. That difference is an upper bound on the client's
share, not a measure of it: it also holds what the app's timed window leaves
out (its WSGI server, routing, teardown) and the app's scheduling delays.

Part 2, the client alone: the responses of one live run are recorded, then
served in order by a loopback replay server (benchmarks/replay_server.py, a
separate process) that answers at once and times its own share of each
request. The real runner runs against it N times; run wall time minus the
replay server's time, per request, is the client's overhead: preparing,
sending, receiving, parsing and judging. Aim: under 2 ms per request. On a
busy machine most of that wall time is spent runnable but waiting for a CPU,
so the runner's CPU time per request and its run-queue wait (Linux
schedstat) follow. The recording and the replays share their generated
variables, so the replayed runs score what the recorded one did.

    python -m benchmarks suite [--runs=7] [--suite=compat] [--base-url=URL]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from benchmarks.replay_server import CONTROL, Recorded, run_queue_wait_ms
from conduit_suite import SuiteResult, run_suite
from conduit_suite.runner import default_transport
from conduit_suite.suite import load_suite
from conduit_suite.template import render


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


class _Recording(httpx.BaseTransport):
    """The runner's usual transport, keeping every response it returns."""

    def __init__(self, verify: bool) -> None:
        self.inner = default_transport(verify)
        self.responses: list[Recorded] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        try:
            body = response.read()
        finally:
            response.close()
        self.responses.append(
            Recorded(
                response.status_code,
                response.reason_phrase,
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
                body,
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers.raw, content=body, extensions=response.extensions
        )

    def close(self) -> None:
        self.inner.close()


@contextlib.contextmanager
def _replaying(responses: list[Recorded]) -> Iterator[str]:
    """A replay server of `responses` in its own process (so it takes no CPU from the runner's)."""
    with tempfile.TemporaryDirectory() as tmp:
        recording = Path(tmp) / "recording.json"
        recording.write_text(json.dumps([r.to_json() for r in responses]))
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.replay_server", str(recording)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            port = int(proc.stdout.readline())
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _replay_stats(base_url: str) -> dict[str, Any]:
    """The replay server's own time per request, CPU and run-queue wait since the last call (ms); a fresh start."""
    return httpx.get(base_url + CONTROL.decode() + "stats").json()


def _fixed_variables(suite: str) -> dict[str, Any]:
    """The suite's generated variables for one RUN id, so that a replay sends what the recording saw."""
    values: dict[str, Any] = {"RUN": secrets.token_hex(4)}
    for name, template in load_suite(suite).variables.items():
        values[name] = render(template, values)
    return values


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks suite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--suite", default="compat")
    parser.add_argument("--base-url", default=None, help="a running server (default: start the Flask reference app)")
    args = parser.parse_args(argv)

    with _server(args.base_url) as base_url:
        recorder, fixed = _Recording(base_url.startswith("https://")), _fixed_variables(args.suite)
        # The warm-up run (imports, suite parsing, server caches) is the recording for part 2.
        recorded = run_suite(args.suite, base_url, variables=fixed, transport=recorder)
        recorded_score = f"{recorded.assertions_passed}/{recorded.assertions_total}"
        walls: list[float] = []
        per_request: list[float] = []
        score = recorded_score
        for _ in range(args.runs):
            started = time.perf_counter()
            result = run_suite(args.suite, base_url)
            walls.append((time.perf_counter() - started) * 1000.0)
            per_request.extend(overheads(result))
            score = f"{result.assertions_passed}/{result.assertions_total}"
    print(f"suite {args.suite} against {base_url}: {args.runs} runs, last score {score}")
    print(f"  [live app] wall time per run, median:                 {statistics.median(walls):8.1f} ms")
    print(
        f"  [live app] elapsed - Server-Timing per request, median: {statistics.median(per_request):6.2f} ms "
        f"({len(per_request)} requests; an upper bound: also holds the WSGI server, routing, teardown)"
    )

    with _replaying(recorder.responses) as replay_url:
        run_suite(args.suite, replay_url, variables=fixed)  # warm-up
        _replay_stats(replay_url)
        client: list[float] = []
        http_part: list[float] = []
        cpu: list[float] = []
        waits: list[float] = []
        server_waits: list[float] = []
        replay_walls: list[float] = []
        for _ in range(args.runs):
            started, cpu_started, wait_started = time.perf_counter(), time.process_time(), run_queue_wait_ms()
            result = run_suite(args.suite, replay_url, variables=fixed)
            wall = (time.perf_counter() - started) * 1000.0
            cpu_ms, wait_ms = (time.process_time() - cpu_started) * 1000.0, run_queue_wait_ms() - wait_started
            stats = _replay_stats(replay_url)
            server, n = stats["server_ms"], len(result.requests)
            if len(server) != n:
                raise RuntimeError(f"replay served {len(server)} responses for {n} requests")
            replay_walls.append(wall)
            client.append((wall - sum(server)) / n)
            cpu.append(cpu_ms / n)
            waits.append(wait_ms / n)
            server_waits.append(stats["wait_ms"] / n)
            http_part.extend(r.elapsed_ms - s for r, s in zip(result.requests, server))
            score = f"{result.assertions_passed}/{result.assertions_total}"
    overhead = statistics.median(client)
    print(
        f"  [replay] {len(recorder.responses)} recorded responses served at once, {args.runs} runs, "
        f"last score {score} (recorded run: {recorded_score})"
    )
    print(f"  [replay] wall time per run, median:                   {statistics.median(replay_walls):8.1f} ms")
    print(
        f"  [replay] CLIENT OVERHEAD per request, median:         {overhead:8.2f} ms "
        "((run wall - replay server's own time) / requests)"
    )
    print(
        f"  [replay]   in the HTTP exchange, median:               {statistics.median(http_part):8.2f} ms "
        "(request elapsed - replay server's own time)"
    )
    print(
        f"  [replay]   runner CPU per request, median:             {statistics.median(cpu):8.2f} ms "
        "(this process only; load inflates it least)"
    )
    print(
        f"  [replay]   runner waiting for a CPU, median:           {statistics.median(waits):8.2f} ms "
        f"(run queue, /proc schedstat; the replay server's: {statistics.median(server_waits):.2f} ms)"
    )
    print(
        f"  [replay]   overhead less the runner's run-queue wait:  "
        f"{statistics.median(c - w for c, w in zip(client, waits)):8.2f} ms (median)"
    )
    verdict = "meets" if overhead < 2.0 else "misses"
    print(f"  aim: client overhead < 2 ms per request: {verdict} (load average {os.getloadavg()[0]:.2f})")
