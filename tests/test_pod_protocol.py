"""The pod protocol: what the host accepts of a pod's event stream (both backends fold it the same way)."""

from __future__ import annotations

import json

import pytest

from checks.sandbox.protocol import PodEvents, ProtocolError

SUITE = {"suite": "compat", "base_url": "http://127.0.0.1:8080", "api_prefix": "/api", "requests": []}


def line(event: str, **data: object) -> bytes:
    return json.dumps({"event": event, **data}).encode() + b"\n"


def stream(*extra: bytes, end: bool = True) -> list[bytes]:
    lines = [
        line("db_ready", seconds=0.03),
        line("startup", status="ok", reason="", seconds=0.5),
        line("suite_done", suite="compat", result=SUITE),
        *extra,
        line("evidence", tables={"users": 2}, sqlite_files=[]),
    ]
    return lines + ([line("done", timings={"suite": 1.5})] if end else [])


def fold(lines: list[bytes], suites: tuple[str, ...] = ("compat",)) -> dict:
    events = PodEvents(list(suites))
    for raw in lines:
        events.take(raw)
    return events.result()


def test_a_well_formed_stream_folds_into_the_pod_result() -> None:
    result = fold([b"a diagnostic line, not an event\n", *stream()])
    assert result["startup"] == "ok" and result["suites"] == [SUITE] and result["suite_errors"] == {}
    assert result["timings"] == {"db": 0.03, "start": 0.5, "suite": 1.5}
    assert result["evidence"]["tables"] == {"users": 2}


def test_a_suite_error_is_reported_not_scored() -> None:
    result = fold(stream(line("suite_error", suite="strict", message="runner exited 2")), ("compat", "strict"))
    assert result["suite_errors"] == {"strict": "runner exited 2"} and len(result["suites"]) == 1


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (stream(line("startup", status="ok", reason="", seconds=0.1)), "a second startup"),
        (stream(line("suite_done", suite="compat", result=SUITE)), "not asked for"),
        (stream(line("suite_done", suite="strict", result=SUITE)), "not asked for"),
        (stream(b'{"event": "startup", "status": "passed"}\n'), "malformed"),
        (stream(b'{"event": "result", "startup": "ok", "suites": []}\n'), "malformed"),
        (stream(end=False), "without a result"),
        (stream() + [line("suite_done", suite="compat", result=SUITE)], "after the end"),
        ([line("done", timings={})], "without a result"),
    ],
)
def test_anything_out_of_protocol_fails_the_pod(lines: list[bytes], why: str) -> None:
    with pytest.raises(ProtocolError, match=why):
        fold(lines)


def test_an_error_event_fails_the_pod_with_its_message() -> None:
    with pytest.raises(Exception, match="PostgreSQL exited at start"):
        fold([line("error", message="PostgreSQL exited at start: boom")])
