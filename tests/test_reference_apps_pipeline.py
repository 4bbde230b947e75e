"""Every reference app scores 290/290 compat through the real pipeline, with no config file.

This is the contract the study's tasks produce (run.sh, port 8080 or 3000,
health check, PostgreSQL at host `postgres`), so a repo built that way works
untouched. Flask is covered through the CLI in test_pipeline.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.pipeline import evaluate

APPS = Path(__file__).parent / "apps"
FRAMEWORKS = ["fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa"]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_reference_app_scores_290_in_the_local_pod(name: str) -> None:
    app = APPS / name
    assert not (app / ".github" / "decaycheck.yml").exists(), "reference apps run on the defaults"
    report = evaluate(app)
    assert report.error is None and report.config_error is None, report.error or report.config_error
    assert report.startup == "ok", report.server_log_tail[-2000:]
    assert (report.assertions_passed, report.assertions_total) == (290, 290), [
        f.id for r in report.requests for f in r.failures
    ][:10]
    assert report.pass_at_1 and report.gate_passed
    assert report.diagnosis is not None and report.diagnosis.category == "none"
    assert report.timings["total"] > 0
