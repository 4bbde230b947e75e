"""The web service with its in-process queue (`decaycheck serve` alone) against the fake GitHub.

Deliveries are GitHub's own example payloads, retargeted at a repository on
the fake server and signed with the App's secret.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot.queue import InProcessQueue
from bot.settings import Settings
from bot.signature import sign
from bot.web.app import create_app
from tests.support.fake_github import (
    FakeGitHub,
    example_payload,
    generate_private_key,
    retarget,
    send_webhook,
    wait_until,
)

APP_ID = "5151"
INSTALLATION = 31
REPO = "acme/hello"
SECRET = "s3cret-webhook"
KEYS = generate_private_key()


class Service:
    def __init__(self, settings: Settings) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.app = create_app(settings)
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started, 10, 0.02, "service start")

    @property
    def queue(self) -> InProcessQueue:
        queue = self.app.state.ctx.queue
        assert isinstance(queue, InProcessQueue)
        return queue

    def settle(self) -> None:
        """Wait until every job queued so far, and every job those queued, has ended."""
        wait_until(lambda: self.queue.idle, 120, 0.05, "the queue to empty")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)


@pytest.fixture()
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(APP_ID, KEYS[1], tmp_path / "gh") as gh:
        gh.add_installation(INSTALLATION)
        yield gh


@pytest.fixture()
def service(fake: FakeGitHub, tmp_path: Path) -> Iterator[Service]:
    settings = Settings(
        app_id=APP_ID,
        private_key=KEYS[0],
        webhook_secret=SECRET,
        github_api_url=fake.url,
        public_url="http://decaycheck.test",
        workdir=tmp_path,
        http_backoff_s=0.05,
    )
    svc = Service(settings)
    yield svc
    svc.stop()


def _empty_repo(fake: FakeGitHub) -> str:
    """A repository with nothing to evaluate: the check completes quickly."""
    return fake.commit(REPO, {"README.md": "no app here\n"})


def _payload(fake: FakeGitHub, event: str, name: str, sha: str, pr: int | None = 9) -> dict:
    return retarget(
        example_payload(event, name), fake=fake, repo=REPO, installation_id=INSTALLATION, head_sha=sha, pr_number=pr
    )


def test_forged_missing_and_unsigned_deliveries_are_refused(fake: FakeGitHub, service: Service) -> None:
    sha = _empty_repo(fake)
    payload = _payload(fake, "pull_request", "opened.payload.json", sha)
    assert send_webhook(service.url, "pull_request", payload, "wrong-secret").status_code == 401
    assert send_webhook(service.url, "pull_request", payload, None).status_code == 401
    assert send_webhook(service.url, "pull_request", payload, None, signature="sha1=abc").status_code == 401
    tampered = dict(payload, action="synchronize")
    good_sig = sign(json.dumps(payload).encode(), SECRET)
    assert send_webhook(service.url, "pull_request", tampered, None, signature=good_sig).status_code == 401
    assert service.queue.job_ids == frozenset()
    assert fake.check_runs == {}


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"action": "opened"}',
        b'{"action": "opened", '
        b'"installation": {"id": 1}, "repository": {"full_name": "a/b", "clone_url": "x"},'
        b' "pull_request": {"number": 1, "head": {"sha": "nope"}}}',
        b"\xff\xfe",
    ],
)
def test_malformed_payloads_get_400_and_the_service_keeps_serving(service: Service, raw: bytes) -> None:
    r = send_webhook(service.url, "pull_request", None, SECRET, raw=raw)
    assert r.status_code == 400
    assert httpx.get(f"{service.url}/healthz").json()["status"] == "ok"


def test_a_delivery_without_event_header_is_malformed(service: Service) -> None:
    body = b"{}"
    r = httpx.post(f"{service.url}/webhook", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)})
    assert r.status_code == 400


PR_ACTIONS = [
    "opened.payload.json",
    "opened.with-null-body.json",
    "opened.with-organization.payload.json",
    "synchronize.payload.json",
    "reopened.payload.json",
    "reopened.with-organization.payload.json",
    "ready_for_review.with-installation.payload.json",
]


@pytest.mark.parametrize("name", PR_ACTIONS)
def test_pull_request_events_open_a_check_run_that_completes(fake: FakeGitHub, service: Service, name: str) -> None:
    sha = _empty_repo(fake)
    payload = _payload(fake, "pull_request", name, sha)
    if "installation" not in payload or not payload["installation"].get("id"):
        payload["installation"] = {"id": INSTALLATION}
    r = send_webhook(service.url, "pull_request", payload, SECRET)
    assert r.status_code == 202, r.text
    run = wait_until(
        lambda: next((x for x in fake.runs_for(sha) if x.get("status") == "completed"), None),
        120,
        message="completed check run",
    )
    assert run["name"] == "decaycheck"
    assert run["history"][:2] == ["queued", "in_progress"]
    assert run["details_url"].startswith("http://decaycheck.test/runs/")
    assert run["conclusion"] == "neutral" and run["output"]["title"] == "Nothing to evaluate"
    assert fake.rejections == []


@pytest.mark.parametrize(
    "event,name",
    [
        ("pull_request", "closed.payload.json"),
        ("pull_request", "converted_to_draft.with-installation.payload.json"),
        ("check_suite", "completed.payload.json"),
        ("check_run", "created.payload.json"),
        ("check_run", "completed.payload.json"),
        ("ping", "payload.json"),
        ("ping", "with-app_id.payload.json"),
    ],
)
def test_events_that_ask_for_nothing_are_acknowledged_and_ignored(
    fake: FakeGitHub, service: Service, event: str, name: str
) -> None:
    sha = _empty_repo(fake)
    r = send_webhook(service.url, event, _payload(fake, event, name, sha), SECRET)
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    assert service.queue.job_ids == frozenset()
    assert fake.check_runs == {}


@pytest.mark.parametrize(
    "event,name",
    [
        ("installation", "created.payload.json"),
        ("installation", "created.with-requester.payload.json"),
        ("installation", "deleted.payload.json"),
        ("installation", "new_permissions_accepted.payload.json"),
        ("installation", "suspend.payload.json"),
        ("installation", "unsuspend.payload.json"),
        ("installation_repositories", "added.payload.json"),
        ("installation_repositories", "removed.payload.json"),
    ],
)
def test_installation_events_are_recorded(service: Service, event: str, name: str) -> None:
    r = send_webhook(service.url, event, example_payload(event, name), SECRET)
    assert r.status_code == 202
    assert r.json()["jobs"] == [f"{event}.{example_payload(event, name)['action']}"]


@pytest.mark.parametrize(
    "name,prs",
    [("requested.payload.json", 0), ("requested.with-organization.payload.json", 0), ("rerequested.payload.json", 1)],
)
def test_check_suite_requests_evaluate_the_head_sha_even_without_pull_requests(
    fake: FakeGitHub, service: Service, name: str, prs: int
) -> None:
    sha = _empty_repo(fake)
    payload = _payload(fake, "check_suite", name, sha)
    assert len(payload["check_suite"]["pull_requests"]) == prs
    assert send_webhook(service.url, "check_suite", payload, SECRET).status_code == 202
    wait_until(
        lambda: any(x.get("status") == "completed" for x in fake.runs_for(sha)), 120, message="completed check run"
    )


@pytest.mark.parametrize("name", ["rerequested.payload.json", "requested_action.payload.json"])
def test_check_run_rerun_requests_start_a_new_run(fake: FakeGitHub, service: Service, name: str) -> None:
    sha = _empty_repo(fake)
    opened = _payload(fake, "pull_request", "opened.payload.json", sha)
    send_webhook(service.url, "pull_request", opened, SECRET)
    wait_until(lambda: any(x.get("status") == "completed" for x in fake.runs_for(sha)), 120, message="first run")
    send_webhook(service.url, "pull_request", opened, SECRET)  # same commit again: deduplicated
    again = _payload(fake, "check_run", name, sha)
    assert send_webhook(service.url, "check_run", again, SECRET).status_code == 202
    wait_until(lambda: sum(x.get("status") == "completed" for x in fake.runs_for(sha)) == 2, 120, message="second run")
    service.settle()
    assert len(service.queue.job_ids) == 5  # three dispatches (one deduplicated), two evaluations
    assert len(fake.runs_for(sha)) == 2


def test_a_rerun_action_of_another_app_or_identifier_is_ignored(fake: FakeGitHub, service: Service) -> None:
    sha = _empty_repo(fake)
    other = _payload(fake, "check_run", "requested_action.payload.json", sha)
    other["requested_action"] = {"identifier": "lgtm"}
    assert send_webhook(service.url, "check_run", other, SECRET).json()["outcome"] == "ignored"
    foreign = _payload(fake, "check_run", "rerequested.payload.json", sha)
    foreign["check_run"]["name"] = "someone-else"
    assert send_webhook(service.url, "check_run", foreign, SECRET).json()["outcome"] == "ignored"


def test_a_redelivered_delivery_is_acknowledged_once(fake: FakeGitHub, service: Service) -> None:
    sha = _empty_repo(fake)
    payload = _payload(fake, "pull_request", "opened.payload.json", sha)
    first = send_webhook(service.url, "pull_request", payload, SECRET, delivery="d-1")
    second = send_webhook(service.url, "pull_request", payload, SECRET, delivery="d-1")
    assert first.status_code == 202 and second.json()["outcome"] == "duplicate"
    wait_until(lambda: any(x.get("status") == "completed" for x in fake.runs_for(sha)), 120, message="run")
    service.settle()
    assert service.queue.job_ids == {
        "decaycheck:dispatch:d-1",
        f"decaycheck:evaluate:{fake.runs_for(sha)[0]['external_id']}",
    }
    assert len(fake.runs_for(sha)) == 1


def test_the_webhook_answers_before_the_check_run_is_opened(fake: FakeGitHub, service: Service) -> None:
    sha = _empty_repo(fake)
    payload = _payload(fake, "pull_request", "opened.payload.json", sha)
    fake.writes_open.clear()  # GitHub accepts no check run until the delivery has been answered
    try:
        r = send_webhook(service.url, "pull_request", payload, SECRET)
        assert r.status_code == 202  # queued, not evaluated, before answering
        assert fake.check_runs == {}
    finally:
        fake.writes_open.set()
    run = wait_until(lambda: next(iter(fake.runs_for(sha)), None), 120, message="check run")
    wait_until(lambda: run.get("status") == "completed", 120, message="completion")


def test_health_metrics_and_run_pages(fake: FakeGitHub, service: Service) -> None:
    sha = _empty_repo(fake)
    send_webhook(service.url, "pull_request", _payload(fake, "pull_request", "opened.payload.json", sha), SECRET)
    run = wait_until(
        lambda: next((x for x in fake.runs_for(sha) if x.get("status") == "completed"), None), 120, message="run"
    )
    run_id = run["external_id"]
    page = httpx.get(f"{service.url}/runs/{run_id}")
    assert page.status_code == 200 and sha in page.text and "text/html" in page.headers["content-type"]
    data = httpx.get(f"{service.url}/runs/{run_id}.json").json()
    assert data["run"]["head_sha"] == sha and data["run"]["state"] == "completed"
    assert httpx.get(f"{service.url}/runs/nope").status_code == 404
    assert httpx.get(f"{service.url}/healthz").json() == {"status": "ok", "queue": "in-process"}
    metrics = httpx.get(f"{service.url}/metrics").text
    assert 'decaycheck_webhooks_total{event="pull_request",outcome="queued"}' in metrics
