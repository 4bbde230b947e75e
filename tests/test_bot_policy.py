"""Org and monorepo policy end to end through the App: webhook → check runs on the fake GitHub, real evaluations.

- a monorepo (`apps:`): one check run per app, `decaycheck / NAME`; the app the
  PR touches is evaluated, the other completes neutral at once;
- `extends: org`: the org's `.github` repository's defaults apply (here an
  informational gate, so a failing app concludes neutral), and the check's
  text says which file set each key;
- "Re-run strict" (requested_action) evaluates again with the strict suite,
  and re-running one app's check run re-evaluates that app alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from tests.support.fake_github import FakeGitHub, example_payload, retarget, send_webhook, wait_until
from tests.support.variants import APPS, CORPUS, Variant
from tests.test_bot_webhook import APP_ID, INSTALLATION, KEYS, SECRET, Service

pytestmark = pytest.mark.slow

EVAL_TIMEOUT = 600
IGNORE = shutil.ignore_patterns(".venv", "__pycache__", "*.db", "node_modules")


@pytest.fixture()
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(APP_ID, KEYS[1], tmp_path / "gh") as gh:
        gh.add_installation(INSTALLATION)
        yield gh


@pytest.fixture()
def service(fake: FakeGitHub, tmp_path: Path) -> Iterator[Service]:
    (tmp_path / "work").mkdir()
    settings = Settings(
        app_id=APP_ID,
        private_key=KEYS[0],
        webhook_secret=SECRET,
        github_api_url=fake.url,
        public_url="http://decaycheck.test",
        workdir=tmp_path / "work",
        sandbox="local",
        http_backoff_s=0.05,
    )
    svc = Service(settings)
    yield svc
    svc.stop()


def pr_payload(fake: FakeGitHub, repo: str, head: str, base: str, pr: int) -> dict[str, Any]:
    payload = retarget(
        example_payload("pull_request", "opened.payload.json"),
        fake=fake,
        repo=repo,
        installation_id=INSTALLATION,
        head_sha=head,
        pr_number=pr,
    )
    payload["pull_request"]["base"]["sha"] = base
    return payload


def completed(fake: FakeGitHub, sha: str, name: str, count: int = 1) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        runs = [r for r in fake.runs_for(sha) if r.get("name") == name and r.get("status") == "completed"]
        return runs if len(runs) >= count else None

    return wait_until(done, EVAL_TIMEOUT, 0.5, f"{count} completed {name!r} check run(s)")


def test_a_monorepo_gets_one_check_per_app_and_the_untouched_one_is_neutral(
    fake: FakeGitHub, service: Service, tmp_path: Path
) -> None:
    repo = "acme/mono"
    tree = tmp_path / "mono"
    for name in ("api", "web"):
        shutil.copytree(APPS / "flask", tree / "services" / name, ignore=IGNORE)
    (tree / ".github").mkdir()
    (tree / ".github" / "decaycheck.yml").write_text(
        "constraints: {level: L3, framework: flask}\n"
        "apps:\n"
        "  - {name: api, path: services/api}\n"
        "  - {name: web, path: services/web}\n"
    )
    base = fake.commit(repo, tree)
    (tree / "services" / "api" / "NOTES.md").write_text("a change to the api only\n")
    head = fake.commit(repo, tree, ref="refs/pull/5/head")

    r = send_webhook(service.url, "pull_request", pr_payload(fake, repo, head, base, 5), SECRET)
    assert r.status_code == 202, r.text
    (web,) = completed(fake, head, "decaycheck / web")
    assert web["conclusion"] == "neutral" and web["output"]["title"] == "Not touched by this pull request"
    assert "services/web/**" in web["output"]["summary"]
    (api,) = completed(fake, head, "decaycheck / api")
    assert api["conclusion"] == "success", api["output"]
    assert api["output"]["title"].startswith("A% 100.0 (290/290)")
    assert "decaycheck" not in {r["name"] for r in fake.runs_for(head)}  # no check for the repository as a whole
    report = httpx.get(f"{service.url}/runs/{api['external_id']}.json").json()["report"]
    assert report["app"] == "api" and report["app_path"] == "services/api"
    assert fake.rejections == []

    # re-running the web app's check run evaluates that app, and only it
    rerun = retarget(
        example_payload("check_run", "rerequested.payload.json"),
        fake=fake,
        repo=repo,
        installation_id=INSTALLATION,
        head_sha=head,
        pr_number=5,
        check_name="decaycheck / web",
    )
    assert send_webhook(service.url, "check_run", rerun, SECRET).status_code == 202
    runs = completed(fake, head, "decaycheck / web", count=2)
    assert {r["conclusion"] for r in runs} == {"neutral", "success"}
    assert len([r for r in fake.runs_for(head) if r["name"] == "decaycheck / api"]) == 1

    # "Re-run all" (check_suite rerequested) evaluates the app the PR touches again; the other stays neutral
    suite = retarget(
        example_payload("check_suite", "rerequested.payload.json"),
        fake=fake,
        repo=repo,
        installation_id=INSTALLATION,
        head_sha=head,
        pr_number=5,
    )
    suite["check_suite"]["pull_requests"][0]["base"]["sha"] = base
    assert send_webhook(service.url, "check_suite", suite, SECRET).status_code == 202
    assert {r["conclusion"] for r in completed(fake, head, "decaycheck / api", count=2)} == {"success"}
    assert len([r for r in fake.runs_for(head) if r["name"] == "decaycheck / web"]) == 2


def test_extends_org_applies_the_orgs_informational_gate_and_rerun_strict_adds_the_strict_suite(
    fake: FakeGitHub, service: Service, tmp_path: Path
) -> None:
    fake.commit(
        "acme/.github",
        {".github/decaycheck.yml": "constraints: {level: L3, framework: flask}\ngate: {mode: informational}\n"},
    )
    repo = "acme/conduit"
    tree = Variant.load(CORPUS / "flask_comments_missing.yml").materialize(tmp_path / "conduit")
    (tree / ".github").mkdir()
    (tree / ".github" / "decaycheck.yml").write_text("extends: org\nannotations: {max: 0}\n")
    head = fake.commit(repo, tree)

    r = send_webhook(service.url, "pull_request", pr_payload(fake, repo, head, head, 12), SECRET)
    assert r.status_code == 202, r.text
    (run,) = completed(fake, head, "decaycheck")
    output = run["output"]
    assert run["conclusion"] == "neutral", output["title"]  # the assertions fail, the org's gate informs only
    assert "gate failed" in output["title"] and "informational" in output["summary"]
    assert "| `gate.mode` | `informational` | acme/.github:.github/decaycheck.yml |" in output["text"]
    assert "| `extends` | `org` | .github/decaycheck.yml |" in output["text"]
    assert run["annotations"] == []  # annotations: {max: 0}
    assert [a["identifier"] for a in run["actions"]] == ["rerun", "rerun-strict"]

    strict = retarget(
        example_payload("check_run", "requested_action.payload.json"),
        fake=fake,
        repo=repo,
        installation_id=INSTALLATION,
        head_sha=head,
        pr_number=12,
    )
    strict["requested_action"] = {"identifier": "rerun-strict"}
    assert send_webhook(service.url, "check_run", strict, SECRET).status_code == 202
    again = completed(fake, head, "decaycheck", count=2)
    latest = max(again, key=lambda r: r["id"])
    report = httpx.get(f"{service.url}/runs/{latest['external_id']}.json").json()["report"]
    assert [s["suite"] for s in report["suites"]] == ["compat", "strict"]
    assert "Suite **strict**" in latest["output"]["summary"] and latest["conclusion"] == "neutral"
    assert fake.rejections == []


def test_extends_naming_a_repository_without_config_fails_loudly(
    fake: FakeGitHub, service: Service, tmp_path: Path
) -> None:
    repo = "acme/lonely"
    head = fake.commit(repo, {".github/decaycheck.yml": "extends: org\n", "requirements.txt": "flask\n"})
    assert send_webhook(service.url, "pull_request", pr_payload(fake, repo, head, head, 3), SECRET).status_code == 202
    (run,) = completed(fake, head, "decaycheck")
    assert run["conclusion"] == "failure"
    assert run["output"]["title"].startswith("Config error: .github/decaycheck.yml: extends: org: acme/.github has no")
