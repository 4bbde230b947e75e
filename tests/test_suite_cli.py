"""`decaycheck suite` and `python -m conduit_suite`, run as the processes users and the sandbox run.

Exit codes: 0 when every assertion passed (the Flask reference app), 1 when
any failed (nobody listening), 2 on bad usage (bad URL, unknown suite).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conduit_suite import load_suite
from tests.support.servers import free_port, running_app
from tests.support.variants import APPS

DECAYCHECK = str(Path(sys.executable).parent / "decaycheck")
MODULE = [sys.executable, "-m", "conduit_suite"]


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reference_app() -> Iterator[str]:
    with running_app(APPS / "flask") as base_url:
        yield base_url


def test_module_cli_scores_290_of_290_against_the_reference_app(reference_app: str, tmp_path: Path) -> None:
    out = tmp_path / "compat.json"
    proc = run([*MODULE, "--base-url", reference_app, "--suite", "compat", "--json", str(out)])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "compat: 290/290 assertions (A% 100.00), pass@1 1" in proc.stdout
    data = json.loads(out.read_text())
    assert (data["assertions_passed"], data["assertions_total"], data["pass_at_1"]) == (290, 290, True)
    assert len(data["requests"]) == 32 and data["requests"][15]["path"] == "/api/articles/{slug}"


def test_decaycheck_suite_strict_passes_completely_against_the_reference_app(
    reference_app: str, tmp_path: Path
) -> None:
    out = tmp_path / "strict.json"
    total = load_suite("strict").assertion_count
    proc = run(
        [
            DECAYCHECK,
            "suite",
            "--base-url",
            reference_app + "/",
            "--api-prefix",
            "api",
            "--suite",
            "strict",
            "--json",
            str(out),
        ]
    )
    data = json.loads(out.read_text())
    failed = [f["id"] for r in data["requests"] for f in r["failures"]]
    assert failed == [] and proc.returncode == 0, proc.stdout[-3000:]
    assert (data["assertions_passed"], data["assertions_total"], data["assert_pct"]) == (total, total, 100.0)
    assert f"{total}/{total} assertions" in proc.stdout and "pass@1 1" in proc.stdout
    assert "by aspect: status codes 73/73 · error envelope 18/18 ·" in proc.stdout
    assert [(a["aspect"], a["passed"] == a["total"]) for a in data["aspects"]][-1] == ("beyond_spec", True)
    assert len(data["aspects"]) == 11 and data["deviations"] == [] and data["blocked"] == []


def test_any_failed_assertion_exits_1_and_still_writes_the_json(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{free_port()}"
    for cmd in ([*MODULE, "--base-url", base_url], [DECAYCHECK, "suite", "--base-url", base_url]):
        out = tmp_path / "result.json"
        proc = run([*cmd, "--json", str(out), "--timeout", "2"])
        assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
        data = json.loads(out.read_text())
        assert (data["assertions_passed"], data["assertions_total"]) == (0, 290)
        assert all(r["status"] is None and "connection refused" in r["error"].lower() for r in data["requests"])
        out.unlink()


BAD_URL = ["--base-url", "localhost:8080"]
UNKNOWN_SUITE = ["--base-url", "http://127.0.0.1:1", "--suite", "lenient"]


@pytest.mark.parametrize(
    ("cmd", "args"),
    [
        (MODULE, BAD_URL),
        (MODULE, ["--base-url", "ftp://127.0.0.1/"]),
        (MODULE, UNKNOWN_SUITE),
        (MODULE, []),
        ([DECAYCHECK, "suite"], BAD_URL),
        ([DECAYCHECK, "suite"], UNKNOWN_SUITE),
    ],
    ids=[
        "module-no-scheme",
        "module-ftp",
        "module-unknown-suite",
        "module-no-url",
        "decaycheck-no-scheme",
        "decaycheck-unknown-suite",
    ],
)
def test_bad_usage_exits_2(cmd: list[str], args: list[str], tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    proc = run([*cmd, *args, "--json", str(out)])
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert not out.exists()
