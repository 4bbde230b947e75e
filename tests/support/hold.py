"""A progress hook (`DECAYCHECK_PROGRESS_HOOK=tests.support.hold:at_step`) that holds an evaluation at a named step.

With `HOLD_AT=<start of a progress message>` in the worker's environment
(e.g. `verifying` for the step after the suite ran), the evaluation announces
itself on the Redis list `<prefix>:hold:<run id>:held` when it reaches that
step and blocks until the test pushes to `<prefix>:hold:<run id>:release`.
The keys live under the deployment's `DECAYCHECK_REDIS_PREFIX`, so its
clean-up removes them.
"""

from __future__ import annotations

import os

import redis

WAIT_LIMIT_S = 600  # a test that never releases (it killed the worker) leaves no thread blocked for ever


def keys(prefix: str, run_id: str) -> tuple[str, str]:
    """The (held, release) lists of one run."""
    return f"{prefix}:hold:{run_id}:held", f"{prefix}:hold:{run_id}:release"


def at_step(run_id: str, message: str) -> None:
    step = os.environ.get("HOLD_AT")
    if not step or not message.startswith(step):
        return
    held, release = keys(os.environ["DECAYCHECK_REDIS_PREFIX"], run_id)
    client = redis.Redis.from_url(os.environ["DECAYCHECK_REDIS_URL"])
    try:
        client.rpush(held, message)
        client.blpop([release], timeout=WAIT_LIMIT_S)
    finally:
        client.close()
