"""A repository's suites: a Postman run's overhead over newman alone, and the conformance run's time.

On loopback, against the Flask reference app (a Conduit server), each run is a
process as the pod starts it:
  * built-in: `python -m conduit_suite --suite compat` (290 assertions);
  * newman alone: newman running the study's collection
    (`conduit_suite/data/conduit.postman_collection.json`, the same 290
    assertions) with the JSON reporter, as decaycheck invokes it;
  * postman suite: `python -m conduit_suite --plan -` with that collection as a
    `postman:` plan: newman plus starting the runner, writing the collection
    and mapping newman's report to per-assertion results.
The overhead is the median of the paired differences (postman suite minus
newman alone); the ratio compares the postman suite with the built-in runner.
Then the conformance run of the inventory example's spec
(`examples/inventory/api/openapi.yml`, 6 operations, 10 examples each) against
its FastAPI app, as the pod runs it. Figures are medians of `--runs` runs.

    python -m benchmarks repo_suites [--runs=5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from checks import newman
from conduit_suite.plan import SuitePlan

ROOT = Path(__file__).resolve().parents[1]
COLLECTION = ROOT / "conduit_suite" / "data" / "conduit.postman_collection.json"
SPEC = ROOT / "examples" / "inventory" / "api" / "openapi.yml"
VARIABLES = {"APIURL": "{api}", "USERNAME": "u{unique}", "EMAIL": "u{unique}@example.com", "PASSWORD": "p{unique}"}
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


def _timed(argv: list[str], stdin: str | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    return (time.perf_counter() - t0) * 1000.0, proc


def _module(base_url: str, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "conduit_suite", "--base-url", base_url, "--json", str(out), *args]


def _assertions(out: Path) -> tuple[int, int]:
    data = json.loads(out.read_text())
    return data["assertions_passed"], data["assertions_total"]


def postman(base_url: str, runs: int, tmp: Path) -> None:
    runner = newman.ensure()
    plan = SuitePlan(
        id="postman:conduit", kind="postman", collection=json.loads(COLLECTION.read_text()), newman=runner.argv()
    )
    builtin, alone, suite = [], [], []
    for run in range(runs):
        out = tmp / f"compat-{run}.json"
        ms, proc = _timed(_module(base_url, out, "--suite", "compat"))
        builtin.append(ms)
        assert _assertions(out) == (290, 290), proc.stdout[-2000:]
        report = tmp / f"newman-{run}.json"
        names = [
            f"--env-var={k}={v.replace('{api}', base_url + '/api').replace('{unique}', f'b{run}x')}"
            for k, v in VARIABLES.items()
        ]
        ms, proc = _timed(
            [
                *runner.argv(),
                "run",
                str(COLLECTION),
                *names,
                "--reporters",
                "json",
                "--reporter-json-export",
                str(report),
            ]
        )
        alone.append(ms)
        stats = json.loads(report.read_text())["run"]["stats"]["assertions"]
        assert (stats["total"], stats["failed"]) == (290, 0), proc.stderr[-2000:]
        out = tmp / f"postman-{run}.json"
        variables = {k: v.replace("{unique}", f"p{run}{{unique}}") for k, v in VARIABLES.items()}
        ms, proc = _timed(
            _module(base_url, out, "--plan", "-"), plan.model_copy(update={"variables": variables}).model_dump_json()
        )
        suite.append(ms)
        assert _assertions(out) == (290, 290), proc.stdout[-2000:]
    overhead = statistics.median(s - a for s, a in zip(suite, alone))
    print(f"built-in runner (compat, 32 requests, 290 assertions): median {statistics.median(builtin):.0f} ms")
    print(f"newman alone (the study's collection, 290 assertions):   median {statistics.median(alone):.0f} ms")
    print(f"postman suite (runner + newman + mapping):             median {statistics.median(suite):.0f} ms")
    print(f"postman overhead over newman alone: median {overhead:.0f} ms per run")
    print(f"postman suite / built-in runner: {statistics.median(suite) / statistics.median(builtin):.2f}x")


def conformance(base_url: str, runs: int, tmp: Path) -> None:
    plan = SuitePlan(id="openapi:api/openapi.yml", kind="openapi", document=yaml.safe_load(SPEC.read_text()))
    times, checks = [], None
    for run in range(runs):
        out = tmp / f"openapi-{run}.json"
        ms, proc = _timed(_module(base_url, out, "--plan", "-"), plan.model_dump_json())
        times.append(ms)
        checks = _assertions(out)
        assert checks == (24, 24), proc.stdout[-2000:]
    print(
        f"conformance (6 operations x {plan.max_examples} examples, {checks[1] if checks else 0} checks): "
        f"median {statistics.median(times):.0f} ms, budget {plan.time_s:g} s"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks repo_suites")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from tests.support.servers import running_app
    from tests.support.variants import APPS

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with running_app(APPS / "flask") as base_url:
            postman(base_url, args.runs, tmp)
        with running_app(ROOT / "examples" / "inventory" / "fastapi") as base_url:
            conformance(base_url, args.runs, tmp)
