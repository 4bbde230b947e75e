"""The pipeline's mapping of sandbox outcomes to reports and check runs, over a scripted backend.

`tests/support/fake_sandbox.FakeBackend` stands in for bubblewrap or Docker:
each test scripts what install and pod return, raise or report, and the rest
of the pipeline is real (config, workspace, verifiers, diagnosis, gate,
renderers). The real backends' own tests (test_sandbox_local.py,
test_sandbox_docker.py, test_pipeline.py) keep checking that they deliver
these outcomes.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from checks.pipeline import evaluate
from checks.render.checkrun import outcome_of
from checks.sandbox import InstallResult, PodResult, SandboxBackend, SandboxUnavailable
from checks.sandbox.base import Limits
from checks.sandbox.docker import DockerBackend
from checks.sandbox.local import LocalBackend
from tests.support.fake_sandbox import FakeBackend, pod_result, suite_run

FLASK = Path(__file__).parent / "apps" / "flask"
INSTALL_LOG = "ERROR: No matching distribution found for flask-sqlalchemy==99.0\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Flask reference app with a config, and a private folder for the evaluation's workspaces."""
    monkeypatch.setenv("DECAYCHECK_WORK_DIR", str(tmp_path / "work"))
    checkout = tmp_path / "repo"
    shutil.copytree(FLASK, checkout, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.db"))
    config(checkout, "suites: [compat]\n")
    return checkout


def config(checkout: Path, text: str) -> None:
    (checkout / ".github").mkdir(exist_ok=True)
    (checkout / ".github" / "decaycheck.yml").write_text(text)


def test_every_backend_keeps_the_same_contract() -> None:
    for backend in (FakeBackend, LocalBackend, DockerBackend):
        assert issubclass(backend, SandboxBackend) and not inspect.isabstract(backend)
        for method in ("check", "install", "run_pod"):
            assert inspect.signature(getattr(backend, method)) == inspect.signature(getattr(SandboxBackend, method))


def test_a_passing_pod_is_a_passing_check_and_the_specs_come_from_the_config(repo: Path) -> None:
    config(repo, "suites: [compat, strict]\nlimits: {install_s: 30, start_s: 7, memory_mb: 256, log_kb: 8}\n")
    backend = FakeBackend(pod=pod_result(suite_run("compat"), suite_run("strict")))
    progress: list[str] = []
    report = evaluate(repo, sandbox=backend, on_progress=progress.append)
    assert report.error is None and report.startup == "ok"
    assert (report.assertions_passed, report.assertions_total, report.pass_at_1) == (290, 290, True)
    assert [s.suite for s in report.suites] == ["compat", "strict"] and report.gate_passed
    assert {"install", "db", "start", "suite", "pod", "verify", "diagnose", "total"} <= set(report.timings)
    (install,), (pod,) = backend.installs, backend.pods
    assert install.commands[1] == "uv pip install -r requirements.txt" and install.runtime == "python"
    assert pod.suites == ["compat", "strict"] and pod.port == 8080 and pod.frozen_dirs == [".venv"]
    expected = Limits(install_s=30, start_s=7, memory_mb=256, log_bytes=8 * 1024)
    assert install.limits == pod.limits == expected
    assert (
        {"run.sh", "app/__main__.py"} <= backend.app_files and backend.apps[0] != repo and not backend.apps[0].exists()
    )
    assert "server starting" in progress and backend.running == 0
    outcome = outcome_of(report, 50)
    assert outcome.conclusion == "success" and outcome.title.startswith("A% 100.0 (290/290) · pass@1 pass")


@pytest.mark.parametrize(
    ("install", "detail"),
    [
        (InstallResult(ok=False, exit_code=1, log_tail=INSTALL_LOG), "install exited with code 1"),
        (InstallResult(ok=False, timed_out=True, log_tail=INSTALL_LOG), "install did not finish within 30 s"),
    ],
)
def test_a_failed_install_is_a_startup_failure_and_no_pod_runs(repo: Path, install: InstallResult, detail: str) -> None:
    config(repo, "limits: {install_s: 30}\n")
    backend = FakeBackend(install=install)
    report = evaluate(repo, sandbox=backend)
    assert report.error is None and report.startup == "install_failed" and report.startup_detail == detail
    assert backend.pods == [] and INSTALL_LOG.strip() in report.server_log_tail
    assert report.assertions_total == 0 and not report.gate_passed
    assert report.gate["reason"] == "the server did not start (install_failed)"
    assert report.diagnosis is not None and report.diagnosis.category == "server_startup_failure"
    outcome = outcome_of(report, 50)
    assert outcome.conclusion == "failure" and "flask-sqlalchemy==99.0" in outcome.text


@pytest.mark.parametrize(
    ("startup", "reason", "log"),
    [
        ("start_failed", "the server exited with code 3 before it was healthy", "KeyError: 'DATABASE_URL'\n"),
        ("health_timeout", "no healthy answer within 7 s", "waiting for the message broker\n"),
    ],
)
def test_a_server_that_does_not_come_up_is_a_startup_failure(repo: Path, startup: str, reason: str, log: str) -> None:
    pod = PodResult(startup=startup, reason=reason, server_log=log, server_log_tail=log, app_exit_code=3)
    report = evaluate(repo, sandbox=FakeBackend(pod=pod))
    assert report.error is None and (report.startup, report.startup_detail) == (startup, reason)
    assert report.server_log_tail == log and "during the suite" not in report.server_log_tail
    assert report.gate["reason"] == f"the server did not start ({startup})" and not report.gate_passed
    assert report.diagnosis is not None and report.diagnosis.category == "server_startup_failure"
    assert outcome_of(report, 50).conclusion == "failure"


def test_an_app_that_exits_mid_suite_is_scored_and_its_exit_reported(repo: Path) -> None:
    died = suite_run("compat", no_response_from="10 create article")
    report = evaluate(repo, sandbox=FakeBackend(pod=pod_result(died, app_exit_code=3)))
    assert report.error is None and report.startup == "ok"
    assert 0 < report.assertions_passed < report.assertions_total == 290
    assert report.server_log_tail.endswith("[the server exited with code 3 during the suite]")
    assert any(r.status is None and r.error for r in report.requests)
    assert report.gate["reason"].startswith("pass@1 required: ") and not report.gate_passed
    outcome = outcome_of(report, 50)
    assert outcome.conclusion == "failure" and f"({report.assertions_passed}/290)" in outcome.title


def test_failed_assertions_fail_the_gate_with_their_count(repo: Path) -> None:
    report = evaluate(repo, sandbox=FakeBackend(pod=pod_result(suite_run("compat", failing=["01 register"]))))
    failed = 290 - report.assertions_passed
    assert report.error is None and 0 < failed < 290
    assert report.gate["reason"] == f"pass@1 required: {failed} of 290 assertions failed"
    assert any(r.name == "01 register" and r.failures for r in report.requests)


def test_a_suite_runner_that_fails_makes_the_evaluation_an_error(repo: Path) -> None:
    crashed = PodResult(startup="ok", suite_errors={"compat": "Traceback ...\nKeyError: 'requests'"})
    report = evaluate(repo, sandbox=FakeBackend(pod=crashed))
    assert report.error == "the suite runner failed: compat: Traceback ...\nKeyError: 'requests'"
    assert report.gate["reason"] == "the evaluation could not be carried out" and not report.gate_passed
    outcome = outcome_of(report, 50)
    assert (outcome.conclusion, outcome.title) == ("failure", "Evaluation failed")


def test_one_suite_that_did_not_run_keeps_the_gate_from_passing_on_the_others(repo: Path) -> None:
    config(repo, "suites: [compat, strict]\n")
    pod = pod_result(suite_run("compat"), suite_errors={"strict": "suite did not finish within 120 s"})
    progress: list[str] = []
    report = evaluate(repo, sandbox=FakeBackend(pod=pod), on_progress=progress.append)
    assert (report.assertions_passed, report.assertions_total) == (290, 290)
    assert [s.suite for s in report.suites] == ["compat"]
    assert report.error == "the suite runner failed: strict: suite did not finish within 120 s"
    assert not report.gate_passed and outcome_of(report, 50).conclusion == "failure"
    assert "suite errors: strict: suite did not finish within 120 s" in progress


def test_a_pod_the_sandbox_could_not_run_is_a_sandbox_error(repo: Path) -> None:
    backend = FakeBackend(pod=SandboxUnavailable("pod failed: the pod did not finish in time"))
    report = evaluate(repo, sandbox=backend)
    assert report.error == "sandbox: pod failed: the pod did not finish in time"
    assert report.startup == "not_run" and backend.running == 0
    assert outcome_of(report, 50).conclusion == "failure"


def test_a_backend_that_breaks_is_an_internal_error_not_a_traceback(repo: Path) -> None:
    report = evaluate(repo, sandbox=FakeBackend(pod=RuntimeError("socket closed")))
    assert report.error == "internal error: RuntimeError: socket closed"
    assert "RuntimeError: socket closed" in report.server_log_tail and not report.gate_passed


def test_an_unavailable_backend_is_said_before_anything_is_installed(repo: Path) -> None:
    backend = FakeBackend(unavailable="bubblewrap (bwrap) is not installed")
    report = evaluate(repo, sandbox=backend)
    assert report.error == "bubblewrap (bwrap) is not installed" and backend.installs == []
    assert outcome_of(report, 50).title == "Evaluation failed"


@pytest.mark.parametrize("at", ["installing", "server starting"])
def test_cancelling_from_progress_propagates_and_leaves_nothing(repo: Path, at: str) -> None:
    class Superseded(Exception):
        pass

    def on_progress(message: str) -> None:
        if message.startswith(at):
            raise Superseded(message)

    backend = FakeBackend()
    with pytest.raises(Superseded):
        evaluate(repo, sandbox=backend, on_progress=on_progress)
    assert backend.running == 0 and len(backend.pods) == (at == "server starting")
    work = repo.parent / "work"
    assert not work.exists() or list(work.iterdir()) == []
    assert not (repo / ".venv").exists()
