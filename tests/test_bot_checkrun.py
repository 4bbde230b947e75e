"""Reports rendered as Check Run bodies: conclusions, titles, limits, annotation order and batches."""

from __future__ import annotations

from bot import checkrun
from checks.diagnosis.model import Diagnosis, Evidence, RootCause
from checks.render import checkrun as rendering
from checks.report import Annotation, Report
from conduit_suite.result import AssertionFailure, RequestResult
from tests.support.fake_github import check_run_violations
from verifiers.findings import Finding


def _request(name: str, path: str, passed: int, total: int) -> RequestResult:
    failures = (
        [AssertionFailure(assertion="status is 200", operation=name, expected=200, actual=500)]
        if passed < total
        else []
    )
    return RequestResult(
        name=name,
        operation=name,
        method="GET",
        path=path,
        status=200 if not failures else 500,
        passed=passed,
        total=total,
        failures=failures,
    )


def failing_report(annotations: int = 3) -> Report:
    cause = RootCause(
        category="logic_error",
        subcategory="incorrect_query_logic",
        summary="Feed query ignores follows",
        evidence=[Evidence(kind="log", message="KeyError", path="app/feed.py", line=12)],
    )
    return Report(
        startup="ok",
        suite="compat",
        assertions_passed=270,
        assertions_total=290,
        assert_pct=93.1,
        pass_at_1=False,
        requests=[_request("Login", "/api/users/login", 10, 10), _request("Feed", "/api/articles/feed", 0, 20)],
        constraints={"framework": "flask", "orm": "sqlalchemy"},
        findings=[Finding(constraint="orm", rule="raw-sql", path="app/db.py", line=3, message="raw SQL string")],
        compliant=False,
        diagnosis=Diagnosis.from_causes([cause]),
        gate_passed=False,
        annotations=[
            Annotation(
                path=f"app/f{i}.py",
                start_line=i + 1,
                end_line=i + 1,
                level=("notice", "warning", "failure")[i % 3],
                title=f"t{i}",
                message=f"m{i}",
            )
            for i in range(annotations)
        ],
    )


def test_failing_report_becomes_a_failure_with_a_and_pass_at_1_in_the_title() -> None:
    outcome = rendering.outcome_of(failing_report(), max_annotations=200)
    assert outcome.conclusion == "failure"
    assert "A% 93.1" in outcome.title and "270/290" in outcome.title and "pass@1 fail" in outcome.title
    assert "/api/articles/feed" in outcome.summary and "incorrect_query_logic" in outcome.summary
    assert "compliance" in outcome.summary.lower() and "raw-sql" in outcome.summary
    assert "raw SQL string" in outcome.text and "status is 200" in outcome.text


def test_passing_gate_is_a_success() -> None:
    report = Report(
        startup="ok",
        assertions_passed=290,
        assertions_total=290,
        assert_pct=100.0,
        pass_at_1=True,
        gate_passed=True,
        requests=[_request("Login", "/api/users/login", 290, 290)],
    )
    outcome = rendering.outcome_of(report, max_annotations=200)
    assert outcome.conclusion == "success"
    assert outcome.title.startswith("A% 100.0 (290/290) · pass@1 pass")


def test_broken_config_fails_with_its_line() -> None:
    report = Report(config_error=".github/decaycheck.yml:4: gate.min_assert_pct: not a number")
    outcome = rendering.outcome_of(report, max_annotations=200)
    assert outcome.conclusion == "failure"
    assert outcome.title == "Config error: .github/decaycheck.yml:4: gate.min_assert_pct: not a number"
    assert ".github/decaycheck.yml:4" in outcome.summary


def test_nothing_to_evaluate_is_neutral_with_an_explanation(tmp_path) -> None:
    from bot.jobs import nothing_to_evaluate

    (tmp_path / "README.md").write_text("docs only\n")
    reason = nothing_to_evaluate(tmp_path, ".github/decaycheck.yml")
    assert reason and "requirements.txt" in reason
    outcome = rendering.neutral_outcome(reason)
    assert outcome.conclusion == "neutral" and "requirements.txt" in outcome.summary
    assert check_run_violations(checkrun.completion_bodies(outcome)[0], "update") == []
    (tmp_path / "package.json").write_text("{}")
    assert nothing_to_evaluate(tmp_path, ".github/decaycheck.yml") is None


def test_an_evaluation_that_could_not_run_is_a_failure_saying_why() -> None:
    outcome = rendering.outcome_of(Report(error="bwrap is not installed"), max_annotations=200)
    assert outcome.conclusion == "failure" and outcome.title == "Evaluation failed"
    assert "bwrap is not installed" in outcome.summary


def test_annotations_put_failures_first_and_are_capped() -> None:
    report = failing_report(annotations=300)
    assert len(rendering.outcome_of(report, max_annotations=120).annotations) == 50  # the config's default max
    report.annotations_max = 1000
    outcome = rendering.outcome_of(report, max_annotations=120)  # the App's own cap
    levels = [a["annotation_level"] for a in outcome.annotations]
    assert len(levels) == 120
    assert levels == sorted(levels, key={"failure": 0, "warning": 1, "notice": 2}.__getitem__)
    assert levels[0] == "failure"


def test_findings_and_evidence_annotate_when_the_report_has_no_annotations() -> None:
    outcome = rendering.outcome_of(failing_report(annotations=0), max_annotations=200)
    places = {(a["path"], a["start_line"]) for a in outcome.annotations}
    assert ("app/feed.py", 12) in places and ("app/db.py", 3) in places


def test_completion_is_sent_in_batches_of_fifty_each_valid_against_the_schema() -> None:
    report = failing_report(annotations=130)
    report.annotations_max = 200
    outcome = rendering.outcome_of(report, max_annotations=500)
    bodies = checkrun.completion_bodies(outcome, "http://127.0.0.1:1/runs/x")
    assert [len(b["output"].get("annotations", [])) for b in bodies] == [50, 50, 30]
    assert bodies[0]["status"] == "completed" and bodies[0]["conclusion"] == "failure"
    assert all("conclusion" not in b for b in bodies[1:])
    for body in bodies:
        assert check_run_violations(body, "update") == []


def test_limits_summary_text_title_message_and_actions() -> None:
    report = failing_report(annotations=1)
    report.server_log_tail = "x" * 10_000
    report.requests = [_request(f"R{i}", f"/api/{'p' * 200}/{i}", 0, 5) for i in range(2000)]
    report.annotations[0].message = "é" * 70_000
    report.annotations[0].title = "T" * 255
    outcome = rendering.outcome_of(report, max_annotations=200)
    assert len(outcome.summary) <= 65_535 and outcome.summary.endswith("(truncated)")
    assert len(outcome.text) <= 65_535
    assert len(outcome.annotations[0]["message"].encode()) <= 64 * 1024
    body = checkrun.completion_bodies(outcome)[0]
    assert check_run_violations(body, "update") == []
    assert len(body["actions"]) <= 3 and all(len(a["label"]) <= 20 for a in body["actions"])


def test_the_fake_rejects_what_github_would() -> None:
    too_many = {
        "output": {
            "title": "t",
            "summary": "s",
            "annotations": [{"path": "a", "start_line": 1, "end_line": 1, "annotation_level": "notice", "message": "m"}]
            * 51,
        }
    }
    assert check_run_violations(too_many, "update")
    assert check_run_violations({"status": "completed"}, "update")
    assert check_run_violations({"name": "x", "head_sha": "y", "status": "pending"}, "create")
    assert check_run_violations(
        {
            "output": {
                "summary": "s",
                "annotations": [
                    {
                        "path": "a",
                        "start_line": 1,
                        "end_line": 2,
                        "start_column": 1,
                        "annotation_level": "notice",
                        "message": "m",
                    }
                ],
            }
        },
        "update",
    )
    long_label = {"actions": [{"label": "L" * 21, "identifier": "x", "description": "d"}]}
    assert check_run_violations(long_label, "update")
