"""`decaycheck serve` (the web service) and `decaycheck worker` (a queue worker).

Both need the `app` extra; without it they say so (`pip install 'decaycheck[app]'`)
and exit 2, and so does `decaycheck batch` when DECAYCHECK_REDIS_URL asks for the queue.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bot.settings import Settings
    from checks.study.executors import Executor

SECRET_VARIABLES = ("DECAYCHECK_PRIVATE_KEY", "DECAYCHECK_WEBHOOK_SECRET")


def _needs_app(what: str, exc: ImportError) -> typer.Exit:
    from checks import extras

    typer.echo(f"error: {extras.missing('app', what, exc)}", err=True)
    return typer.Exit(2)


def _settings() -> Settings:
    """Read the settings, then drop the secrets from the environment so no child process inherits them."""
    from bot.settings import Settings

    settings = Settings()
    if settings.app_id:
        _ = settings.private_key_pem
    for name in SECRET_VARIABLES:
        os.environ.pop(name, None)
    return settings


def _queue_executor(batch: str) -> Executor:
    from checks import extras
    from checks.study.executors import ExecutorUnavailable

    try:
        from bot.settings import Settings
        from bot.study import QueueExecutor
    except ImportError as exc:
        raise ExecutorUnavailable(extras.missing("app", "a batch on the App's queue", exc)) from exc

    return QueueExecutor(Settings(), batch)


def register(app: typer.Typer) -> None:
    from checks.study import executors

    executors.plug_queue(_queue_executor)  # `decaycheck batch` enqueues here when DECAYCHECK_REDIS_URL is set

    @app.command("serve")
    def _serve(
        host: str = typer.Option("127.0.0.1", help="Address to bind."),
        port: int = typer.Option(8000, help="Port to bind."),
        log_level: str = typer.Option("info", help="Logging level."),
    ) -> None:
        """Run the GitHub App's web service (with an in-process queue when no Redis is configured)."""
        try:
            import uvicorn

            from bot.web.app import create_app
        except ImportError as exc:
            raise _needs_app("decaycheck serve", exc) from None

        logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        uvicorn.run(create_app(_settings()), host=host, port=port, log_level=log_level)

    @app.command("worker")
    def _worker(log_level: str = typer.Option("info", help="Logging level.")) -> None:
        """Run one queue worker (needs DECAYCHECK_REDIS_URL)."""
        try:
            from bot.queue import build_worker
        except ImportError as exc:
            raise _needs_app("decaycheck worker", exc) from None

        logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        settings = _settings()
        if not settings.redis_url:
            typer.echo(
                "decaycheck worker needs DECAYCHECK_REDIS_URL; `decaycheck serve` alone runs an in-process queue.",
                err=True,
            )
            raise typer.Exit(2)
        build_worker(settings).run()
