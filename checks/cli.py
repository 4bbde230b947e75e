"""The `decaycheck` command line: one evaluation, or any of its steps alone.

Each command lives in its own module under `checks.commands` and registers
itself here. Each writes its result as JSON with `--json FILE`. Exit codes: 0
when the result is good (gate passed, every assertion passed, no finding), 1
when it is not, 2 when the command could not do its job (bad usage, bad input).
"""

from __future__ import annotations

import typer

from checks.commands import batch, diagnose, init, run, suite, verify

app = typer.Typer(
    name="decaycheck",
    help="Evaluate agent-written backend code: behaviour, structure, root causes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for command in (run, suite, verify, diagnose, batch, init):
    command.register(app)
