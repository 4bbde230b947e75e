"""CLI start-up: `decaycheck --help`, and `decaycheck suite` against newman on the same server.

    python -m benchmarks startup [--runs 7] [--base-url URL]

`--help`: the CPU time (user + system) of the whole `decaycheck --help`
process, median of R runs. Aim: under 0.15 s.

suite / newman: the Flask reference app (tests/apps/flask) on a fresh
PostgreSQL database (or the server at --base-url), then R rounds, each running
`decaycheck suite --base-url URL` (compat: 32 requests, 290 assertions) and
newman 6.2.2 on the same suite as a Postman collection
(`conduit_suite/data/conduit.postman_collection.json`, written by
scripts/conduit_postman.py), both as a user runs them, output to /dev/null;
wall time of each whole process. Printed: the medians and the ratio of the
medians. Aim: decaycheck at most 0.35x newman. Before timing, one run of each
must score 290/290 over 32 requests (newman's own JSON report is read), so
the two do the same work. newman is installed with npm into the decaycheck
cache folder the first time. The machine may be shared: the load average is
printed with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from checks.workspace import cache_dir

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "conduit_suite" / "data" / "conduit.postman_collection.json"
NEWMAN_VERSION = "6.2.2"
REQUESTS, ASSERTIONS = 32, 290


def decaycheck() -> list[str]:
    """The installed `decaycheck` command beside this interpreter (as a user starts it), else the module."""
    script = Path(sys.executable).parent / "decaycheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def newman() -> Path:
    """newman, installed with npm into the cache folder on first use."""
    prefix = cache_dir() / f"newman-{NEWMAN_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "newman"
    if not binary.exists():
        print(f"installing newman {NEWMAN_VERSION} into {prefix}", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix), f"newman@{NEWMAN_VERSION}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU time of one run of `argv` (the process and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall_seconds(argv: list[str], expect: int = 0) -> float:
    t0 = time.perf_counter()
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    seconds = time.perf_counter() - t0
    if code != expect:
        raise SystemExit(f"{' '.join(argv)} exited with {code}")
    return seconds


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


@contextlib.contextmanager
def _server(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url
        return
    from tests.support.servers import postgres_database, running_app
    from tests.support.variants import APPS

    with postgres_database() as database, running_app(APPS / "flask", database_url=database) as url:
        yield url


def check_same_work(suite_cmd: list[str], newman_cmd: list[str]) -> None:
    """One run of each scores 290/290 over 32 requests, or the comparison means nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "suite.json"
        subprocess.run([*suite_cmd, "--json", str(ours)], check=True, stdout=subprocess.DEVNULL)
        result = json.loads(ours.read_text())
        got = (len(result["requests"]), result["assertions_passed"], result["assertions_total"])
        if got != (REQUESTS, ASSERTIONS, ASSERTIONS):
            raise SystemExit(f"decaycheck suite: {got}, expected {(REQUESTS, ASSERTIONS, ASSERTIONS)}")
        theirs = Path(tmp) / "newman.json"
        subprocess.run(
            [*newman_cmd, "--reporters", "json", "--reporter-json-export", str(theirs)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stats = json.loads(theirs.read_text())["run"]["stats"]
        seen = (stats["requests"]["total"], stats["assertions"]["total"], stats["assertions"]["failed"])
        if seen != (REQUESTS, ASSERTIONS, 0):
            raise SystemExit(f"newman: requests, assertions, failed = {seen}, expected {(REQUESTS, ASSERTIONS, 0)}")
    print(f"  same work: both {ASSERTIONS}/{ASSERTIONS} assertions over {REQUESTS} requests", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks startup")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--base-url", default=None, help="a running Conduit server (default: the Flask app)")
    args = parser.parse_args(argv)
    command = decaycheck()

    cpu_seconds([*command, "--help"])  # warm the byte-code and file caches
    helps = [cpu_seconds([*command, "--help"]) for _ in range(args.runs)]
    print(
        f"  decaycheck --help: {statistics.median(helps):.3f} s CPU (median of {args.runs}; "
        f"min {min(helps):.3f}, max {max(helps):.3f}; aim < 0.15)  [{load()}]",
        flush=True,
    )

    binary = newman()
    with _server(args.base_url) as base_url:
        suite_cmd = [*command, "suite", "--base-url", base_url]

        def newman_cmd() -> list[str]:
            """newman on the collection, as a new user each run (the collection registers one)."""
            user = f"bench{uuid.uuid4().hex[:12]}"
            env = {
                "APIURL": f"{base_url}/api",
                "USERNAME": user,
                "EMAIL": f"{user}@example.com",
                "PASSWORD": "bench-pw",
            }
            return [
                str(binary),
                "run",
                str(COLLECTION),
                *(a for k, v in env.items() for a in ("--env-var", f"{k}={v}")),
            ]

        check_same_work(suite_cmd, newman_cmd())  # also the warm-up of both
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.runs):
            ours.append(wall_seconds(suite_cmd))
            theirs.append(wall_seconds(newman_cmd()))
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(
            f"  decaycheck suite: {statistics.median(ours):.3f} s wall, newman: {statistics.median(theirs):.3f} s "
            f"(medians of {args.runs}, same server {base_url})",
            flush=True,
        )
        print(f"  suite / newman: {ratio:.2f}x (aim <= 0.35)  [{load()}]", flush=True)
