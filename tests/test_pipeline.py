"""`evaluate` and `decaycheck run` end to end: real installs, real bwrap pods, real PostgreSQL.

Every broken app yields a Report with the right startup status (never a
traceback); the Flask reference app scores 290/290 with no config file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks import gate
from checks.cli import main as cli
from checks.config import GateConfig
from checks.pipeline import evaluate
from checks.render.common import resource_of, title
from checks.render.markdown import markdown
from checks.report import Report
from tests.support.cli import CliRunner
from tests.support.fake_github import wait_until

pytestmark = pytest.mark.slow

APPS = Path(__file__).parent / "apps"
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "startup", "in_log"),
    [
        ("broken_install", "install_failed", "requirements.txt"),
        ("broken_exits", "start_failed", "DATABASE_URL points to a database"),
        ("broken_health_500", "health_timeout", '"GET /api/health-check HTTP/1.1" 500'),
        ("broken_never_binds", "health_timeout", "waiting for the message broker"),
    ],
)
def test_broken_apps_get_their_startup_status(name: str, startup: str, in_log: str) -> None:
    progress: list[str] = []
    report = evaluate(APPS / name, on_progress=progress.append)
    assert report.error is None and report.config_error is None
    assert report.startup == startup
    assert in_log in report.server_log_tail
    assert report.startup_detail
    assert report.assertions_total == 0 and not report.gate_passed and not report.pass_at_1
    assert report.diagnosis is not None and report.diagnosis.category == "server_startup_failure"
    assert {"config", "install", "verify", "diagnose", "total"} <= set(report.timings)
    assert progress and progress[0].startswith("config:")
    if startup == "health_timeout":  # the repo's start_s (3) was waited, then the pod stopped
        assert report.startup_detail.startswith("not healthy within 3 s")
        assert report.timings["start"] >= 3


def test_a_server_without_a_health_route_is_ready_at_its_first_answer(tmp_path: Path) -> None:
    """404 on /api/health-check: the server is up; `ready: health` restores the strict wait."""
    progress: list[str] = []
    report = evaluate(APPS / "broken_no_health", on_progress=progress.append)
    assert report.startup == "ok", report.startup_detail
    assert "/api/health-check answered 404" in report.startup_detail
    assert any("answered 404" in line for line in progress)
    assert report.assertions_total > 0 and report.assertions_passed < report.assertions_total
    strict = tmp_path / "strict.yml"
    strict.write_text("app: {ready: health}\nlimits: {start_s: 2}\n")
    waited = evaluate(APPS / "broken_no_health", config_file=strict)
    assert waited.startup == "health_timeout" and "answered 404" in waited.startup_detail


def test_keep_workspace_leaves_the_installed_copy_to_debug() -> None:
    progress: list[str] = []
    report = evaluate(APPS / "broken_install", on_progress=progress.append, keep_workspace=True)
    assert report.startup == "install_failed"
    [kept] = [line.split(" at ", 1)[1].split(" (", 1)[0] for line in progress if line.startswith("workspace kept")]
    try:
        assert (Path(kept) / "app" / "requirements.txt").is_file()
    finally:
        shutil.rmtree(kept)
    evaluate(APPS / "broken_install", on_progress=progress.append)
    assert sum(line.startswith("workspace kept") for line in progress) == 1


def test_exit_at_once_is_not_waited_for() -> None:
    report = evaluate(APPS / "broken_exits")
    # the exit ended the wait for health (the start limit would have been a health_timeout)
    assert report.startup == "start_failed"
    assert report.startup_detail == "the server process exited with code 3 before it was healthy"


def test_crash_mid_suite_is_a_report_with_failures() -> None:
    report = evaluate(APPS / "broken_crash_midsuite")
    assert report.startup == "ok" and report.error is None
    assert report.assertions_total > 0 and report.assertions_passed < report.assertions_total
    assert any(r.status is None for r in report.requests)  # requests after the crash got no answer
    assert "exited with code 139 during the suite" in report.server_log_tail
    assert not report.gate_passed and "pass@1 required" in report.gate["reason"]
    md = markdown(report)
    assert md.startswith("## ❌ A% ") and "### Requests by resource" in md and "| users |" in md


def test_config_error_and_missing_path_exit_2(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(APPS / "broken_exits", repo)
    (repo / ".github").mkdir(exist_ok=True)
    (repo / ".github/decaycheck.yml").write_text("app:\n  port: 8080\n  strat: ./run.sh\n")
    report = evaluate(repo)
    assert report.config_error == ".github/decaycheck.yml:3: app.strat: unknown key"
    assert report.startup == "not_run" and not report.gate_passed
    runner = CliRunner()
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["run", str(repo), "--json", str(out)])
    assert result.exit_code == 2
    assert json.loads(out.read_text())["config_error"].endswith("app.strat: unknown key")
    result = runner.invoke(cli, ["run", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "Evaluation failed" in result.output


def test_unknown_sandbox_is_an_evaluation_error() -> None:
    report = evaluate(APPS / "broken_exits", sandbox="nosuch")
    assert report.error is not None and "unknown sandbox" in report.error


def test_unsupported_node_engine_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "engines": {"node": ">=99"}}')
    report = evaluate(tmp_path)
    assert report.error is not None and "asks for node '>=99'" in report.error
    assert report.startup == "not_run" and not report.gate_passed


def test_gate_policies() -> None:
    report = Report(startup="ok", assertions_passed=270, assertions_total=290, assert_pct=93.1, pass_at_1=False)
    assert gate.decide(GateConfig(), report) == (False, "pass@1 required: 20 of 290 assertions failed")
    assert gate.decide(GateConfig(min_assert_pct=90), report)[0] is True
    assert gate.decide(GateConfig(min_assert_pct=95), report) == (False, "A% 93.10 is below the required 95")
    assert gate.decide(GateConfig(pass_at_1=True, min_assert_pct=90), report)[0] is False
    assert gate.decide(GateConfig(), Report(startup="start_failed"))[0] is False


def test_resources_group_requests() -> None:
    assert resource_of("/api/articles/{slug}/comments/{id}") == "comments"
    assert resource_of("/api/profiles/{username}/follow") == "follow"
    assert resource_of("/api/articles/feed") == "feed"
    assert resource_of("/api/users/login") == "users"
    assert title(Report(config_error="x:1: a: b")) == "Config error: x:1: a: b"


def test_flask_reference_app_scores_290_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "flask.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", str(APPS / "flask"), "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(out.read_text())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (report["assertions_passed"], report["assertions_total"]) == (290, 290)
    assert report["pass_at_1"] is True and report["startup"] == "ok" and report["gate_passed"] is True
    assert report["evidence"]["database"] == "postgresql" and report["evidence"]["tables"]["users"] >= 1
    assert "A% 100.00 (290/290)" in proc.stdout and "installing" in proc.stderr


def test_flask_on_sqlite_scores_290(tmp_path: Path) -> None:
    repo = tmp_path / "flask-sqlite"
    shutil.copytree(APPS / "flask", repo, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.db"))
    (repo / ".github").mkdir(exist_ok=True)
    (repo / ".github/decaycheck.yml").write_text("constraints:\n  database: sqlite\n")
    report = evaluate(repo)
    assert report.startup == "ok", report.server_log_tail
    assert (report.assertions_passed, report.assertions_total) == (290, 290)
    assert report.evidence.database == "sqlite" and report.evidence.tables.get("users", 0) >= 1
    assert not (repo / ".venv").exists()  # the checkout is never modified


def test_terminated_run_leaves_nothing_behind(tmp_path: Path) -> None:
    """SIGTERM during the pod: the command ends and its processes and workspace are gone."""
    import os
    import signal

    repo = tmp_path / "repo"
    shutil.copytree(APPS / "broken_never_binds", repo)
    (repo / ".github/decaycheck.yml").write_text("limits: {start_s: 120}\n")
    work = tmp_path / "work"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", str(repo)],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DECAYCHECK_WORK_DIR": str(work)},
    )
    try:
        seen = ""
        while "server starting" not in seen:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
        assert "server starting" in seen, seen
        # the app itself is running (its run.sh ends in `exec sleep 600`), inside the sandbox under the command
        app = wait_until(lambda: _descendant(proc.pid, ["sleep", "600"]), 60, 0.05, "the app's process")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
    leftovers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(work) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    leftovers.append(entry.name)
            except OSError:
                pass
    assert leftovers == []
    assert not Path(f"/proc/{app}").exists()
    assert list(work.iterdir()) == []


def _descendant(root: int, argv: list[str]) -> int | None:
    """The pid of a process under `root` running `argv`, if there is one now."""
    parents: dict[int, int] = {}
    commands: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    for pid, command in commands.items():
        if command != argv:
            continue
        up = pid
        while up in parents and up != root:
            up = parents[up]
        if up == root:
            return pid
    return None


def test_progress_callback_can_cancel_and_nothing_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception from on_progress (how the bot cancels a superseded run) propagates after cleanup."""
    work = tmp_path / "work"
    monkeypatch.setenv("DECAYCHECK_WORK_DIR", str(work))

    class Stop(Exception):
        pass

    def on_progress(message: str) -> None:
        if message.startswith("server starting"):
            raise Stop()

    with pytest.raises(Stop):
        evaluate(APPS / "broken_never_binds", on_progress=on_progress)
    assert list(work.iterdir()) == []


def test_diagnosis_reads_every_configured_suite(tmp_path: Path) -> None:
    """compat passes a feed that ignores follows; strict catches it, and the diagnosis must see strict too."""
    from tests.support.variants import CORPUS, Variant

    repo = Variant.load(CORPUS / "flask_feed_unfiltered.yml").materialize(tmp_path / "repo")
    (repo / ".github").mkdir()
    (repo / ".github" / "decaycheck.yml").write_text("suites: [compat, strict]\n")
    report = evaluate(repo)
    assert report.startup == "ok", report.server_log_tail[-2000:]
    assert (report.suite, report.assertions_passed, report.assertions_total) == ("compat", 290, 290)
    assert [s.suite for s in report.suites] == ["compat", "strict"]
    assert not report.suites[1].pass_at_1
    assert report.diagnosis is not None
    assert (report.diagnosis.category, report.diagnosis.subcategory) == ("logic_error", "incorrect_query_logic")
    assert any(e.request and e.request.startswith("strict: feed of") for e in report.diagnosis.evidence)
    # strict counts for the gate, by aspect: the unfiltered feed shows in the filters and what follows from them.
    failing = {a.aspect: a.total - a.passed for a in report.suites[1].aspects if a.passed < a.total}
    assert failing == {"filters": 4, "ordering": 1, "pagination": 1, "state": 2, "beyond_spec": 1}
    assert report.gate["reason"] == "pass@1 required: strict: 9 of 337 assertions failed" and not report.gate_passed
    assert json.loads(report.model_dump_json())["suites"][1]["deviations"][0]["aspect"] == "filters"
