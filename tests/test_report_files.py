"""`--sarif`, `--junit` and `--markdown`: the report files, validated against the official schemas.

SARIF against the OASIS SARIF 2.1.0 JSON Schema, JUnit against the Jenkins
xUnit JUnit XSD (both vendored under tests/fixtures, sources in their
READMEs); one real failing evaluation through the CLI, and reports built
here that carry every kind of content (strict suite, blocked assertions,
findings with and without a line, located root causes, hostile text).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from checks import gate
from checks.config import GateConfig
from checks.diagnosis.model import Diagnosis, Evidence, RootCause
from checks.render.checkrun import summary_of, text_of
from checks.render.files import MAX_MARKDOWN_BYTES, Entry, write_report_files
from checks.render.junit import junit
from checks.render.sarif import CONSTRAINTS_CATEGORY, FINGERPRINT, ROOT_CAUSES_CATEGORY, sarif
from checks.report import Report
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from tests.test_render import strict_result
from verifiers.findings import Finding
from verifiers.rules import load_table

FIXTURES = Path(__file__).parent / "fixtures"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
JUNIT_SCHEMA = xmlschema.XMLSchema(str(FIXTURES / "junit" / "junit-10.xsd"))
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "</failure><script>alert(1)</script>]]>\x00\x1b[31m\u2028`|*"


def assert_valid_sarif(log: dict) -> None:
    errors = [e.message for e in jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    assert errors == []


def assert_valid_junit(xml: str) -> None:
    errors = [str(e.reason) for e in JUNIT_SCHEMA.iter_errors(xml)]
    assert errors == []


def test_the_vendored_schemas_reject_what_is_not_sarif_or_junit() -> None:
    """The validators can fail: a result without a message, a testcase without a name."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}]}
    assert list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(bad))
    assert list(JUNIT_SCHEMA.iter_errors('<testsuites><testsuite name="s"><testcase/></testsuite></testsuites>'))


def failing_report() -> Report:
    compat = SuiteResult(
        suite="compat",
        base_url="http://127.0.0.1:1",
        api_prefix="/api",
        requests=[
            RequestResult(
                name="01 register",
                operation="CreateUser",
                method="POST",
                path="/api/users",
                status=500,
                elapsed_ms=12.5,
                passed=1,
                total=6,
                failures=[
                    AssertionFailure(assertion=text, operation="CreateUser", expected=True, actual=HOSTILE)
                    for text in ("has user", "has user.email", "has user.username", "has user.bio", "has user.image")
                ],
            )
        ],
    )
    report = Report(
        startup="ok",
        app_path="services/api",
        constraints={"orm": "sqlalchemy", "architecture": "clean", "database": "postgresql"},
        findings=[
            Finding(
                constraint="orm",
                rule="orm.raw-query",
                path="app/repositories/stats.py",
                line=6,
                message=f"raw SQL sent with text(...) bypasses SQLAlchemy {HOSTILE}",
            ),
            Finding(constraint="architecture", rule="architecture.layer-missing", message="no services layer"),
        ],
        diagnosis=Diagnosis.from_causes(
            [
                RootCause(
                    category="logic_error",
                    subcategory="database_runtime_error",
                    summary="IntegrityError on insert into users",
                    evidence=[
                        Evidence(kind="log", message="IntegrityError", path="app/services/users.py", line=14),
                        Evidence(kind="code", message="the session", path="app/db.py", line=3, end_line=9),
                    ],
                ),
                RootCause(category="other", summary="no location", evidence=[Evidence(kind="log", message="x")]),
            ]
        ),
        server_log_tail=f"Traceback {HOSTILE}",
    )
    report.with_suites([compat, strict_result()])
    return gate.apply(GateConfig(), report)


def test_sarif_of_a_failing_evaluation_validates_and_names_rules_files_and_lines() -> None:
    log = sarif(failing_report())
    assert_valid_sarif(log)
    constraints, causes = log["runs"]
    assert constraints["automationDetails"]["id"] == CONSTRAINTS_CATEGORY
    assert causes["automationDetails"]["id"] == ROOT_CAUSES_CATEGORY
    rules = constraints["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(load_table().rules)  # one rule per verifier rule
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] for r in rules)
    located, repo_wide = constraints["results"]
    assert rules[located["ruleIndex"]]["id"] == located["ruleId"] == "orm.raw-query"
    where = located["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "services/api/app/repositories/stats.py"  # repository-relative
    assert where["region"]["startLine"] == 6
    assert repo_wide["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".github/decaycheck.yml"
    (cause,) = causes["results"]  # the cause without a location is not a code scanning result
    assert cause["ruleId"] == "root-cause/database_runtime_error" and cause["level"] == "error"
    assert cause["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/api/app/services/users.py"
    assert cause["relatedLocations"][0]["physicalLocation"]["region"] == {"startLine": 3, "endLine": 9}


def test_sarif_fingerprints_are_stable_when_lines_move() -> None:
    first = sarif(failing_report())["runs"][0]["results"][0]
    moved = failing_report()
    moved.findings[0].line = 40
    again = sarif(moved)["runs"][0]["results"][0]
    assert first["partialFingerprints"][FINGERPRINT] == again["partialFingerprints"][FINGERPRINT]
    moved.findings[0].path = "app/other.py"
    other = sarif(moved)["runs"][0]["results"][0]
    assert other["partialFingerprints"][FINGERPRINT] != first["partialFingerprints"][FINGERPRINT]


def test_junit_of_a_failing_evaluation_validates_one_case_per_assertion() -> None:
    report = failing_report()
    xml = junit(report)
    assert_valid_junit(xml)
    data = JUNIT_SCHEMA.to_dict(xml)
    suites = {s["@name"]: s for s in data["testsuite"]}
    assert list(suites) == ["constraints", "compat", "strict"]
    compat = suites["compat"]
    assert (compat["@tests"], compat["@failures"]) == ("6", "5")
    names = [c["@name"] for c in compat["testcase"]]
    # the compat suite's own assertion texts, passed ones included
    assert names[:2] == ["01 register: has user", "01 register: has user.email"] and len(set(names)) == 6
    failed = compat["testcase"][0]["failure"][0]
    assert "expected: True" in failed["$"] and "actual: </failure><script>" in failed["$"]
    assert "\x00" not in xml and "\x1b" not in xml
    strict = suites["strict"]
    assert strict["@tests"] == str(sum(r.total for r in report.suites[1].requests))
    blocked = next(c for c in strict["testcase"] if "blocked" in (c.get("failure") or [{}])[0].get("$", ""))
    assert "blocked by: create article A1 (slugA1 never set)" in blocked["failure"][0]["$"]
    constraints = suites["constraints"]
    assert (constraints["@tests"], constraints["@failures"]) == ("3", "2")  # two findings; database kept
    assert data["@tests"] == str(sum(int(s["@tests"]) for s in suites.values()))


def test_an_evaluation_that_could_not_run_is_an_error_in_junit_not_an_empty_green_run() -> None:
    for report in (Report(config_error=".github/decaycheck.yml:3: gate: unknown key"), Report(startup="start_failed")):
        xml = junit(gate.apply(GateConfig(), report))
        assert_valid_junit(xml)
        assert 'errors="1"' in xml and "<error " in xml


def test_markdown_file_is_the_check_runs_body_within_one_mib(tmp_path: Path) -> None:
    report = failing_report()
    (md,) = write_report_files([Entry(report)], markdown=tmp_path / "out" / "summary.md")
    text = md.read_text()
    assert text.startswith(summary_of(report).rstrip()) and text_of(report).rstrip() in text
    report.server_log_tail = "x" * (3 * MAX_MARKDOWN_BYTES)
    report.requests[0].failures *= 40_000
    write_report_files([Entry(report)], markdown=md)
    assert len(md.read_bytes()) <= MAX_MARKDOWN_BYTES


def test_batch_files_name_each_trial_and_list_each_finding_once(tmp_path: Path) -> None:
    entries = [Entry(failing_report(), f"apps/a#{trial}", "apps/a") for trial in (0, 1)]
    entries.append(Entry(gate.apply(GateConfig(), Report(startup="ok").with_suites([])), "apps/b#0", "apps/b"))
    paths = write_report_files(
        entries, sarif=tmp_path / "r.sarif", junit=tmp_path / "r.xml", markdown=tmp_path / "r.md"
    )
    assert [p.name for p in paths] == ["r.sarif", "r.xml", "r.md"]
    log = json.loads((tmp_path / "r.sarif").read_text())
    assert_valid_sarif(log)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris == ["apps/a/services/api/app/repositories/stats.py", "apps/a/.github/decaycheck.yml"]
    xml = (tmp_path / "r.xml").read_text()
    assert_valid_junit(xml)
    names = [s["@name"] for s in JUNIT_SCHEMA.to_dict(xml)["testsuite"]]
    assert (
        names[:3] == ["apps/a#0/constraints", "apps/a#0/compat", "apps/a#0/strict"] and "apps/b#0/evaluation" in names
    )
    md = (tmp_path / "r.md").read_text()
    assert "3 evaluations, 0 passed their gate." in md and "| `apps/a#1` | ❌ failed |" in md


@pytest.mark.slow
def test_a_real_failing_run_writes_files_that_validate(tmp_path: Path) -> None:
    """A Flask app whose comments routes are gone and whose repository sends raw SQL, through `decaycheck run`."""
    from tests.support.variants import CORPUS, Variant

    repo = Variant.load(CORPUS / "flask_comments_missing.yml").materialize(tmp_path / "repo")
    raw_sql = Variant.load(CORPUS / "verify_flask_raw_sql_text.yml").edits[0]
    (repo / raw_sql["file"]).write_text(raw_sql["create"])
    (repo / ".github").mkdir()
    (repo / ".github" / "decaycheck.yml").write_text("constraints: {level: L3, framework: flask}\n")
    out = tmp_path / "files"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            str(repo),
            "--sarif",
            str(out / "r.sarif"),
            "--junit",
            str(out / "r.xml"),
        ]
        + ["--markdown", str(out / "r.md")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = json.loads((out / "r.sarif").read_text())
    assert_valid_sarif(log)
    (finding,) = log["runs"][0]["results"]
    assert finding["ruleId"] == "orm.raw-query"
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/repositories/stats.py"
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    xml = (out / "r.xml").read_text()
    assert_valid_junit(xml)
    compat = next(s for s in JUNIT_SCHEMA.to_dict(xml)["testsuite"] if s["@name"] == "compat")
    assert compat["@tests"] == "290" and int(compat["@failures"]) > 0
    failing = {c["@name"] for c in compat["testcase"] if "failure" in c}
    assert "24 all comments: status is 200" in failing
    assert (out / "r.md").read_text().startswith("## ❌ A% ")
