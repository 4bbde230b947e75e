"""End to end: `decaycheck serve` and `decaycheck worker` processes, real Redis, the fake GitHub,
and the real evaluation pipeline on the Flask reference app.

Each test uses its own Redis key prefix (and removes every key under it) so
concurrent runs on the shared Redis never meet.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from arq.constants import result_key_prefix
from arq.jobs import JobResult, deserialize_result

from bot.jobs import evaluate_job_id
from tests.support import hold
from tests.support.fake_github import (
    FakeGitHub,
    example_payload,
    free_port,
    generate_private_key,
    retarget,
    send_webhook,
    wait_until,
)
from tests.support.services import REDIS_URL
from tests.support.variants import Variant
from tests.test_inventory_example import DEFECTS, checkout

ROOT = Path(__file__).resolve().parents[1]
FLASK_APP = ROOT / "tests" / "apps" / "flask"
APP_ID = "6161"
INSTALLATION = 41
REPO = "acme/conduit"
SECRET = "e2e-webhook-secret"
KEYS = generate_private_key()
EVAL_TIMEOUT = 600

pytestmark = pytest.mark.slow


class Deployment:
    """One web process and any number of worker processes sharing a Redis prefix."""

    def __init__(self, fake: FakeGitHub, tmp: Path, *, redis_url: str | None = REDIS_URL) -> None:
        self.fake = fake
        self.prefix = f"dc-test-{secrets.token_hex(6)}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logs = tmp / "logs"
        self.logs.mkdir()
        (tmp / "work").mkdir()
        self.env = {
            **os.environ,
            "DECAYCHECK_APP_ID": APP_ID,
            "DECAYCHECK_PRIVATE_KEY": KEYS[0],
            "DECAYCHECK_WEBHOOK_SECRET": SECRET,
            "DECAYCHECK_REDIS_PREFIX": self.prefix,
            "DECAYCHECK_GITHUB_API_URL": fake.url,
            "DECAYCHECK_PUBLIC_URL": self.url,
            "DECAYCHECK_WORKDIR": str(tmp / "work"),
            "DECAYCHECK_HEARTBEAT_TTL_S": "6",
            "DECAYCHECK_JOB_TIMEOUT_S": str(EVAL_TIMEOUT),
            "DECAYCHECK_SANDBOX": "local",
            "PYTHONUNBUFFERED": "1",
        }
        if redis_url:
            self.env["DECAYCHECK_REDIS_URL"] = redis_url
        self.queue = "redis" if redis_url else "in-process"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.web = self._spawn("serve", "--port", str(self.port))
        wait_until(self._healthy, 30, message="web service")

    def _spawn(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{args[0]}-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).json()["queue"] == self.queue
        except (httpx.HTTPError, ValueError):
            return False

    def worker(self, *, hold_at: str | None = None) -> subprocess.Popen[bytes]:
        """A worker process; with `hold_at`, its evaluations block at that step (see tests/support/hold.py)."""
        held = {"DECAYCHECK_PROGRESS_HOOK": "tests.support.hold:at_step", "HOLD_AT": hold_at} if hold_at else None
        return self._spawn("worker", env=held)

    def result(self, job_id: str) -> JobResult | None:
        """What the queue recorded for a finished job; None while it is queued or running."""
        client = redis.Redis.from_url(REDIS_URL)
        try:
            raw = client.get(result_key_prefix + job_id)
        finally:
            client.close()
        return deserialize_result(raw) if raw else None

    def held(self, run: dict) -> list[bytes]:
        """The progress messages at which this run's evaluation is being held."""
        client = redis.Redis.from_url(REDIS_URL)
        try:
            return client.lrange(hold.keys(self.prefix, run["external_id"])[0], 0, -1)
        finally:
            client.close()

    def send(self, event: str, payload: dict, **kwargs: Any) -> httpx.Response:
        return send_webhook(self.url, event, payload, kwargs.pop("secret", SECRET), **kwargs)

    def report(self, run: dict) -> dict:
        return httpx.get(f"{self.url}/runs/{run['external_id']}.json", timeout=5).json()

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*{self.prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()

    def dump_logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.logs.iterdir())


@pytest.fixture()
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(APP_ID, KEYS[1], tmp_path / "gh") as gh:
        gh.add_installation(INSTALLATION)
        yield gh


@pytest.fixture()
def deployment(fake: FakeGitHub, tmp_path: Path) -> Iterator[Deployment]:
    d = Deployment(fake, tmp_path)
    try:
        yield d
    finally:
        print(d.dump_logs())  # shown by pytest when the test failed
        d.close()
        client = redis.Redis.from_url(REDIS_URL)
        assert list(client.scan_iter(match=f"*{d.prefix}*")) == []
        client.close()


def pr_event(fake: FakeGitHub, action: str, sha: str, pr: int = 1) -> dict:
    name = {"opened": "opened.payload.json", "synchronize": "synchronize.payload.json"}[action]
    return retarget(
        example_payload("pull_request", name),
        fake=fake,
        repo=REPO,
        installation_id=INSTALLATION,
        head_sha=sha,
        pr_number=pr,
    )


def completed(fake: FakeGitHub, sha: str, count: int = 1) -> list[dict]:
    runs = [r for r in fake.runs_for(sha) if r.get("status") == "completed"]
    return runs if len(runs) >= count else []


def defective_app(tmp: Path) -> Path:
    """The Flask app with a seeded 500 on tag filters (22 failed assertions) and a route reaching a repository."""
    app = Variant.load(ROOT / "tests" / "corpus" / "flask_tag_filter_500.yml").materialize(tmp / "defective")
    (app / ".github").mkdir()
    (app / ".github" / "decaycheck.yml").write_text("constraints:\n  level: L3\n")
    route = app / "app" / "routes" / "tags.py"
    route.write_text("from app.repositories import articles as _bypass  # noqa: F401\n" + route.read_text())
    return app


def test_pull_request_opened_ends_in_a_completed_check_run_with_the_report(
    fake: FakeGitHub, deployment: Deployment, tmp_path: Path
) -> None:
    sha = fake.commit(REPO, defective_app(tmp_path))
    deployment.worker()
    assert deployment.send("pull_request", pr_event(fake, "opened", sha)).status_code == 202
    run = wait_until(lambda: completed(fake, sha), EVAL_TIMEOUT, 1, "check run")[0]
    report = deployment.report(run)["report"]
    assert report["head_sha"] == sha
    assert (report["assertions_passed"], report["assertions_total"]) == (268, 290)
    assert run["history"][:2] == ["queued", "in_progress"]
    assert run["name"] == "decaycheck"
    assert run["output"]["title"].startswith("A% 92.4 (268/290) · pass@1 fail")
    assert run["conclusion"] == "failure"
    assert "/api/articles" in run["output"]["summary"]
    # the headline root cause comes first: the seeded query on the line it changed
    first = run["annotations"][0]
    assert (first["path"], first["start_line"], first["annotation_level"]) == (
        "app/repositories/articles.py",
        26,
        "failure",
    )
    assert report["diagnosis"]["subcategory"] == "incorrect_query_logic"
    bypass = [a for a in run["annotations"] if "route-bypasses-service" in a["title"]]
    assert [(a["path"], a["start_line"], a["annotation_level"]) for a in bypass] == [
        ("app/routes/tags.py", 1, "failure")
    ]
    assert [(a["path"], a["start_line"], a["annotation_level"]) for a in run["annotations"]] == [
        (a["path"], a["start_line"], a["level"]) for a in report["annotations"]
    ]
    assert run["details_url"] == f"{deployment.url}/runs/{run['external_id']}"
    assert fake.rejections == []
    # the token reached git as a header only, never the report
    assert not any(t in str(report) for t in fake.tokens)


def test_the_reference_app_passes_the_gate(fake: FakeGitHub, deployment: Deployment) -> None:
    sha = fake.commit(REPO, FLASK_APP)
    deployment.worker()
    deployment.send("pull_request", pr_event(fake, "opened", sha))
    run = wait_until(lambda: completed(fake, sha), EVAL_TIMEOUT, 1, "check run")[0]
    assert run["conclusion"] == "success"
    assert run["output"]["title"].startswith("A% 100.0 (290/290) · pass@1 pass · gate passed")
    assert [a for a in run["annotations"] if a["annotation_level"] == "failure"] == []


def test_a_repository_of_another_domain_is_gated_on_its_own_suites(
    fake: FakeGitHub, deployment: Deployment, tmp_path: Path
) -> None:
    """The inventory example with a seeded defect: its suite file, Postman collection and conformance, via the App."""
    _, edits, expected, (_, path, line) = DEFECTS["fastapi-stock-and-filter"]
    sha = fake.commit(REPO, checkout(tmp_path, edits))
    deployment.worker()
    deployment.send("pull_request", pr_event(fake, "opened", sha))
    run = wait_until(lambda: completed(fake, sha), EVAL_TIMEOUT, 1, "check run")[0]
    report = deployment.report(run)["report"]
    failed = {s["suite"]: sorted(f["id"] for r in s["requests"] for f in r["failures"]) for s in report["suites"]}
    assert failed == {suite: sorted(ids) for suite, ids in expected.items()}
    assert run["conclusion"] == "failure"
    assert run["output"]["title"].startswith("A% 78.6 (22/28) · pass@1 fail · gate failed")
    summary = run["output"]["summary"]
    assert "Suite **postman:api/inventory.postman_collection.json**: A% 73.68 (14/19), pass@1 no" in summary
    assert "Suite **openapi:api/openapi.yml**: conformance 24/24 checks passed (not part of A%)" in summary
    assert "**total over 2 suites: A% 76.60 (36/47), pass@1 no**" in summary
    first = run["annotations"][0]
    assert (first["path"], first["start_line"], first["annotation_level"]) == (path, line, "failure")
    details = run["output"]["text"]
    assert "### Failed requests (postman:api/inventory.postman_collection.json)" in details
    assert "  - quantity is still 2 — `expected -1 to deeply equal 2`" in details


def test_a_broken_config_fails_with_its_line_and_a_rerun_evaluates_again(
    fake: FakeGitHub, deployment: Deployment
) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n", ".github/decaycheck.yml": "suites: [compat]\ngate:\n  nope: 1\n"})
    deployment.worker()
    deployment.send("pull_request", pr_event(fake, "opened", sha))
    first = wait_until(lambda: completed(fake, sha), 120, 0.5, "first run")[0]
    assert first["conclusion"] == "failure"
    assert "decaycheck.yml:3" in first["output"]["summary"]
    rerun = retarget(
        example_payload("check_run", "requested_action.payload.json"),
        fake=fake,
        repo=REPO,
        installation_id=INSTALLATION,
        head_sha=sha,
    )
    assert deployment.send("check_run", rerun).status_code == 202
    runs = wait_until(lambda: completed(fake, sha, 2), 120, 0.5, "re-run")
    assert len(runs) == 2 and runs[1]["id"] != first["id"]


def test_a_newer_push_cancels_the_older_run(fake: FakeGitHub, deployment: Deployment) -> None:
    old = fake.commit(REPO, FLASK_APP, message="first")
    new = fake.commit(REPO, {"README.md": "rewritten\n"}, message="second")
    deployment.worker()
    deployment.send("pull_request", pr_event(fake, "opened", old))
    wait_until(
        lambda: any(r.get("status") in ("in_progress", "completed") for r in fake.runs_for(old)),
        120,
        0.2,
        "old run starts",
    )
    deployment.send("pull_request", pr_event(fake, "synchronize", new))
    cancelled = wait_until(lambda: completed(fake, old), 120, 0.5, "old run cancelled")[0]
    assert cancelled["conclusion"] == "cancelled"
    assert "Superseded" in cancelled["output"]["title"]
    fresh = wait_until(lambda: completed(fake, new), 300, 0.5, "new run")[0]
    assert fresh["conclusion"] == "neutral"
    # the old run's job has ended, having stopped without completing its check run a second time
    old_job = evaluate_job_id(deployment.prefix, cancelled["external_id"])
    assert wait_until(lambda: deployment.result(old_job), EVAL_TIMEOUT, 0.5, "old job ends").result == "cancelled"
    assert [r["conclusion"] for r in fake.runs_for(old)] == ["cancelled"]
    assert cancelled["history"] == ["queued", "in_progress", "completed"]


def test_a_fork_pr_is_evaluated_by_head_sha(fake: FakeGitHub, deployment: Deployment) -> None:
    sha = fake.commit(REPO, {"README.md": "from a fork\n"}, ref="refs/pull/2/head")
    payload = retarget(
        example_payload("check_suite", "requested.payload.json"),
        fake=fake,
        repo=REPO,
        installation_id=INSTALLATION,
        head_sha=sha,
    )
    assert payload["check_suite"]["pull_requests"] == []
    deployment.worker()
    assert deployment.send("check_suite", payload).status_code == 202
    run = wait_until(lambda: completed(fake, sha), 300, 0.5, "fork run")[0]
    assert run["head_sha"] == sha and run["conclusion"] == "neutral"
    assert deployment.report(run)["run"]["pr_number"] is None


def test_forged_and_redelivered_deliveries(fake: FakeGitHub, deployment: Deployment) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    deployment.worker()
    payload = pr_event(fake, "opened", sha)
    assert deployment.send("pull_request", payload, secret="forged").status_code == 401
    assert deployment.send("pull_request", payload, delivery="dup-1").status_code == 202
    assert deployment.send("pull_request", payload, delivery="dup-1").json()["outcome"] == "duplicate"
    again = dict(payload, action="reopened")  # another delivery for the same commit and config
    assert deployment.send("pull_request", again, delivery="again-1").status_code == 202
    dispatched = [
        wait_until(lambda d=d: deployment.result(f"{deployment.prefix}:dispatch:{d}"), 120, 0.2, f"dispatch of {d}")
        for d in ("dup-1", "again-1")
    ]
    assert all(r.success for r in dispatched)
    run_ids = [r.result for r in dispatched]
    assert sorted(len(ids) for ids in run_ids) == [0, 1]  # one of the two found the commit already queued
    [run_id] = [i for ids in run_ids for i in ids]
    [run] = wait_until(lambda: completed(fake, sha), 300, 0.5, "run")
    assert run["external_id"] == run_id
    evaluated = wait_until(lambda: deployment.result(evaluate_job_id(deployment.prefix, run_id)), 120, 0.2, "job")
    assert evaluated.result == "neutral"
    assert len(fake.runs_for(sha)) == 1


def test_a_job_whose_worker_was_killed_is_picked_up_again(fake: FakeGitHub, deployment: Deployment) -> None:
    sha = fake.commit(REPO, FLASK_APP)
    first = deployment.worker(hold_at="verifying")  # the suite has run; the evaluation is not finished
    deployment.send("pull_request", pr_event(fake, "opened", sha))
    wait_until(lambda: fake.runs_for(sha) and deployment.held(fake.runs_for(sha)[0]), EVAL_TIMEOUT, 0.2, "held")
    [held] = fake.runs_for(sha)
    assert held["status"] == "in_progress" and held["history"].count("in_progress") == 1
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    deployment.worker()
    run = wait_until(lambda: completed(fake, sha), EVAL_TIMEOUT, 1, "completion after the kill")[0]
    assert run["history"].count("in_progress") == 2
    assert run["conclusion"] == "success"
    assert deployment.report(run)["run"]["attempts"] == 2
    assert len(fake.runs_for(sha)) == 1


def test_serve_alone_is_a_working_app_and_leaves_no_run_open_when_stopped(fake: FakeGitHub, tmp_path: Path) -> None:
    d = Deployment(fake, tmp_path, redis_url=None)  # `decaycheck serve` with its in-process queue
    try:
        empty = fake.commit(REPO, {"README.md": "nothing here\n"})
        assert d.send("pull_request", pr_event(fake, "opened", empty, pr=5)).status_code == 202
        run = wait_until(lambda: completed(fake, empty), 120, 0.5, "in-process run")[0]
        assert run["conclusion"] == "neutral"
        assert httpx.get(run["details_url"]).status_code == 200
        app = fake.commit(REPO, FLASK_APP)
        d.send("pull_request", pr_event(fake, "opened", app, pr=6))
        wait_until(lambda: any(r.get("status") == "in_progress" for r in fake.runs_for(app)), 120, 0.2, "started")
        d.web.send_signal(signal.SIGTERM)
        d.web.wait(60)
        [stopped] = fake.runs_for(app)
        assert stopped["status"] == "completed" and stopped["conclusion"] == "cancelled"
    finally:
        print(d.dump_logs())
        d.close()
