"""`decaycheck batch` end to end on a small labelled study (six checkouts, K = 2), with the fast evaluator.

The pod is not the point here (tests/test_study_real.py runs the real
pipeline): `tests.support.study_fake` reads each checkout's real config and
runs the real verifiers, and takes the suite's outcome from the checkout.
The batch runs as a real `decaycheck batch` process with its local worker
processes, or with real `decaycheck worker` processes on the real Redis.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from checks.study.batch import BatchError, RecordStore, run_batch
from checks.study.model import RunRecord, TrialJob, TrialResult
from checks.study.source import load
from checks.study.trial import Evaluator, run_trial
from tests.support.browser import browser_page
from tests.support.fake_github import wait_until
from tests.support.services import REDIS_URL
from tests.support.study import FAKE_EVALUATOR, HOSTILE, ROOT, evaluations, make_study

TRIALS = 2


def batch_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECAYCHECK_")}
    env.update(DECAYCHECK_BATCH_EVALUATOR=FAKE_EVALUATOR, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def batch_command(manifest: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", "batch", str(manifest), "--trials", str(TRIALS), "--out", str(out), *args]


def run_cli(
    manifest: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        batch_command(manifest, out, *args),
        cwd=ROOT,
        env=env or batch_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def tables_of(out: Path) -> dict:
    return json.loads((out / "tables.json").read_text())


@pytest.fixture(scope="module")
def through(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch that ran through: local worker processes, two at a time."""
    folder = tmp_path_factory.mktemp("study")
    manifest = make_study(folder)
    out = folder / "out"
    proc = run_cli(manifest, out, "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "batch" in proc.stderr and "eval/min" in proc.stderr and "ETA" in proc.stderr  # rich progress
    return out


def test_the_batch_writes_every_output_with_labels_and_both_scores(through: Path) -> None:
    names = {p.name for p in through.iterdir()}
    for name in (
        "runs.jsonl",
        "tables.json",
        "report.html",
        "levels.csv",
        "constraints.csv",
        "frameworks.csv",
        "pass_k.csv",
        "root_causes.csv",
        "decay.csv",
        "flaky.csv",
        "framework_levels.csv",
    ):
        assert name in names
    runs = [RunRecord.model_validate_json(line) for line in (through / "runs.jsonl").read_text().splitlines()]
    assert len(runs) == 6 * TRIALS
    assert {(r.checkout, r.trial) for r in runs} == {
        (f"repos/{n}", t)
        for n in ("flask-l0", "flask-l2", "flask-l3", "flask-raw-sql", "fastapi-l1", "flask-retry")
        for t in range(TRIALS)
    }
    raw_sql = [r for r in runs if r.checkout == "repos/flask-raw-sql"]
    for r in raw_sql:  # the real verifiers find the raw SQL the L3 label forbids
        assert r.labels["orm"] == "sqlalchemy" and r.labels["level"] == "L3"
        assert [f.rule for f in r.report.findings] == ["orm.raw-query"]
        assert (r.report.assert_pct, r.report.enforced_assert_pct, r.report.pass_at_1) == (100.0, 0.0, False)
    retried = [r for r in runs if r.checkout == "repos/flask-retry"]
    assert [(r.status, r.attempts) for r in retried] == [("ok", 2), ("ok", 2)]
    assert all(r.status == "ok" for r in runs)
    # the evaluation that errored was evaluated twice, every other trial once
    counts = [len(evaluations(Path(r.path))) for r in runs if r.trial == 0]
    assert sorted(counts) == [2, 2, 2, 2, 2, 4]


def test_the_tables_follow_the_labels(through: Path) -> None:
    t = tables_of(through)
    assert (t["runs"], t["errors"], t["checkouts"], t["trials"]) == (12, 0, 6, 2)
    levels = {row["level"]: row for row in t["levels"]}
    assert set(levels) == {"L0", "L1", "L2", "L3", "all"}
    # L3: flask-l3 (100, passes) and flask-raw-sql (raw 100, enforced 0) are one configuration
    assert (levels["L3"]["a_pct_enforced"], levels["L3"]["a_pct_raw"], levels["L3"]["pass_at_1"]) == (50.0, 100.0, 0.5)
    assert levels["L0"]["a_pct_raw"] == 87.5  # 2 of 20 assertions fail, and a flaky third in trial 1: (90 + 85) / 2
    assert t["delta_l3_l0"] == {"enforced": -37.5, "raw": 12.5}
    changes = {row["change"]: row for row in t["constraints"]}
    assert set(changes) == {"+orm=sqlalchemy"}  # flask L2 → flask L3 (same agent); the others differ in more
    assert (changes["+orm=sqlalchemy"]["pairs"], changes["+orm=sqlalchemy"]["mean_raw"]) == (1, 20.0)
    assert changes["+orm=sqlalchemy"]["mean_enforced"] == -30.0
    flaky = {(row["checkout"], row["assertion"]) for row in t["flaky"]}
    assert flaky == {("repos/flask-l0", "tags: list"), ("repos/fastapi-l1", "(server startup: health_timeout×1, ok×1)")}
    causes = {(row["category"], row["subcategory"]): row["runs"] for row in t["root_causes"]}
    assert causes[("constraint_violation", None)] == 2 and causes[("logic_error", "incorrect_query_logic")] == 2
    assert [row["k"] for row in t["pass_k"] if row["group"] == "all"] == [1, 2]
    assert t["decay"]["fit_raw"] is not None


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_the_page_renders_its_tables_and_plots_in_chromium(through: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    with browser_page() as page:
        page.goto((through / "report.html").as_uri())
        page.screenshot(path=str(shot), full_page=True)
        sections = page.eval_on_selector_all("section", "els => els.map(e => e.id)")
        assert sections == [
            "levels",
            "constraints",
            "frameworks",
            "pass-k",
            "root-causes",
            "decay",
            "flaky",
            "configurations",
        ]
        assert page.locator("#by-level tbody tr").count() == 5
        assert "L3" in page.inner_text("#by-level") and "ΔA% L3−L0: -37.50 enforced" in page.inner_text("#delta")
        assert page.locator("#framework-levels tbody tr").count() == 2
        assert page.locator("#constraints table tbody tr").count() == len(tables_of(through)["constraints"])
        assert page.locator("#frameworks table tbody tr").count() == 2
        assert "tags: list" in page.inner_text("#flaky")
        charts = page.eval_on_selector_all(
            "svg.chart",
            "els => els.map(e => [e.dataset.chart, e.getBoundingClientRect().width, "
            "e.querySelectorAll('rect.bar, circle.point').length])",
        )
        assert [c[0] for c in charts] == ["levels", "constraints", "frameworks", "pass_k", "decay"]
        assert all(width > 300 and marks > 0 for _, width, marks in charts)
        assert page.locator("svg.chart[data-chart=decay] polyline.fit").count() == 2
        # the hostile label is shown as text and never runs
        assert HOSTILE in page.inner_text("#configurations")
        assert page.dialogs == []
        assert not [m for m in page.console if "error" in m.lower()]
    width, height = _png_size(shot)
    assert width == 1280 and height > 2000  # the whole page, every section laid out
    keep = os.environ.get("DECAYCHECK_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / "study-report.png").write_bytes(shot.read_bytes())


def test_a_killed_batch_resumes_to_the_same_tables(through: Path, tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.write_text("")
    manifest = make_study(tmp_path, hold=hold)
    out = tmp_path / "out"
    blocked = tmp_path / "repos" / "fastapi-l1"
    proc = subprocess.Popen(
        batch_command(manifest, out, "--workers", "1"),
        cwd=ROOT,
        env=batch_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # one worker takes the trials in plan order: four checkouts' first trials, then fastapi-l1 holds
        wait_until(lambda: len(evaluations(blocked)) == 1, 120, message="the batch reaching the held checkout")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    done = sorted(p.name for p in (out / "runs").glob("*.json"))
    assert len(done) == 4 and not (out / "tables.json").exists()
    second = run_cli(manifest, out, "--workers", "1")
    assert second.returncode == 2 and "--resume" in second.stderr  # a folder holding a batch is not overwritten
    hold.unlink()
    resumed = run_cli(manifest, out, "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "already done" in resumed.stdout and " 4 already done" in resumed.stdout
    assert tables_of(out) == tables_of(through)
    for name in ("flask-l0", "flask-l2", "flask-l3", "flask-raw-sql"):  # their first trials were not run again
        assert [t for _, t, _ in evaluations(tmp_path / "repos" / name)] == [0, 1]
    assert [t for _, t, _ in evaluations(blocked)] == [0, 0, 1]  # the trial in flight when killed ran again


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    prefix = f"dc-test-{secrets.token_hex(6)}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def test_the_same_batch_through_redis_and_two_workers_gives_the_same_tables(
    through: Path, tmp_path: Path, redis_prefix: str
) -> None:
    manifest = make_study(tmp_path)
    out = tmp_path / "out"
    env = batch_env(
        DECAYCHECK_REDIS_URL=REDIS_URL, DECAYCHECK_REDIS_PREFIX=redis_prefix, DECAYCHECK_WORKER_CONCURRENCY="1"
    )
    logs = [open(tmp_path / f"worker-{i}.log", "wb") for i in range(2)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for log in logs
    ]
    try:
        proc = run_cli(manifest, out, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "queue" in proc.stderr
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        for log in logs:
            log.close()
    assert tables_of(out) == tables_of(through)
    runs = [RunRecord.model_validate_json(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    worker_pids = {str(w.pid) for w in workers}
    assert {r.worker.rsplit(":", 1)[1] for r in runs} <= worker_pids  # evaluated by the queue's workers
    client = redis.Redis.from_url(REDIS_URL)
    assert not list(client.scan_iter(match=f"{redis_prefix}:study:*:results"))  # the batch cleared its results
    client.close()


class InlineExecutor:
    """Evaluates each job when submitted, in this process (the batch's bookkeeping is what is under test)."""

    description = "inline"

    def __init__(self) -> None:
        self.done: list[TrialResult] = []

    def submit(self, job: TrialJob) -> None:
        self.done.append(run_trial(job, evaluator=_evaluator()))

    def next_result(self, timeout: float) -> TrialResult | None:
        return self.done.pop(0) if self.done else None

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _evaluator() -> Evaluator:
    from tests.support.study_fake import evaluate

    return evaluate


def test_an_evaluation_error_is_recorded_and_retried_at_most_once(tmp_path: Path) -> None:
    manifest = make_study(tmp_path, only=["flask-l3", "flask-retry"])
    spec = tmp_path / "repos" / "flask-l3" / "study-fake.json"
    spec.write_text(json.dumps({"error_attempts": [1, 2]}))  # errors every time it is tried
    checkouts = load(manifest)
    out = tmp_path / "out"
    first = run_batch(checkouts, trials=1, out=out, executor=lambda _b: InlineExecutor())
    assert (first.evaluated, first.retried, first.errors) == (4, 2, 1)
    store = RecordStore(out)
    records = {r.checkout: r for r in (RunRecord.model_validate_json(p.read_text()) for p in store.folder.iterdir())}
    failed = records["repos/flask-l3"]
    assert (failed.status, failed.attempts, failed.report.error) == (
        "error",
        2,
        "sandbox: simulated failure on attempt 2",
    )
    assert (records["repos/flask-retry"].status, records["repos/flask-retry"].attempts) == ("ok", 2)
    assert tables_of(out)["errors"] == 1 and tables_of(out)["runs"] == 2
    # resumed: nothing left to run (the error had its retry)
    again = run_batch(checkouts, trials=1, out=out, executor=lambda _b: InlineExecutor(), resume=True)
    assert (again.evaluated, again.skipped) == (0, 2)
    assert len(evaluations(tmp_path / "repos" / "flask-l3")) == 2
    # a torn record is run again; more trials add to the batch
    store.path(failed.run_id).write_text('{"run_id": ')
    spec.write_text("{}")
    more = run_batch(checkouts, trials=2, out=out, executor=lambda _b: InlineExecutor(), resume=True)
    assert (more.evaluated, more.retried, more.skipped) == (4, 1, 1)  # flask-retry errs once on its new trial
    assert tables_of(out)["errors"] == 0 and tables_of(out)["runs"] == 4
    with pytest.raises(BatchError, match="--resume"):
        run_batch(checkouts, trials=1, out=out, executor=lambda _b: InlineExecutor())


def test_an_unreachable_queue_is_a_clear_error(tmp_path: Path) -> None:
    manifest = make_study(tmp_path, only=["flask-l3"])
    proc = run_cli(manifest, tmp_path / "out", env=batch_env(DECAYCHECK_REDIS_URL="redis://127.0.0.1:1/0"))
    assert proc.returncode == 2
    assert "the Redis queue is unreachable" in proc.stderr and "Traceback" not in proc.stderr


def test_the_batch_writes_sarif_junit_and_markdown_of_every_trial(tmp_path: Path) -> None:
    from tests.test_report_files import JUNIT_SCHEMA, assert_valid_junit, assert_valid_sarif

    manifest = make_study(tmp_path, only=["flask-l3", "flask-raw-sql"])
    files = tmp_path / "files"
    proc = run_cli(
        manifest,
        tmp_path / "out",
        *("--sarif", str(files / "b.sarif"), "--junit", str(files / "b.xml"), "--markdown", str(files / "b.md")),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "b.sarif" in proc.stdout and "b.xml" in proc.stdout and "b.md" in proc.stdout
    log = json.loads((files / "b.sarif").read_text())
    assert_valid_sarif(log)
    (raw_sql,) = log["runs"][0]["results"]  # found in both trials, listed once
    uri = raw_sql["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert raw_sql["ruleId"] == "orm.raw-query" and uri.startswith("repos/flask-raw-sql/app/")
    xml = (files / "b.xml").read_text()
    assert_valid_junit(xml)
    names = {s["@name"] for s in JUNIT_SCHEMA.to_dict(xml)["testsuite"]}
    assert {f"repos/flask-raw-sql#{t}/constraints" for t in range(TRIALS)} <= names
    assert f"{2 * TRIALS} evaluations" in (files / "b.md").read_text()
