"""The four Node.js reference apps (Express, Fastify, Hono, Koa) pass both suites completely.

Each app is installed with `npm ci` from its committed lockfile, started with
its own `run.sh` on a free loopback port against a fresh PostgreSQL database,
and must score 290/290 compat and every strict assertion. The apps depend on
PostgreSQL drivers only; Express on SQLite is the `express_sqlite` variant of
the corpus (sqlite3 added and compiled at install), run here on a fresh file. Their framework traps, which the diagnosis corpus seeds back in
as defects, are pinned here one request each; the layering and the package
contract are checked from the files.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from conduit_suite import run_suite
from tests.support.node_servers import running_node_app
from tests.support.servers import postgres_database
from tests.support.variants import APPS, CORPUS, Variant

NODE_APPS = ("express", "fastify", "hono", "koa")
# App -> the corpus variant that runs it on SQLite.
SQLITE_VARIANTS = {"express": "express_sqlite"}
OTHER_ENGINE_DRIVERS = ("sqlite3", "better-sqlite3", "mysql", "mysql2", "mariadb", "tedious", "oracledb")
COMPAT_TOTAL = 290
FRAMEWORK_PACKAGES = ("express", "fastify", "hono", "@hono/", "koa", "@koa/", "koa-bodyparser")
# Which src/ layers each layer may require: dependencies point only downward.
ALLOWED_LAYERS = {
    "routes": {"routes", "services"},
    "services": {"services"},
    "repositories": {"repositories"},
    "models": {"models"},
}
RAW_SQL = re.compile(r"""sequelize\s*\.\s*query\s*\(|\bliteral\s*\(|\.query\s*\(\s*[`'"]""", re.IGNORECASE)
REQUIRE = re.compile(r"""require\(\s*['"]([^'"]+)['"]\s*\)""")


@pytest.fixture(
    params=[(app, "postgresql") for app in NODE_APPS] + [(app, "sqlite") for app in SQLITE_VARIANTS],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def base_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh server of one app on a fresh database, one per test."""
    app, database = request.param
    with ExitStack() as stack:
        if database == "postgresql":
            folder = APPS / app
            database_url = stack.enter_context(postgres_database())  # postgresql://, as the pipeline gives it
        else:
            variant = Variant.load(CORPUS / f"{SQLITE_VARIANTS[app]}.yml")
            folder = variant.materialize(tmp_path_factory.mktemp(variant.name) / app)
            database_url = None  # running_app's default: a fresh file, sqlite:////tmp/.../conduit.db
        yield stack.enter_context(running_node_app(folder, database_url=database_url))


def test_compat_scores_290_of_290(base_url: str) -> None:
    result = run_suite("compat", base_url)
    assert result.failed_ids() == []
    assert (result.assertions_passed, result.assertions_total) == (COMPAT_TOTAL, COMPAT_TOTAL)
    assert all(r.server_ms is not None and r.server_ms >= 0 for r in result.requests), "Server-Timing missing"


def test_strict_passes_every_assertion(base_url: str) -> None:
    result = run_suite("strict", base_url)
    assert result.failed_ids() == []
    assert result.assertions_total > COMPAT_TOTAL // 2
    assert result.pass_at_1


def test_framework_traps_are_handled(base_url: str) -> None:
    """Empty JSON bodies, the `Token` scheme, trailing slashes, /articles/feed before :slug, bad JSON."""
    api = f"{base_url}/api"
    json_headers = {"Content-Type": "application/json"}
    name = f"trap{uuid.uuid4().hex[:10]}"
    with httpx.Client(timeout=10.0) as client:
        user = client.post(
            f"{api}/users", json={"user": {"username": name, "email": f"{name}@example.org", "password": "secret-pass"}}
        ).json()["user"]
        auth = {**json_headers, "Authorization": f"Token {user['token']}"}
        slug = client.post(
            f"{api}/articles",
            headers=auth,
            json={"article": {"title": "Trap article", "description": "d", "body": "b", "tagList": []}},
        ).json()["article"]["slug"]

        favorite = client.post(f"{api}/articles/{slug}/favorite", headers=auth, content=b"")
        assert (favorite.status_code, favorite.json()["article"]["favorited"]) == (200, True)
        follow = client.post(f"{api}/profiles/{name}/follow", headers=auth, content=b"")
        assert (follow.status_code, follow.json()["profile"]["following"]) == (200, True)

        bearer = client.get(f"{api}/user", headers={"Authorization": f"Bearer {user['token']}"})
        assert bearer.status_code == 401 and bearer.json()["errors"]["body"]

        trailing = client.get(f"{api}/user/", headers=auth)
        assert (trailing.status_code, trailing.json()["user"]["username"]) == (200, name)

        feed = client.get(f"{api}/articles/feed", headers=auth)
        assert feed.status_code == 200 and feed.json()["articles"][0]["slug"] == slug

        broken = client.post(f"{api}/users/login", headers=json_headers, content=b"{not json")
        assert 400 <= broken.status_code < 500 and broken.json()["errors"]["body"]


@pytest.mark.parametrize("app", NODE_APPS)
def test_layers_depend_only_downward(app: str) -> None:
    """Routes use services only, services never touch the framework, and no layer reaches up."""
    src = APPS / app / "src"
    violations = []
    for layer, allowed in ALLOWED_LAYERS.items():
        files = sorted((src / layer).rglob("*.js"))
        assert files, f"{app}: src/{layer} is empty"
        for path in files:
            for target in REQUIRE.findall(path.read_text()):
                if target.startswith("."):
                    resolved = (path.parent / target).resolve().relative_to(src.resolve())
                    if resolved.parts[0] not in allowed:
                        violations.append(f"{path.relative_to(src)} requires {target}")
                elif layer != "routes" and target.startswith(FRAMEWORK_PACKAGES):
                    violations.append(f"{path.relative_to(src)} requires the web framework {target}")
                elif layer in ("routes", "services") and target in ("sequelize", "pg", "sqlite3"):
                    violations.append(f"{path.relative_to(src)} requires the data layer {target}")
    assert violations == []


@pytest.mark.parametrize("app", NODE_APPS)
def test_data_access_goes_through_sequelize_models(app: str) -> None:
    """No raw SQL: no `sequelize.query(...)`, no SQL literal passed to a `.query(`, no `literal(...)`."""
    offenders = [str(p) for p in (APPS / app / "src").rglob("*.js") if RAW_SQL.search(p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("app", NODE_APPS)
def test_package_contract(app: str) -> None:
    """Exact versions, PostgreSQL drivers only, a lockfile for `npm ci`, Node >= 18, an executable run.sh, no config.

    No other engine's driver, not even an optional one, and no `.npmrc`: a
    native driver compiled at every install would slow each evaluation.
    """
    folder = APPS / app
    package = json.loads((folder / "package.json").read_text())
    versions = {**package["dependencies"], **package.get("optionalDependencies", {})}
    assert {"sequelize", "pg", "jsonwebtoken"} <= versions.keys()
    assert not versions.keys() & set(OTHER_ENGINE_DRIVERS), versions
    assert not (folder / ".npmrc").exists()
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions.values()), versions
    assert package["engines"]["node"] == ">=18"
    lock = json.loads((folder / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    assert not any(name.endswith("/sqlite3") for name in lock["packages"]), "lockfile still holds sqlite3"
    run_sh = folder / "run.sh"
    assert run_sh.read_text().startswith("#!/bin/sh\n") and os.access(run_sh, os.X_OK)
    assert "node src/server.js" in run_sh.read_text()
    assert not (folder / ".github" / "decaycheck.yml").exists()
