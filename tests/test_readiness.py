"""Readiness as the pods judge it: a 2xx on the health path, or (by default) a 404/405 there, the server up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.sandbox.pod_shared import wait_healthy


def _server(status: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def serve() -> Iterator:
    started: list[ThreadingHTTPServer] = []

    def start(status: int) -> str:
        server = _server(status)
        started.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/api/health-check"

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [404, 405])
def test_no_health_route_is_ready_at_once_unless_strict(serve, status: int) -> None:  # type: ignore[no-untyped-def]
    url = serve(status)
    assert wait_healthy(url, 30) == (
        "ok",
        f"/api/health-check answered {status}: no health route, the server's first HTTP answer is readiness",
    )
    assert wait_healthy(url, 0.3, strict=True) == (
        "health_timeout",
        f"not healthy within 0.3 s (health check answered {status})",
    )


def test_a_5xx_is_not_readiness(serve) -> None:  # type: ignore[no-untyped-def]
    assert wait_healthy(serve(500), 0.3)[0] == "health_timeout"
    assert wait_healthy(serve(200), 30) == ("ok", "")
