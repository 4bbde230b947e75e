"""The Flask reference app is the yardstick: it must pass both suites completely, on both databases."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conduit_suite import run_suite
from tests.support.servers import AppStartError, postgres_database, running_app
from tests.support.variants import APPS

pytestmark = pytest.mark.slow

APP = APPS / "flask"
COMPAT_TOTAL = 290


@pytest.fixture(params=["sqlite", "postgresql"])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh server on a fresh database of each kind, one per test."""
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        yield stack.enter_context(running_app(APP, database_url=database_url))


def test_compat_scores_290_of_290(base_url: str) -> None:
    result = run_suite("compat", base_url)
    assert result.failed_ids() == []
    assert (result.assertions_passed, result.assertions_total) == (COMPAT_TOTAL, COMPAT_TOTAL)
    # The benchmark separates server time from client overhead with Server-Timing.
    assert all(r.server_ms is not None and r.server_ms >= 0 for r in result.requests)


def test_strict_passes_every_assertion(base_url: str) -> None:
    result = run_suite("strict", base_url)
    assert result.failed_ids() == []
    assert result.assertions_total > COMPAT_TOTAL // 2
    assert result.pass_at_1


def test_server_is_gone_once_the_block_ends() -> None:
    with running_app(APP) as base_url:
        assert httpx.get(f"{base_url}/api/health-check").status_code == 200
    port = urlsplit(base_url).port
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_an_app_that_exits_fails_fast_with_its_log(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/sh\necho cannot start >&2\nexit 3\n")
    with pytest.raises(AppStartError, match=r"exited with 3(.|\n)*cannot start"):
        with running_app(tmp_path, start_timeout_s=30):
            pass
