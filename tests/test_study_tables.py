"""The study's tables from hand-made run records, against figures computed by hand."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest

from checks.diagnosis.model import Diagnosis, RootCause
from checks.report import Report
from checks.study import formulas, labels, tables
from checks.study.html import render
from checks.study.model import RunRecord
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from verifiers.findings import Finding

TOTAL = 10


def record(
    checkout: str,
    trial: int,
    framework: str,
    level: str,
    failed: list[str],
    *,
    finding: bool = False,
    cause: tuple[str, str | None] | None = None,
    startup: str = "ok",
    error: bool = False,
    extra: dict[str, str] | None = None,
) -> RunRecord:
    report = Report(startup=startup)  # type: ignore[arg-type]
    if finding:
        report.findings = [Finding(constraint="orm", rule="orm.raw-query", message="raw SQL")]
    if startup == "ok":
        failures = [AssertionFailure(id=i, assertion=i, operation="Op") for i in failed]
        request = RequestResult(
            name="r",
            operation="Op",
            method="GET",
            path="/api/x",
            status=200,
            passed=TOTAL - len(failed),
            total=TOTAL,
            failures=failures,
        )
        report.with_suites([SuiteResult(suite="compat", base_url="http://x", api_prefix="/api", requests=[request])])
    if cause is not None:
        report.diagnosis = Diagnosis.from_causes([RootCause(category=cause[0], subcategory=cause[1], summary="s")])  # type: ignore[arg-type]
    elif report.pass_at_1:
        report.diagnosis = Diagnosis.from_causes([])
    if error:
        report.error = "sandbox: gone"
    return RunRecord(
        run_id=f"{checkout}-{trial}",
        checkout=checkout,
        path=f"/src/{checkout}",
        trial=trial,
        labels=labels.merge({"framework": framework, "level": level, **(extra or {})}),
        status="error" if error else "ok",
        attempts=2 if error else 1,
        report=report,
    )


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


LOGIC = "logic_error"
RECORDS = [
    record("f0", 0, "flask", "L0", []),
    record("f0", 1, "flask", "L0", ["a", "b"], cause=(LOGIC, "incorrect_query_logic")),
    record("f1", 0, "flask", "L1", ids("c", 3), cause=(LOGIC, "auth_misconfiguration")),
    record("f1", 1, "flask", "L1", ids("c", 3), cause=(LOGIC, "auth_misconfiguration")),
    record("f2", 0, "flask", "L2", ids("x", 4), cause=(LOGIC, "incorrect_query_logic")),
    record("f2", 1, "flask", "L2", ids("x", 6), cause=("schema_format_error", None)),
    record("f3", 0, "flask", "L3", ["z"], finding=True, cause=("constraint_violation", None)),
    record("f3", 1, "flask", "L3", []),
    record("a0", 0, "fastapi", "L0", []),
    record("a0", 1, "fastapi", "L0", []),
    record("a2", 0, "fastapi", "L2", ids("p", 4), cause=(LOGIC, "database_runtime_error")),
    record("a2", 1, "fastapi", "L2", ids("p", 2), cause=(LOGIC, "database_runtime_error")),
    record("a3", 0, "fastapi", "L3", ids("q", 5), cause=("other", None)),
    record("a3", 1, "fastapi", "L3", ids("q", 5), cause=("other", None)),
    record("e3", 0, "fastapi", "L3", [], error=True),
]


@pytest.fixture(scope="module")
def built() -> tables.Tables:
    return tables.build(RECORDS)


def test_counts_leave_errored_evaluations_out(built: tables.Tables) -> None:
    assert (built.runs, built.errors, built.checkouts, built.configurations, built.trials) == (15, 1, 8, 7, 2)


def test_table_1_levels_enforced_and_raw(built: tables.Tables) -> None:
    rows = {r.level: r for r in built.levels}
    assert list(rows) == ["L0", "L1", "L2", "L3", "all"]
    # L0: flask (100+80)/2 = 90, fastapi 100; pass@1 0.5 and 1
    assert (rows["L0"].a_pct_enforced, rows["L0"].a_pct_raw, rows["L0"].pass_at_1) == (95.0, 95.0, 0.75)
    # L3: flask raw (90+100)/2 = 95 but enforced (0+100)/2 = 50; fastapi 50 both
    assert (rows["L3"].a_pct_enforced, rows["L3"].a_pct_raw, rows["L3"].pass_at_1) == (50.0, 72.5, 0.25)
    assert (rows["L2"].a_pct_enforced, rows["L2"].configurations, rows["L2"].runs) == (60.0, 2, 4)
    assert built.delta_l3_l0 is not None
    assert (built.delta_l3_l0.enforced, built.delta_l3_l0.raw) == (-45.0, -22.5)
    flask = next(r for r in built.framework_levels if r.framework == "flask")
    assert flask.a_pct_enforced == {"L0": 90.0, "L1": 70.0, "L2": 50.0, "L3": 50.0}
    assert (flask.delta_enforced, flask.delta_raw) == (-40.0, 5.0)
    fastapi = next(r for r in built.framework_levels if r.framework == "fastapi")
    assert fastapi.a_pct_raw["L1"] is None


def test_table_2a_matched_pairs_with_sem(built: tables.Tables) -> None:
    effects = {r.change: r for r in built.constraints}
    assert set(effects) == {"+architecture=clean", "+database=postgresql", "+orm=sqlalchemy"}
    arch = effects["+architecture=clean"]  # flask L0 → L1 only: fastapi has no L1
    assert (arch.pairs, arch.mean_enforced, arch.sem_enforced) == (1, -20.0, None)
    orm = effects["+orm=sqlalchemy"]  # flask L2→L3 (enforced 0, raw +45), fastapi L2→L3 (-20, -20)
    assert orm.pairs == 2
    assert (orm.mean_enforced, orm.sem_enforced) == (-10.0, 10.0)
    assert (orm.mean_raw, orm.sem_raw) == (12.5, 32.5)


def test_matched_pairs_swap_values_and_ignore_other_labels() -> None:
    runs = [
        record("s", 0, "flask", "L2", ["a"], extra={"architecture": "clean", "database": "sqlite"}),
        record("p", 0, "flask", "L2", ids("b", 3)),
        record("other-agent", 0, "flask", "L3", [], extra={"agent": "x"}),
    ]
    (effect,) = tables.build(runs).constraints
    assert (effect.change, effect.pairs, effect.mean_raw) == ("database: postgresql→sqlite", 1, 20.0)


def test_table_8_frameworks_ranked_by_pass_at_1(built: tables.Tables) -> None:
    first, second = built.frameworks
    assert (first.rank, first.framework, first.pass_at_1, first.a_pct_enforced) == (1, "fastapi", 0.3333, 73.3333)
    assert (second.rank, second.framework, second.pass_at_1, second.a_pct_enforced) == (2, "flask", 0.25, 65.0)


def test_pass_at_k_and_pass_hat_k(built: tables.Tables) -> None:
    rows = {(r.group, r.k): r for r in built.pass_k}
    # configurations' (n, c): (2,1) (2,0) (2,0) (2,1) (2,2) (2,0) (2,0)
    assert rows[("all", 1)].pass_at_k == round(2 / 7, 4)
    assert rows[("all", 2)].pass_at_k == round(3 / 7, 4)
    assert rows[("all", 2)].pass_hat_k == round(1.5 / 7, 4)
    assert (rows[("L0", 2)].pass_at_k, rows[("L0", 2)].pass_hat_k) == (1.0, 0.625)
    assert ("all", 3) not in rows


def test_table_4_root_causes(built: tables.Tables) -> None:
    coarse = [(r.category, r.runs, r.share) for r in built.root_causes if r.subcategory is None]
    assert coarse == [
        (LOGIC, 6, 60.0),
        ("other", 2, 20.0),
        ("constraint_violation", 1, 10.0),
        ("schema_format_error", 1, 10.0),
    ]
    logic = [(r.subcategory, r.runs, r.share) for r in built.root_causes if r.subcategory]
    assert logic == [
        ("auth_misconfiguration", 2, 33.3333),
        ("database_runtime_error", 2, 33.3333),
        ("incorrect_query_logic", 2, 33.3333),
    ]
    assert built.root_causes[0].by_level == {"L0": 1, "L1": 2, "L2": 3}


def test_decay_curve_and_fit(built: tables.Tables) -> None:
    points = [(p.constraints, p.a_pct_enforced, p.a_pct_raw) for p in built.decay.points]
    assert points == [(0, 95.0, 95.0), (1, 70.0, 70.0), (2, 60.0, 60.0), (3, 50.0, 72.5)]
    a0, rate = formulas.exponential_fit([(n, e) for n, e, _ in points])  # type: ignore[misc]
    fit = built.decay.fit_enforced
    assert fit is not None and fit.rate > 0
    assert (fit.a0, fit.rate, fit.retained) == (round(a0, 4), round(rate, 4), round(math.exp(-rate), 4))


def test_flaky_assertions_differ_between_trials_of_one_checkout(built: tables.Tables) -> None:
    got = [(r.checkout, r.assertion, r.failed, r.trials) for r in built.flaky]
    assert got == [
        ("a2", "p3", 1, 2),
        ("a2", "p4", 1, 2),
        ("f0", "a", 1, 2),
        ("f0", "b", 1, 2),
        ("f2", "x5", 1, 2),
        ("f2", "x6", 1, 2),
        ("f3", "z", 1, 2),
    ]
    startup = tables.build([record("s", 0, "koa", "L0", []), record("s", 1, "koa", "L0", [], startup="health_timeout")])
    (row,) = startup.flaky
    assert (row.assertion, row.failed) == ("(server startup: health_timeout×1, ok×1)", 1)


def test_the_tables_do_not_depend_on_record_order(built: tables.Tables) -> None:
    shuffled = list(RECORDS)
    random.Random(7).shuffle(shuffled)
    assert tables.build(shuffled) == built


def test_csvs_neutralise_spreadsheet_formulas(tmp_path: Path) -> None:
    runs = [record("=HYPERLINK(1)", 0, "flask", "L0", [], extra={"agent": "=cmd|' /C calc'!A0"})]
    tables.write_csvs(tables.build(runs), tmp_path)
    rows = list(csv.DictReader((tmp_path / "configurations.csv").open()))
    assert rows[0]["configuration"].startswith("agent==cmd")  # not at the start of the cell: harmless
    flaky = (tmp_path / "flaky.csv").read_text()
    assert flaky.splitlines() == ["checkout,assertion,failed,trials"]
    runs = [record("=HYPERLINK(1)", t, "flask", "L0", ["=1+1"] if t else []) for t in (0, 1)]
    tables.write_csvs(tables.build(runs), tmp_path)
    (row,) = list(csv.DictReader((tmp_path / "flaky.csv").open()))
    assert (row["checkout"], row["assertion"]) == ("'=HYPERLINK(1)", "'=1+1")


def test_the_page_escapes_every_label_and_assertion() -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    runs = [record(hostile, t, "flask", "L0", [hostile] if t else [], extra={"agent": hostile}) for t in (0, 1)]
    page = render(tables.build(runs))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
