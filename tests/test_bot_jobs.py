"""Job mechanics on real Redis against the fake GitHub: deduplication, supersession, the reaper."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot import jobs
from bot.context import AppContext
from bot.events import EvaluationRequest
from bot.queue import ArqQueue
from bot.settings import Settings
from tests.support.fake_github import FakeGitHub, generate_private_key
from tests.support.services import REDIS_URL

APP_ID = "7171"
INSTALLATION = 51
REPO = "acme/jobs"
KEYS = generate_private_key()


@pytest.fixture()
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(APP_ID, KEYS[1], tmp_path / "gh") as gh:
        gh.add_installation(INSTALLATION)
        yield gh


@pytest.fixture()
async def ctx(fake: FakeGitHub) -> AsyncIterator[AppContext]:
    """An App context on Redis with no worker running: queued jobs stay queued."""
    prefix = f"dc-test-{secrets.token_hex(6)}"
    settings = Settings(
        app_id=APP_ID,
        private_key=KEYS[0],
        github_api_url=fake.url,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
        stale_after_s=3600,
        public_url="http://decaycheck.test",
    )
    app = AppContext.build(settings)
    app.queue = await ArqQueue.connect(settings)
    try:
        yield app
    finally:
        await app.queue.aclose()  # type: ignore[union-attr]
        await app.aclose()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def request(sha: str, delivery: str, pr: int | None = 3, rerun: bool = False) -> dict[str, Any]:
    return EvaluationRequest(
        delivery_id=delivery,
        event="pull_request",
        installation_id=INSTALLATION,
        repo=REPO,
        clone_url="unused",
        head_sha=sha,
        pr_number=pr,
        rerun=rerun,
    ).model_dump()


async def test_one_run_per_commit_and_config_unless_rerun(fake: FakeGitHub, ctx: AppContext) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    first = await jobs.dispatch(ctx, request(sha, "d1"))
    assert len(first) == 1
    assert await jobs.dispatch(ctx, request(sha, "d2")) == []
    assert len(fake.runs_for(sha)) == 1
    assert len(await jobs.dispatch(ctx, request(sha, "d3", rerun=True))) == 1
    assert len(fake.runs_for(sha)) == 2
    config_reads = [r for r in fake.requests if "/contents/.github/decaycheck.yml" in r.path]
    assert len(config_reads) == 3  # the config's blob is part of the key


async def test_a_newer_head_cancels_the_queued_run_of_the_same_pr(fake: FakeGitHub, ctx: AppContext) -> None:
    old = fake.commit(REPO, {"README.md": "1\n"})
    new = fake.commit(REPO, {"README.md": "2\n"})
    (old_run,) = await jobs.dispatch(ctx, request(old, "a"))
    await jobs.dispatch(ctx, request(new, "b"))
    [cancelled] = fake.runs_for(old)
    assert cancelled["status"] == "completed" and cancelled["conclusion"] == "cancelled"
    assert fake.runs_for(new)[0]["status"] == "queued"
    assert await jobs.evaluate(ctx, old_run) == "cancelled"  # the worker that gets it later does nothing
    assert fake.runs_for(old)[0]["history"] == ["queued", "completed"]


async def test_the_reaper_completes_runs_no_worker_finished(fake: FakeGitHub, ctx: AppContext) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    (run_id,) = await jobs.dispatch(ctx, request(sha, "r1", pr=None))
    ctx.settings.stale_after_s = 60
    assert await jobs.reap(ctx) == []  # not stale yet
    run = await ctx.store.get_run(run_id)
    assert run is not None
    run["created_at"] -= 61  # opened longer ago than stale_after_s
    await ctx.store.put_run(run_id, run)
    assert await jobs.reap(ctx) == [run_id]
    [run] = fake.runs_for(sha)
    assert run["status"] == "completed" and run["conclusion"] == "timed_out"
    assert await ctx.store.active_runs() == []
    assert await jobs.reap(ctx) == []


async def test_runs_whose_heartbeat_stopped_are_reported_lost(fake: FakeGitHub, ctx: AppContext) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    (run_id,) = await jobs.dispatch(ctx, request(sha, "h1", pr=None))
    ctx.settings.heartbeat_ttl_s = 1
    run = await ctx.store.get_run(run_id)
    assert run is not None
    run.update(state="in_progress", updated_at=time.time() - 5)
    await ctx.store.put_run(run_id, run)
    assert [r["run_id"] for r in await jobs.lost_runs(ctx)] == [run_id]
    await ctx.store.touch(jobs.heartbeat_key(run_id), 10)
    assert await jobs.lost_runs(ctx) == []
