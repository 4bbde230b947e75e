"""The suite runner against small real HTTP servers on loopback.

A stub Conduit (stdlib http.server in a thread) answers every compat route
with fixed, well-shaped bodies, so the compat suite passes completely
against it; each test then breaks one thing (HTML bodies, empty lists, slow
or absent routes, a closed port) and checks the exact counts and failure
ids that result. Small suites written as data exercise captures,
dependencies, timeouts and the deadline.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from conduit_suite import run_suite
from conduit_suite.suite import parse_suite
from tests.support.servers import free_port


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    held: bool = False  # answered only when the stub closes: a server that never answers in time


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any


Route = Callable[[Received], Reply]


HELD_REPLY_LIMIT_S = 600  # what the runner's timeouts must cut short


class Stub:
    """A threaded HTTP/1.1 server on 127.0.0.1 answering `routes[(method, path)]`."""

    def __init__(self, routes: dict[tuple[str, str], Route]) -> None:
        self.routes = routes
        self.fallback: Route = lambda _r: Reply(404, {"errors": {"body": ["not found"]}})
        self.received: list[Received] = []
        self.closing = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                received = Received(
                    self.command,
                    parts.path,
                    parts.query,
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(data) if data else None,
                )
                stub.received.append(received)
                route = stub.routes.get((self.command, parts.path))
                reply = (route or stub.fallback)(received)
                if reply.held:
                    stub.closing.wait(HELD_REPLY_LIMIT_S)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                content_type = "text/html" if reply.raw is not None else "application/json"
                self.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
                for key, value in reply.headers.items():
                    if key != "Content-Type":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *_: None  # clients that time out hang up mid-reply
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Stub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


# -- a well-shaped Conduit stub ---------------------------------------------------

PROFILE = {"username": "jake", "bio": None, "image": None, "following": False}
ARTICLE = {
    "slug": "how-to-train-your-dragon",
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "body": "Very carefully.",
    "tagList": ["dragons", "training"],
    "createdAt": "2026-01-01T00:00:00.000Z",
    "updatedAt": "2026-01-01T00:00:00.000Z",
    "favorited": False,
    "favoritesCount": 0,
    "author": PROFILE,
}
COMMENT = {
    "id": 1,
    "body": "Thank you so much!",
    "createdAt": "2026-01-01T00:00:00.000Z",
    "updatedAt": "2026-01-01T00:00:00.000Z",
    "author": PROFILE,
}


def fixed(body: Any, status: int = 200, **kw: Any) -> Route:
    return lambda _r: Reply(status, body, **kw)


def user_reply(token: str = "jwt.token.value") -> Route:
    return fixed({"user": {"email": "jake@jake.jake", "username": "jake", "bio": None, "image": None, "token": token}})


def conduit_routes() -> dict[tuple[str, str], Route]:
    slug = ARTICLE["slug"]
    articles = fixed({"articles": [ARTICLE], "articlesCount": 1})
    return {
        ("POST", "/api/users"): user_reply(),
        ("POST", "/api/users/login"): user_reply(),
        ("GET", "/api/user"): user_reply(),
        ("PUT", "/api/user"): user_reply(),
        ("GET", "/api/articles"): articles,
        ("GET", "/api/articles/feed"): articles,
        ("POST", "/api/articles"): fixed({"article": ARTICLE}, 201),
        ("GET", f"/api/articles/{slug}"): fixed({"article": ARTICLE}),
        ("PUT", f"/api/articles/{slug}"): fixed({"article": ARTICLE}),
        ("DELETE", f"/api/articles/{slug}"): fixed({}),
        ("POST", f"/api/articles/{slug}/favorite"): fixed(
            {"article": {**ARTICLE, "favorited": True, "favoritesCount": 1}}
        ),
        ("DELETE", f"/api/articles/{slug}/favorite"): fixed({"article": ARTICLE}),
        ("POST", f"/api/articles/{slug}/comments"): fixed({"comment": COMMENT}),
        ("GET", f"/api/articles/{slug}/comments"): fixed({"comments": [COMMENT]}),
        ("DELETE", f"/api/articles/{slug}/comments/1"): fixed({}),
        ("GET", "/api/profiles/celeb_jake"): fixed({"profile": PROFILE}),
        ("POST", "/api/profiles/celeb_jake/follow"): fixed({"profile": {**PROFILE, "following": True}}),
        ("DELETE", "/api/profiles/celeb_jake/follow"): fixed({"profile": PROFILE}),
        ("GET", "/api/tags"): fixed({"tags": ["dragons", "training"]}),
    }


NAMES = {"USERNAME": "jake"}  # the stub's profile routes are fixed, so the run's username is too


@pytest.fixture
def conduit() -> Iterator[Stub]:
    with Stub(conduit_routes()) as stub:
        yield stub


def test_well_shaped_stub_passes_all_290(conduit: Stub) -> None:
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    assert result.failed_ids() == []
    assert (result.assertions_passed, result.assertions_total, len(result.requests)) == (290, 290, 32)
    assert result.pass_at_1 and result.assert_pct == 100.0


def test_every_request_sends_the_study_headers_and_the_token_of_request_3(conduit: Stub) -> None:
    logins = iter(["token-of-2", "token-of-3"])
    conduit.routes[("POST", "/api/users/login")] = lambda r: user_reply(next(logins))(r)
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    assert len(conduit.received) == 32
    assert all(r.headers.get("x-requested-with") == "XMLHttpRequest" for r in conduit.received)
    assert all(r.headers.get("content-type") == "application/json" for r in conduit.received)
    authorized = [r.headers.get("authorization") for r in conduit.received[3:]]
    assert set(authorized) - {None} == {"Token token-of-3"}
    sent = {r.name: r.sent_auth for r in result.requests}
    assert sent["04 current user"] and sent["25 all comments without login"] is False
    assert result.requests[3].depends_on == ["03 login and remember token"]
    assert conduit.received[0].body["user"]["username"] == "jake"


def test_status_is_asserted_only_where_compat_marks_200(conduit: Stub) -> None:
    for key, route in list(conduit.routes.items()):
        conduit.routes[key] = (lambda route: lambda r: Reply(299, route(r).body))(route)  # noqa: B023 (bound by the outer lambda)
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    failed = result.failed_ids()
    assert all(i.endswith(": status is 200") for i in failed)
    assert len(failed) == 18


def test_non_json_bodies_count_as_empty_objects(conduit: Stub) -> None:
    conduit.routes.clear()
    conduit.fallback = fixed(None, raw=b"<html><body>Server Error</body></html>")
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    assert result.assertions_total == 290
    assert result.assertions_passed == 18  # only the status assertions hold
    assert set(result.failed_ids()) >= {
        "01 register: has user",
        "03 login and remember token: token was captured",
        "32 all tags: has tags",
        "32 all tags: tags is an array",
    }
    assert result.requests[0].response_excerpt.startswith("<html>")


def test_empty_lists_fail_the_article_assertions(conduit: Stub) -> None:
    conduit.routes[("GET", "/api/articles")] = fixed({"articles": [], "articlesCount": 0})
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    failed = result.failed_ids()
    listing = [
        "12 all articles with auth",
        "13 all articles with auth again",
        "14 articles by author with auth",
        "15 articles by author with auth again",
        "17 articles by tag with auth",
        "20 articles favorited by username with auth",
        "21 articles favorited by username with auth again",
    ]
    assert len(failed) == 12 * len(listing)
    assert f"{listing[0]}: has articles[0].title" in failed
    assert f"{listing[0]}: articles[0].favoritesCount is an integer" in failed
    by_name = {r.name: r for r in result.requests}
    assert (by_name[listing[0]].passed, by_name[listing[0]].total) == (5, 17)
    assert by_name["06 all articles"].passed == 5


def test_booleans_are_not_integers_and_null_is_present(conduit: Stub) -> None:
    conduit.routes[("GET", "/api/articles")] = fixed(
        {"articles": [{**ARTICLE, "favoritesCount": True, "body": None}], "articlesCount": 1.0}
    )
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    failed = result.failed_ids()
    assert "12 all articles with auth: articles[0].favoritesCount is an integer" in failed
    assert "12 all articles with auth: has articles[0].body" not in failed
    assert "12 all articles with auth: articlesCount is an integer" not in failed


def test_refused_connections_are_recorded_and_every_assertion_fails() -> None:
    result = run_suite("compat", f"http://127.0.0.1:{free_port()}", timeout=2.0)
    assert len(result.requests) == 32 and result.assertions_total == 290
    assert result.assertions_passed == 0
    assert all(r.status is None and "connection refused" in (r.error or "").lower() for r in result.requests)
    assert len(result.failed_ids()) == 290


def test_server_timing_and_paths_are_recorded(conduit: Stub) -> None:
    conduit.routes[("GET", "/api/tags")] = fixed({"tags": []}, headers={"Server-Timing": "db;dur=0.5, app;dur=12.25"})
    result = run_suite("compat", conduit.base_url, variables=NAMES)
    by_name = {r.name: r for r in result.requests}
    assert by_name["32 all tags"].server_ms == 12.25
    assert by_name["01 register"].server_ms is None
    single = by_name["16 single article by slug"]
    assert single.path == "/api/articles/{slug}"
    assert single.url == f"{conduit.base_url}/api/articles/how-to-train-your-dragon"
    assert single.depends_on == ["03 login and remember token", "10 create article"]
    assert by_name["26 delete comment"].depends_on == [
        "03 login and remember token",
        "10 create article",
        "23 create comment",
    ]
    assert by_name["07 articles by author"].url.endswith("/api/articles?author=johnjacob")
    assert all(r.elapsed_ms > 0 for r in result.requests)


# -- small suites as data ---------------------------------------------------------


def small_suite(requests: list[dict[str, Any]]) -> Any:
    return parse_suite(
        {
            "name": "small",
            "headers": {"X-Requested-With": "XMLHttpRequest"},
            "auth": {"variable": "token"},
            "requests": requests,
        }
    )


REGISTER = {
    "name": "register",
    "operation": "CreateUser",
    "method": "POST",
    "path": "/users",
    "body": {"user": {"username": "{{RUN}}"}},
    "capture": {"token": "user.token"},
    "assert": [{"status": 200}],
}
CREATE = {
    "name": "create",
    "operation": "CreateArticle",
    "method": "POST",
    "path": "/articles",
    "auth": True,
    "capture": {"slug": "article.slug"},
    "assert": [{"has": "article.slug"}],
}
READ = {
    "name": "read",
    "operation": "GetArticle",
    "method": "GET",
    "path": "/articles/{slug}",
    "auth": True,
    "assert": [{"status": 200}, {"equals": ["article.slug", "{{slug}}"]}],
}
TAGS = {"name": "tags", "operation": "GetTags", "method": "GET", "path": "/tags", "assert": [{"status": 200}]}


def test_a_failed_capture_leaves_the_variable_unset_and_later_requests_still_run() -> None:
    routes = {
        ("POST", "/v2/users"): user_reply("abc"),
        ("POST", "/v2/articles"): fixed({"article": {}}),
        ("GET", "/v2/tags"): fixed({"tags": []}),
    }
    with Stub(routes) as stub:
        result = run_suite(small_suite([REGISTER, CREATE, READ, TAGS]), stub.base_url, "v2/")
    _register, create, read, tags = result.requests
    assert stub.received[1].headers["authorization"] == "Token abc"
    assert create.depends_on == ["register"] and create.failures[0].id == "create: has article.slug"
    assert read.url == f"{stub.base_url}/v2/articles/undefined" and read.path == "/v2/articles/{slug}"
    assert read.status == 404 and read.depends_on == ["register", "create"]
    assert [f.assertion for f in read.failures] == ["status is 200", 'article.slug equals "{{slug}}"']
    # The slug was never captured: the read is blocked by `create`, and its expected slug is not compared.
    assert read.blocked_by == ["create"] and create.blocked_by == []
    status, equals = read.failures
    assert (status.blocked_by, status.unset, status.actual) == ("create", ["slug"], 404)
    assert (equals.blocked_by, equals.unset, equals.expected, equals.actual) == ("create", ["slug"], "{{slug}}", None)
    assert equals.operation == "GetArticle" and equals.kind == "equals"
    assert result.assertions_blocked == 2
    assert (tags.status, tags.passed, tags.total) == (200, 1, 1)
    assert result.failed_ids() == [
        "create: has article.slug",
        'read: article.slug equals "{{slug}}"',
        "read: status is 200",
    ]


def test_a_request_that_times_out_fails_its_assertions_and_the_run_goes_on() -> None:
    routes = {
        ("POST", "/api/users"): lambda r: Reply(200, {"user": {"token": "t"}}, held=True),
        ("GET", "/api/tags"): fixed({"tags": []}),
    }
    with Stub(routes) as stub:
        result = run_suite(small_suite([REGISTER, TAGS]), stub.base_url, timeout=0.3)
    register, tags = result.requests
    assert register.status is None and "timed out" in (register.error or "")
    assert register.passed == 0 and register.failures[0].id == "register: status is 200"
    assert register.elapsed_ms >= 250  # it waited for the timeout, not less
    assert (tags.status, tags.passed) == (200, 1)


def test_the_deadline_bounds_the_whole_run() -> None:
    slow = {
        ("POST", "/api/users"): lambda r: Reply(200, {"user": {"token": "t"}}, held=True),
        ("GET", "/api/tags"): fixed({"tags": []}),
    }
    with Stub(slow) as stub:
        result = run_suite(
            small_suite([REGISTER, TAGS, {**TAGS, "name": "tags again"}]), stub.base_url, timeout=5.0, deadline=0.4
        )
    register, tags, again = result.requests
    assert register.status is None and "timed out" in (register.error or "")
    assert tags.status is None and tags.error == again.error == "deadline exceeded before the request was sent"
    assert result.assertions_passed == 0 and result.assertions_total == 3


def test_summary_is_json_with_ids_on_every_failure(conduit: Stub) -> None:
    conduit.routes[("GET", "/api/tags")] = fixed({"tags": "dragons"})
    summary = run_suite("compat", conduit.base_url, variables=NAMES).summary()
    data = json.loads(json.dumps(summary))
    assert (data["assertions_passed"], data["assertions_total"], data["pass_at_1"]) == (289, 290, False)
    tags = data["requests"][-1]
    assert tags["failures"] == [
        {
            "id": "32 all tags: tags is an array",
            "assertion": "tags is an array",
            "operation": "GetTags",
            "expected": "an array",
            "actual": "dragons",
            "kind": "array",
            "aspect": None,
            "cites": None,
            "blocked_by": None,
            "unset": [],
            "reproduce": None,
        }
    ]
    assert tags["path"] == "/api/tags" and tags["status"] == 200
    assert tags["operations"] == {"GetTags": 3} and tags["aspects"] == {} and tags["blocked_by"] == []
    # compat names no aspects: it is scored per operation only, and its counting is the study's.
    assert data["aspects"] == [] and data["deviations"] == [] and data["blocked"] == []
    assert {"operation": "GetTags", "passed": 2, "total": 3} in data["operations"]
    assert sum(o["total"] for o in data["operations"]) == 290


def test_a_captured_value_the_client_cannot_send_is_recorded_and_the_run_goes_on() -> None:
    routes = {("POST", "/api/users"): user_reply("bad\ntoken"), ("GET", "/api/tags"): fixed({"tags": []})}
    with Stub(routes) as stub:
        result = run_suite(small_suite([REGISTER, {**CREATE, "assert": [{"status": 201}]}, TAGS]), stub.base_url)
    register, create, tags = result.requests
    assert register.passed == 1
    assert create.status is None and create.error and create.failures[0].actual == create.error
    assert [r.path for r in stub.received] == ["/api/users", "/api/tags"]
    assert (tags.status, tags.passed) == (200, 1)


def test_an_expected_value_that_needs_a_missing_capture_is_never_compared_with_undefined() -> None:
    """`differs` against an unset slug used to pass (any slug differs from "undefined"); now it fails, blocked."""
    second = {
        "name": "second",
        "operation": "CreateArticle",
        "method": "POST",
        "path": "/articles",
        "auth": True,
        "assert": [{"status": 201}, {"differs": ["article.slug", "{{slug}}"]}, {"differs": ["article.slug", "x"]}],
    }
    unfavorite = {  # its path needs the slug too; its 401 is still judged, and passes
        "name": "unfavorite anonymously",
        "operation": "DeleteArticleFavorite",
        "method": "DELETE",
        "path": "/articles/{slug}/favorite",
        "assert": [{"status": 401}, {"has": "errors"}],
    }
    answers = iter([{"article": {"title": "no slug"}}, {"article": {"slug": "second"}}])
    routes = {
        ("POST", "/api/users"): user_reply("abc"),
        ("POST", "/api/articles"): lambda _r: Reply(201, next(answers)),
        ("DELETE", "/api/articles/undefined/favorite"): fixed({"message": "unauthorized"}, 401),
    }
    with Stub(routes) as stub:
        result = run_suite(small_suite([REGISTER, CREATE, {**second, "capture": {}}, unfavorite]), stub.base_url)
    _register, create, second_r, anonymous = result.requests
    assert create.failures[0].blocked_by is None  # judged on its own: the slug is missing from its answer
    assert second_r.blocked_by == [] and second_r.depends_on == ["register", "create"]
    (blocked,) = second_r.failures  # status 201 and "differs from x" pass: they need nothing unset
    assert (blocked.assertion, blocked.blocked_by, blocked.unset) == (
        'article.slug differs from "{{slug}}"',
        "create",
        ["slug"],
    )
    assert (blocked.expected, blocked.actual) == ("{{slug}}", None)
    assert anonymous.blocked_by == ["create"] and anonymous.passed == 1
    (judged,) = anonymous.failures  # the request was sent with the placeholder; what it answered is still judged
    assert (judged.assertion, judged.blocked_by, judged.unset, judged.actual) == (
        "has errors",
        "create",
        ["slug"],
        "<missing>",
    )
    assert result.assertions_blocked == 2 and (result.assertions_passed, result.assertions_total) == (4, 7)


def test_blocked_failures_are_counted_per_first_request_of_their_chain() -> None:
    from conduit_suite.scores import score

    rename = {  # reads the slug create never set, and captures it again from what it gets
        "name": "rename",
        "operation": "UpdateArticle",
        "method": "PUT",
        "path": "/articles/{slug}",
        "auth": True,
        "capture": {"slug": "article.slug"},
        "assert": [{"status": 200, "aspect": "status_codes", "cites": "openapi"}],
    }
    read = {**READ, "assert": [{"equals": ["article.slug", "{{slug}}"], "aspect": "state", "cites": "openapi"}]}
    routes = {("POST", "/api/users"): user_reply("abc"), ("POST", "/api/articles"): fixed({"article": {}}, 201)}
    with Stub(routes) as stub:
        result = run_suite(small_suite([REGISTER, CREATE, rename, read]), stub.base_url)
    assert [r.blocked_by for r in result.requests] == [[], [], ["create"], ["rename"]]
    scores = score(result)
    assert [(b.request, b.assertions, b.variables) for b in scores.blocked] == [("create", 2, ["slug"])]
    assert [(a.aspect, a.passed, a.total, a.blocked) for a in scores.aspects] == [
        ("status_codes", 0, 1, 1),
        ("state", 0, 1, 1),
    ]
    assert scores.deviations == []  # consequences are not deviations of their own
