"""Entry point: the evaluation commands from `checks`, plus the App's `serve` and `worker`.

Like `checks.cli`, this imports only the standard library: the App's modules
(FastAPI, arq, redis: the `app` extra) load when `serve` or `worker` runs.
"""

from __future__ import annotations

import sys

from checks.cli import Commands, command
from checks.cli import main as run_command


def app_commands(commands: Commands) -> None:
    serve = command(
        commands,
        "serve",
        "Run the GitHub App's web service (with an in-process queue when no Redis is configured).",
        target="bot.commands:serve",
    )
    serve.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
    serve.add_argument("--port", type=int, default=8000, help="Port to bind (default 8000).")
    serve.add_argument("--log-level", default="info", help="Logging level (default info).")
    worker = command(
        commands, "worker", "Run one queue worker (needs DECAYCHECK_REDIS_URL).", target="bot.commands:worker"
    )
    worker.add_argument("--log-level", default="info", help="Logging level (default info).")


def main() -> None:
    sys.exit(run_command(sys.argv[1:], extra=[app_commands], queue="bot.commands:queue_executor"))


if __name__ == "__main__":
    main()
