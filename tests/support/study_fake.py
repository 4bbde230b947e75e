"""A fast evaluator for batch tests where the pod is not the point (`DECAYCHECK_BATCH_EVALUATOR`).

It reads the checkout's real config and runs the real verifiers (so
constraint findings and enforced A% are genuine), and takes the suite's
outcome from `study-fake.json` in the checkout instead of starting a server:

    {"total": 20,                       # assertions in the suite
     "failed": ["a: status is 200"],    # failing in every trial
     "flaky": {"b: has token": [1]},    # failing only in these trials
     "startup": "ok",                   # or a list, one per trial
     "error_attempts": [1],             # these attempts end in an evaluation error
     "hold_while": "/tmp/x/hold",       # block while this file exists (a batch to kill mid-way)
     "diagnosis": {"category": "logic_error", "subcategory": "incorrect_query_logic"}}

Each call appends `run_id trial attempt` to `.fake-evaluations.log` in the checkout.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import verifiers
from checks import config as config_mod
from checks import gate
from checks.diagnosis.model import Diagnosis, RootCause
from checks.report import Report
from checks.study.model import TrialJob
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult

SPEC = "study-fake.json"
LOG = ".fake-evaluations.log"
WAIT_LIMIT_S = 300


def evaluate(job: TrialJob, config_file: Path | None) -> Report:
    repo = Path(job.checkout.path)
    spec = json.loads((repo / SPEC).read_text()) if (repo / SPEC).is_file() else {}
    with open(repo / LOG, "a") as log:
        log.write(f"{job.run_id} {job.trial} {job.attempt}\n")
    hold = spec.get("hold_while")
    if hold:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while Path(hold).exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the file the test removes: the event this evaluation waits on
    report = Report(repo_path=str(repo))
    if job.attempt in spec.get("error_attempts", []):
        report.error = f"sandbox: simulated failure on attempt {job.attempt}"
        return report
    try:
        resolved = config_mod.resolve(repo, config_file)
    except config_mod.ConfigError as exc:
        report.config_error = str(exc)
        return report
    report.constraints = resolved.constraints.declared()
    startup = spec.get("startup", "ok")
    report.startup = startup[job.trial % len(startup)] if isinstance(startup, list) else startup
    report.findings = verifiers.verify(resolved.app_dir, resolved.constraints)
    report.compliant = not report.findings
    results = []
    if report.startup == "ok":
        total = int(spec.get("total", 20))
        failed = list(spec.get("failed", []))
        failed += [name for name, trials in spec.get("flaky", {}).items() if job.trial in trials]
        failures = [AssertionFailure(id=name, assertion=name, operation="Fake") for name in sorted(failed)]
        request = RequestResult(
            name="suite",
            operation="Fake",
            method="GET",
            path="/api/fake",
            status=200,
            passed=total - len(failures),
            total=total,
            failures=failures,
        )
        results = [SuiteResult(suite="compat", base_url="http://127.0.0.1:1", api_prefix="/api", requests=[request])]
    report.with_suites(results)
    if report.pass_at_1:
        report.diagnosis = Diagnosis.from_causes([])
    else:
        cause = spec.get("diagnosis") or (
            {"category": "constraint_violation"} if report.findings else {"category": "other"}
        )
        report.diagnosis = Diagnosis.from_causes([RootCause(summary="seeded", **cause)])
    gate.apply(resolved.config.gate, report)
    return report
