"""The App's GitHub side against the fake GitHub: JWT, token cache, retries, rate limits, fetch."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from bot.auth import JWT_LIFETIME_S, app_jwt
from bot.fetch import FetchError, fetch_commit
from bot.github import GitHubClient, GitHubError
from bot.settings import Settings
from tests.support.clock import FakeClock
from tests.support.fake_github import FakeGitHub, Fault, generate_private_key

APP_ID = "4242"
INSTALLATION = 77
REPO = "acme/conduit"
KEYS = generate_private_key()


@pytest.fixture()
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(APP_ID, KEYS[1], tmp_path / "gh") as gh:
        gh.add_installation(INSTALLATION)
        yield gh


def settings_for(fake: FakeGitHub, **overrides: object) -> Settings:
    values = dict(app_id=APP_ID, private_key=KEYS[0], github_api_url=fake.url, http_backoff_s=0.05, http_max_wait_s=5.0)
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _run_body(sha: str) -> dict:
    return {"name": "decaycheck", "head_sha": sha, "status": "queued", "output": {"title": "t", "summary": "s"}}


def test_app_jwt_is_rs256_backdated_and_short_lived() -> None:
    before = int(time.time())
    token = app_jwt(APP_ID, KEYS[0])
    after = int(time.time())
    claims = jwt.decode(token, KEYS[1], algorithms=["RS256"])
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert claims["iss"] == APP_ID
    assert before - 60 <= claims["iat"] <= after - 60  # backdated a minute from when it was made
    assert claims["exp"] - claims["iat"] == JWT_LIFETIME_S <= 600


def test_a_jwt_signed_with_another_key_is_refused(fake: FakeGitHub) -> None:
    other_private, _ = generate_private_key()

    async def go() -> None:
        client = GitHubClient(settings_for(fake, private_key=other_private))
        try:
            with pytest.raises(GitHubError) as err:
                await client.installation_token(INSTALLATION)
            assert err.value.status == 401
        finally:
            await client.aclose()

    asyncio.run(go())


def test_installation_tokens_are_cached_and_renewed_before_expiry(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})

    async def go() -> None:
        client = GitHubClient(settings_for(fake, token_refresh_margin_s=60))
        try:
            first = await client.installation_token(INSTALLATION)
            for _ in range(3):
                await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
            assert await client.installation_token(INSTALLATION) == first
            minted = [r for r in fake.requests if r.path.endswith("/access_tokens")]
            assert len(minted) == 1
            assert all(r.headers.get("x-github-api-version") == "2022-11-28" for r in fake.requests)
            fake.token_ttl_s = 30  # shorter than the renewal margin: each use renews
            client.tokens.forget(INSTALLATION)
            short = await client.installation_token(INSTALLATION)
            assert await client.installation_token(INSTALLATION) != short
        finally:
            await client.aclose()

    asyncio.run(go())


def test_a_revoked_token_is_replaced_once(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})

    async def go() -> None:
        client = GitHubClient(settings_for(fake))
        try:
            first = await client.installation_token(INSTALLATION)
            del fake.tokens[first]  # revoked on GitHub's side
            await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
            assert await client.installation_token(INSTALLATION) != first
        finally:
            await client.aclose()

    asyncio.run(go())
    assert [r.status for r in fake.requests if r.path.endswith("/check-runs")] == [401, 201]


def test_server_errors_are_retried_with_backoff(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    fake.inject(Fault("POST", r"/check-runs$", 502, times=2))
    clock = FakeClock()

    async def go() -> None:
        client = GitHubClient(settings_for(fake), clock=clock)
        try:
            created = await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
            assert created["id"] in fake.check_runs
        finally:
            await client.aclose()

    asyncio.run(go())
    statuses = [r.status for r in fake.requests if r.path.endswith("/check-runs")]
    assert statuses == [502, 502, 201]
    assert clock.sleeps == [0.05, 0.1]  # http_backoff_s, doubled


def test_retries_give_up_after_the_configured_attempts(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    fake.inject(Fault("POST", r"/check-runs$", 503, times=10))

    async def go() -> None:
        client = GitHubClient(settings_for(fake, http_retries=2))
        try:
            with pytest.raises(GitHubError) as err:
                await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
            assert err.value.status == 503
        finally:
            await client.aclose()

    asyncio.run(go())
    assert len([r for r in fake.requests if r.path.endswith("/check-runs")]) == 3


@pytest.mark.parametrize(
    "status,headers,waited",
    [
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "RESET"}, 4.0),
        (429, {"retry-after": "7"}, 7.0),
        (403, {"retry-after": "3"}, 3.0),
        (429, {}, 60.0),
    ],
)
def test_rate_limits_wait_for_the_reset_then_retry(fake: FakeGitHub, status: int, headers: dict, waited: float) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    clock = FakeClock()
    headers = {k: (str(int(clock.time()) + 4) if v == "RESET" else v) for k, v in headers.items()}
    fake.inject(Fault("POST", r"/check-runs$", status, headers=headers, body='{"message": "API rate limit exceeded"}'))

    async def go() -> None:
        client = GitHubClient(settings_for(fake, http_max_wait_s=120.0), clock=clock)
        try:
            await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
        finally:
            await client.aclose()

    asyncio.run(go())
    calls = [r for r in fake.requests if r.path.endswith("/check-runs")]
    assert [c.status for c in calls] == [status, 201]
    assert sum(clock.sleeps) == pytest.approx(waited, abs=1.0)  # waited as long as GitHub asked, on the clock


def test_a_plain_403_is_not_retried(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    fake.inject(Fault("POST", r"/check-runs$", 403, body='{"message": "Resource not accessible by integration"}'))

    async def go() -> None:
        client = GitHubClient(settings_for(fake))
        try:
            with pytest.raises(GitHubError):
                await client.create_check_run(INSTALLATION, REPO, _run_body(sha))
        finally:
            await client.aclose()

    asyncio.run(go())
    assert len([r for r in fake.requests if r.path.endswith("/check-runs")]) == 1


class CountingLocks:
    """The client's write locks, counting the callers waiting for each."""

    def __init__(self) -> None:
        self.locks: dict[str, asyncio.Lock] = {}
        self.waiting: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def __call__(self, name: str) -> AsyncIterator[None]:
        lock = self.locks.setdefault(name, asyncio.Lock())
        self.waiting[name] = self.waiting.get(name, 0) + 1
        try:
            await lock.acquire()
        finally:
            self.waiting[name] -= 1
        try:
            yield
        finally:
            lock.release()


def test_writes_to_one_installation_go_one_at_a_time(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    locks = CountingLocks()
    name = f"installation:{INSTALLATION}"

    async def go() -> None:
        client = GitHubClient(settings_for(fake), locks=locks)
        try:
            await client.installation_token(INSTALLATION)
            fake.writes_open.clear()  # the first write is held at GitHub: where are the other four?
            writes = asyncio.gather(*(client.create_check_run(INSTALLATION, REPO, _run_body(sha)) for _ in range(5)))
            while not (len(fake.writes()) == 1 and locks.waiting.get(name) == 4):
                await asyncio.sleep(0.01)
            assert fake.max_parallel_writes[INSTALLATION] == 1
            fake.writes_open.set()
            await writes
        finally:
            fake.writes_open.set()
            await client.aclose()

    asyncio.run(asyncio.wait_for(go(), 60))
    assert len(fake.check_runs) == 5
    assert fake.max_parallel_writes[INSTALLATION] == 1


def test_fetch_checks_out_the_exact_sha_without_keeping_the_token(fake: FakeGitHub, tmp_path: Path) -> None:
    first = fake.commit(REPO, {"app.py": "v = 1\n"})
    fake.commit(REPO, {"app.py": "v = 2\n"})  # the branch moved on; the older SHA is still fetched

    async def token() -> str:
        client = GitHubClient(settings_for(fake))
        try:
            return await client.installation_token(INSTALLATION)
        finally:
            await client.aclose()

    secret = asyncio.run(token())
    out = fetch_commit(fake.git_url(REPO), first, secret, tmp_path / "co")
    assert (out / "app.py").read_text() == "v = 1\n"
    stored = "".join(
        p.read_text(errors="ignore") for p in (out / ".git").rglob("*") if p.is_file() and p.stat().st_size < 1_000_000
    )
    assert secret not in stored
    assert fake.git_url(REPO) not in (out / ".git" / "config").read_text()


def test_fetch_refuses_without_a_valid_token_or_for_an_unknown_sha(fake: FakeGitHub, tmp_path: Path) -> None:
    sha = fake.commit(REPO, {"app.py": "v = 1\n"})
    with pytest.raises(FetchError):
        fetch_commit(fake.git_url(REPO), sha, "ghs_forged", tmp_path / "a")
    fake.tokens["ghs_valid"] = (INSTALLATION, time.time() + 60)
    with pytest.raises(FetchError):
        fetch_commit(fake.git_url(REPO), "0" * 40, "ghs_valid", tmp_path / "b")


class ClockedTransport(httpx.AsyncBaseTransport):
    """The real transport, noting the fake clock's time of every request it sends."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[float, str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((self.clock.monotonic(), request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_no_minute_holds_more_than_80_writes_per_installation(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    other_repo = "acme/other"
    fake.add_installation(INSTALLATION + 1)
    clock = FakeClock()
    transport = ClockedTransport(clock)

    async def go() -> None:
        client = GitHubClient(settings_for(fake), transport=transport, clock=clock)
        try:
            writes = [client.create_check_run(INSTALLATION, REPO, _run_body(sha)) for _ in range(200)]
            other = [client.create_check_run(INSTALLATION + 1, other_repo, _run_body(sha)) for _ in range(10)]
            reads = [client.file(INSTALLATION, REPO, "README.md", sha) for _ in range(20)]
            await asyncio.gather(*writes, *other, *reads)
        finally:
            await client.aclose()

    asyncio.run(go())
    assert len(fake.check_runs) == 210 and fake.rejections == []

    def posts(repo: str) -> list[float]:
        return [at for at, method, path in transport.sent if method == "POST" and path == f"/repos/{repo}/check-runs"]

    mine, theirs = posts(REPO), posts(other_repo)
    assert len(mine) == 200 and len(theirs) == 10
    # any 81 writes of one installation span more than a minute of the clock
    assert all(mine[i + 80] - mine[i] > 60 for i in range(len(mine) - 80))
    assert mine[-1] - mine[0] >= (200 - 10) / (70 / 60) - 1  # paced by the budget: 10 at once, then 70 a minute
    assert theirs[-1] - theirs[0] < 1  # another installation's budget is its own
    reads = [at for at, method, _ in transport.sent if method == "GET"]
    assert min(reads) < mine[20]  # reads take no token: they do not queue behind the writes


def test_a_secondary_rate_limit_holds_every_write_of_the_installation(fake: FakeGitHub) -> None:
    sha = fake.commit(REPO, {"README.md": "x\n"})
    clock = FakeClock()
    transport = ClockedTransport(clock)
    fake.inject(
        Fault(
            "POST",
            r"/check-runs$",
            403,
            headers={"retry-after": "30"},
            body='{"message": "You have exceeded a secondary rate limit."}',
        )
    )

    async def go() -> None:
        client = GitHubClient(settings_for(fake, http_max_wait_s=120.0), transport=transport, clock=clock)
        try:
            await asyncio.gather(*(client.create_check_run(INSTALLATION, REPO, _run_body(sha)) for _ in range(3)))
        finally:
            await client.aclose()

    asyncio.run(go())
    posts = [(at, path) for at, method, path in transport.sent if method == "POST" and path.endswith("/check-runs")]
    assert len(posts) == 4 and len(fake.check_runs) == 3
    limited_at = posts[0][0]
    assert all(at >= limited_at + 30 for at, _ in posts[1:])  # nothing was sent while GitHub asked to wait
