"""Reading what a sandbox prints: every line and every stream has a cap.

A sandbox may print a gigabyte without a newline; the host must not hold it.
`bounded_lines` hands out lines of at most `line_cap` bytes (the rest of a
longer line is read and dropped, and the kept part ends with a note), and
`CappedLog` keeps at most `cap` bytes of a stream in a file plus a short
in-memory tail, counting what it dropped. Both read the stream to its end, so
the writer never blocks on a full pipe.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

LINE_CAP = 64 * 1024
CUT_NOTE = b" [line cut: too long]\n"


def bounded_lines(stream: BinaryIO, line_cap: int = LINE_CAP) -> Iterator[bytes]:
    """The stream's lines, each at most `line_cap` bytes (plus the note on a cut one)."""
    dropping = False
    while True:
        chunk = stream.readline(line_cap)
        if not chunk:
            return
        whole = chunk.endswith(b"\n")
        if dropping:
            dropping = not whole
            continue
        if not whole and len(chunk) >= line_cap:
            dropping = True
            yield chunk + CUT_NOTE
            continue
        yield chunk


class CappedLog:
    """Keeps a stream's first `cap` bytes in `path` and its last lines in memory."""

    def __init__(self, path: Path, cap: int, *, tail_lines: int = 400, tail_line_cap: int = 4000) -> None:
        self.path, self.cap = path, cap
        self.tail: collections.deque[bytes] = collections.deque(maxlen=tail_lines)
        self.tail_line_cap = tail_line_cap
        self.written = self.dropped = 0

    def drain(self, stream: BinaryIO) -> None:
        with self.path.open("wb") as out:
            for line in bounded_lines(stream):
                self.tail.append(line[: self.tail_line_cap])
                room = self.cap - self.written
                if room > 0:
                    chunk = line[:room]
                    out.write(chunk)
                    out.flush()
                    self.written += len(chunk)
                self.dropped += max(0, len(line) - max(room, 0))

    def whole(self) -> str:
        """Everything kept in the capped file, with a note when the cap cut it short."""
        try:
            with self.path.open("rb") as f:
                data = f.read(self.cap).decode("utf-8", "replace")
        except OSError:
            return self.text()
        return data + (f"\n[{self.dropped} bytes over the log cap not kept]" if self.dropped else "")

    def text(self, limit: int = 16000) -> str:
        data = b"".join(self.tail)[-limit:].decode("utf-8", "replace")
        return (f"[{self.dropped} bytes over the log cap not kept]\n" if self.dropped else "") + data
