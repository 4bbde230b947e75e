"""Run `decaycheck` commands in-process, capturing what they print (the shape of click's CliRunner)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    exit_code: int
    output: str  # stdout and stderr, interleaved as written


class CliRunner:
    def invoke(self, main: Callable[[Sequence[str]], int], args: Sequence[str]) -> Result:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse ends bad usage this way
                code = exc.code if isinstance(exc.code, int) else 2
        return Result(code, buffer.getvalue())
