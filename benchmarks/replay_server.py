"""A loopback HTTP server that answers each request at once with a recorded response.

Replaying a recorded suite run takes the application out of the picture, so
what a run against it costs is the client's own work plus this server's, and
this server times its own share of every request and reports it. Responses
are served in recorded order, one per request whatever it asks; HTTP/1.1
keep-alive, bodies by Content-Length. Requests under `/__replay__/` are
control requests and are neither answered from the recording nor timed:
`/__replay__/stats` returns `{"served": n, "server_ms": [...], "cpu_ms": c,
"wait_ms": w}` (its own time per request, its process CPU time and the time its
thread spent runnable but waiting for a CPU, all since the previous call) and
starts over from the first recorded response.

    python -m benchmarks.replay_server RECORDING.json   # prints its port, serves until stdin closes
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

CONTROL = b"/__replay__/"
_HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length", b"content-encoding"}


@dataclass(frozen=True)
class Recorded:
    """One recorded response: status, header pairs and the decoded body."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "headers": self.headers,
            "body": base64.b64encode(self.body).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recorded:
        return cls(data["status"], data["reason"], [tuple(h) for h in data["headers"]], base64.b64decode(data["body"]))

    def wire(self) -> bytes:
        """The response as sent: status line, recorded end-to-end headers, a fresh Content-Length, body."""
        lines = [f"HTTP/1.1 {self.status} {self.reason}".encode("latin-1")]
        lines += [f"{k}: {v}".encode("latin-1") for k, v in self.headers if k.lower().encode() not in _HOP_BY_HOP]
        lines.append(b"content-length: %d" % len(self.body))
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body


class _Replay:
    def __init__(self, responses: list[Recorded]) -> None:
        self.wires = [r.wire() for r in responses]
        self.cursor = 0
        self.server_ms: list[float] = []
        self.since = (time.process_time(), run_queue_wait_ms())

    def stats(self) -> bytes:
        cpu, wait = time.process_time(), run_queue_wait_ms()
        body = {
            "served": self.cursor,
            "server_ms": self.server_ms,
            "cpu_ms": (cpu - self.since[0]) * 1000.0,
            "wait_ms": wait - self.since[1],
        }
        self.cursor, self.server_ms, self.since = 0, [], (cpu, wait)
        return json.dumps(body).encode()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                started = time.perf_counter()
                length = _content_length(head)
                if length:
                    await reader.readexactly(length)
                if head.split(b" ", 2)[1].startswith(CONTROL):
                    body = self.stats()
                    writer.write(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
                        + body
                    )
                    await writer.drain()
                    continue
                writer.write(self.wires[self.cursor % len(self.wires)])
                self.cursor += 1
                await writer.drain()
                self.server_ms.append((time.perf_counter() - started) * 1000.0)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def run_queue_wait_ms() -> float:
    """How long this thread has been runnable but waiting for a CPU (Linux schedstat), in ms; 0 elsewhere."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def _main(path: str) -> None:
    with open(path) as fh:
        replay = _Replay([Recorded.from_json(r) for r in json.load(fh)])
    server = await asyncio.start_server(replay.serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # the parent closes stdin (or dies) to stop it
    server.close()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
