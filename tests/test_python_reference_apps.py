"""The FastAPI, Django and aiohttp reference apps: complete Conduit APIs at the study's L3.

Each must pass both suites completely on SQLite and on PostgreSQL, report its
own handling time, and satisfy its declared constraints (framework, Clean
Architecture, PostgreSQL, SQLAlchemy) with no structural finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from conduit_suite import run_suite
from tests.support.servers import postgres_database, running_app
from tests.support.variants import APPS
from verifiers import Constraints, verify

FRAMEWORKS = ["fastapi", "django", "aiohttp"]
DATABASES = ["sqlite", "postgresql"]
COMPAT_TOTAL = 290


@pytest.fixture(params=[(app, db) for app in FRAMEWORKS for db in DATABASES], ids=lambda param: "-".join(param))
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh server of one app on a fresh database of one kind, per test."""
    app, database = request.param
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_database()) if database == "postgresql" else None
        yield stack.enter_context(running_app(APPS / app, database_url=database_url))


def test_compat_scores_290_of_290(base_url: str) -> None:
    result = run_suite("compat", base_url)
    assert result.failed_ids() == []
    assert (result.assertions_passed, result.assertions_total) == (COMPAT_TOTAL, COMPAT_TOTAL)
    assert result.pass_at_1
    # Server-Timing lets the benchmark separate server time from client overhead.
    assert all(r.server_ms is not None and r.server_ms >= 0 for r in result.requests)


def test_strict_passes_every_assertion(base_url: str) -> None:
    result = run_suite("strict", base_url)
    assert result.failed_ids() == []
    assert result.assertions_total > COMPAT_TOTAL // 2
    assert result.pass_at_1


def test_framework_traps_are_defused(base_url: str) -> None:
    """Trailing slashes, empty POST bodies, bad JSON and unknown routes: JSON answers, never redirects."""
    api = f"{base_url}/api"
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        user = {"user": {"username": "trap", "email": "trap@example.com", "password": "pw-trap"}}
        registered = client.post(f"{api}/users/", json=user)
        assert registered.status_code == 201, registered.text
        auth = {"Authorization": f"Token {registered.json()['user']['token']}"}

        assert client.get(f"{api}/tags/").status_code == 200
        broken = client.post(f"{api}/users", content=b"{not json", headers={"Content-Type": "application/json"})
        assert broken.status_code == 422 and broken.json()["errors"]["body"]
        empty = client.post(f"{api}/users/login", headers={"Content-Type": "application/json"})
        assert empty.status_code == 422 and empty.json()["errors"]["body"]

        client.post(f"{api}/users", json={"user": {**user["user"], "username": "celeb", "email": "c@example.com"}})
        follow = client.post(f"{api}/profiles/celeb/follow", headers={**auth, "Content-Type": "application/json"})
        assert follow.status_code == 200 and follow.json()["profile"]["following"] is True

        unknown = client.get(f"{api}/no-such-route", headers={"Host": "postgres:8080"})
        assert unknown.status_code == 404 and unknown.json()["errors"]["body"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_l3_constraints_hold(framework: str) -> None:
    constraints = Constraints.from_level("L3", framework=framework)  # type: ignore[arg-type]
    assert verify(APPS / framework, constraints) == []
