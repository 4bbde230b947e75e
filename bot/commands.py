"""`decaycheck serve` (the web service) and `decaycheck worker` (a queue worker).

Both need the `app` extra; without it they say so (`pip install 'decaycheck[app]'`)
and exit 2, and so does `decaycheck batch` when DECAYCHECK_REDIS_URL asks for the queue.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from checks import extras

if TYPE_CHECKING:
    from bot.settings import Settings
    from checks.study.executors import Executor

SECRET_VARIABLES = ("DECAYCHECK_PRIVATE_KEY", "DECAYCHECK_WEBHOOK_SECRET")


def _needs_app(what: str, exc: ImportError) -> int:
    print(f"error: {extras.missing('app', what, exc)}", file=sys.stderr)
    return 2


def _settings() -> Settings:
    """Read the settings, then drop the secrets from the environment so no child process inherits them."""
    from bot.settings import Settings

    settings = Settings()
    if settings.app_id:
        _ = settings.private_key_pem
    for name in SECRET_VARIABLES:
        os.environ.pop(name, None)
    return settings


def queue_executor(batch: str) -> Executor:
    """`decaycheck batch` enqueues here when DECAYCHECK_REDIS_URL is set."""
    from checks.study.executors import ExecutorUnavailable

    try:
        from bot.settings import Settings
        from bot.study import QueueExecutor
    except ImportError as exc:
        raise ExecutorUnavailable(extras.missing("app", "a batch on the App's queue", exc)) from exc
    return QueueExecutor(Settings(), batch)


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from bot.web.app import create_app
    except ImportError as exc:
        return _needs_app("decaycheck serve", exc)
    _logging(args.log_level)
    uvicorn.run(create_app(_settings()), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def worker(args: argparse.Namespace) -> int:
    try:
        from bot.queue import build_worker
    except ImportError as exc:
        return _needs_app("decaycheck worker", exc)
    _logging(args.log_level)
    settings = _settings()
    if not settings.redis_url:
        print(
            "decaycheck worker needs DECAYCHECK_REDIS_URL; `decaycheck serve` alone runs an in-process queue.",
            file=sys.stderr,
        )
        return 2
    build_worker(settings).run()
    return 0
