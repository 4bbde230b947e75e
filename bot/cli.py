"""Entry point: the evaluation commands from `checks`, plus the App's `serve` and `worker`."""

from __future__ import annotations

from bot import commands
from checks.cli import app

commands.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
