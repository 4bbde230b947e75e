"""The details page `/runs/{id}`, served by the App and looked at in real headless Chromium.

One test reads a failing run's page as a reviewer would (screenshot, DOM:
headline, gate, suites, failing requests with expected/actual, findings
linked to the file at the commit, root causes, timings, log tail); another
fills every string a pull request controls with hostile markup and checks
that nothing executes, nothing loads, and the text shows as text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from checks.diagnosis.model import Diagnosis, Evidence, RootCause
from checks.render.html import content_security_policy
from checks.report import Report
from conduit_suite.result import AssertionFailure, RequestResult
from tests.support.browser import browser_page
from tests.test_bot_webhook import Service
from tests.test_report_files import failing_report
from verifiers.findings import Finding

SHA = "0123456789abcdef0123456789abcdef01234567"
WEB = "https://github.example"
XSS = [
    "<script>alert('script')</script>",
    '"><img src=x onerror="alert(\'img\')">',
    "<svg onload=alert('svg')>",
    "</pre></style><iframe src=javascript:alert('frame')></iframe>",
    "javascript:alert('href')",
    "{{7*7}}{% raw %}",
    "<a href='javascript:alert(1)'>click</a>",
    "\u202e\x1b[31mred",
]
HOSTILE = " ".join(XSS)


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[Service]:
    settings = Settings(
        app_id="1",
        webhook_secret="s",
        github_api_url="http://127.0.0.1:9",
        github_web_url=WEB,
        public_url="http://decaycheck.test",
        workdir=tmp_path,
    )
    svc = Service(settings)
    yield svc
    svc.stop()


def publish(service: Service, run_id: str, run: dict[str, Any], report: Report | None) -> str:
    store = service.server.config.app.state.ctx.store
    asyncio.run(store.put_run(run_id, {"run_id": run_id, **run}))
    if report is not None:
        asyncio.run(store.put_report(run_id, report.model_dump(mode="json")))
    return f"{service.url}/runs/{run_id}"


def _run(repo: str = "acme/conduit", **extra: Any) -> dict[str, Any]:
    return {"repo": repo, "head_sha": SHA, "pr_number": 7, "state": "completed", "conclusion": "failure", **extra}


def test_a_failing_runs_page_reads_top_down_in_chromium(service: Service, tmp_path: Path) -> None:
    report = failing_report()
    report.timings = {"install": 1.5, "suite": 2.25, "total": 4.0}
    url = publish(service, "r1", _run(), report)
    response = httpx.get(url)
    assert response.headers["content-security-policy"] == content_security_policy()
    assert "script-src 'none'" in content_security_policy() and "default-src 'none'" in content_security_policy()
    shot = tmp_path / "details.png"
    with browser_page() as page:
        page.goto(url)
        page.screenshot(path=str(shot), full_page=True)
        assert page.inner_text("#headline").startswith("A% 16.67 (1/6)")
        assert page.inner_text("#gate").startswith("Gate failed: pass@1 required")
        assert page.inner_text("#sha") == SHA and "pull request #7" in page.inner_text("p.meta")
        rows = page.locator("#suites tr").all_inner_texts()
        assert [r.split("\t")[0] for r in rows[1:]] == ["compat", "strict"]
        failures = page.locator(".failure").all_inner_texts()
        assert any("01 register" in f and "POST /api/users" in f and "expected\ntrue" in f.lower() for f in failures)
        assert any("blocked by create article A1 (slugA1 never set)" in f for f in failures)
        link = page.locator("#findings a").first
        assert link.inner_text() == "app/repositories/stats.py:6"
        assert link.get_attribute("href") == f"{WEB}/acme/conduit/blob/{SHA}/services/api/app/repositories/stats.py#L6"
        causes = page.inner_text("#causes")
        assert "logic_error / database_runtime_error: IntegrityError on insert into users" in causes
        assert page.locator("#causes a").first.get_attribute("href", timeout=1000).endswith("app/services/users.py#L14")
        assert "2.25 s" in page.inner_text("#timings") and page.inner_text("#log").startswith("Traceback")
        # the stylesheet applied (its hash is in the policy): nothing was refused
        assert page.evaluate("getComputedStyle(document.querySelector('.headline')).borderTopStyle") == "solid"
        assert page.console == [] and page.dialogs == []
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    if os.environ.get("DECAYCHECK_SCREENSHOTS"):  # keep it for a person to look at
        shutil.copy(shot, Path(os.environ["DECAYCHECK_SCREENSHOTS"]) / "details-page.png")


def hostile_report() -> Report:
    failure = AssertionFailure(
        assertion=HOSTILE, operation="X", expected=HOSTILE, actual={"body": HOSTILE}, cites=HOSTILE
    )
    request = RequestResult(
        name=HOSTILE,
        operation="X",
        method="GET",
        path=f"/api/{HOSTILE}",
        status=500,
        error=HOSTILE,
        passed=0,
        total=2,
        failures=[failure, dataclasses.replace(failure, blocked_by=HOSTILE, unset=[HOSTILE])],
        response_excerpt=HOSTILE,
    )
    report = failing_report()
    report.suites[0].requests = [request]
    report.suites[0].suite = HOSTILE
    report.app_path = "../../" + XSS[4]
    report.findings = [
        Finding(constraint="orm", rule=HOSTILE, path=XSS[4], line=3, message=HOSTILE),
        Finding(constraint="orm", rule="r", path="//evil.example/x", line=1, message="protocol-relative"),
    ]
    report.diagnosis = Diagnosis.from_causes(
        [RootCause(category="other", summary=HOSTILE, evidence=[Evidence(kind="log", message=HOSTILE, path=HOSTILE)])]
    )
    report.constraints = {HOSTILE: HOSTILE}
    report.gate = {"reason": HOSTILE, "mode": HOSTILE}
    report.startup_detail = report.server_log_tail = report.error = report.config_error = HOSTILE
    report.timings = {HOSTILE: 1.0}
    return report


def test_hostile_strings_everywhere_execute_nothing_and_show_as_text(service: Service, tmp_path: Path) -> None:
    url = publish(service, "r2", _run(repo=HOSTILE, note=HOSTILE, check_name=HOSTILE), hostile_report())
    with browser_page() as page:
        page.goto(url)
        page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        dom = page.evaluate(
            """() => ({
                scripts: document.scripts.length,
                active: document.querySelectorAll('img, svg, iframe, object, embed, form, base, meta[http-equiv]').length,
                handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
                    .filter(a => a.name.startsWith('on')).length,
                hrefs: [...document.querySelectorAll('a')].map(a => a.href),
            })"""
        )
        assert dom["scripts"] == 0 and dom["active"] == 0 and dom["handlers"] == 0
        assert all(h.startswith((f"{WEB}/", "http://127.0.0.1")) for h in dom["hrefs"]), dom["hrefs"]
        text = page.inner_text("body")
        for fragment in XSS[:4]:
            assert fragment in text  # shown, not interpreted
        assert "{{7*7}}" in text and "49" not in text
        assert "\u202e" not in page.content()  # no bidi override reorders what the reviewer reads
        assert page.dialogs == [] and page.console == []


def test_a_run_without_report_yet_shows_its_state(service: Service) -> None:
    url = publish(service, "r3", _run(state="queued", conclusion=None, note="Waiting for a worker"), None)
    page = httpx.get(url)
    assert page.status_code == 200 and "Waiting for a worker" in page.text and "queued" in page.text
    assert httpx.get(f"{service.url}/runs/absent").status_code == 404
