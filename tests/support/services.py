"""Where the tests find the services they need: Redis and a PostgreSQL server with trust auth.

The one place that says it. `./dev test` exports these variables when it had to
start a throwaway server because nothing answered on the usual port; without
them the tests use the usual ports on 127.0.0.1.

    DECAYCHECK_TEST_REDIS_URL   redis://127.0.0.1:6379/0
    DECAYCHECK_TEST_PG_HOST     127.0.0.1
    DECAYCHECK_TEST_PG_PORT     5432
    DECAYCHECK_TEST_PG_USER     postgres

Each test keeps to its own Redis key prefix and its own database, so runs
sharing a server never meet.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

REDIS_URL = os.environ.get("DECAYCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_PORT = urlsplit(REDIS_URL).port or 6379

PG_HOST = os.environ.get("DECAYCHECK_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("DECAYCHECK_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("DECAYCHECK_TEST_PG_USER", "postgres")
