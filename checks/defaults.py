"""The defaults of an evaluation, in one place: the study's evaluation contract and the sandbox's bounds.

A repository without `.github/decaycheck.yml` is evaluated with these (see
docs/design.md); the config's keys (`checks.config`) and the sandbox specs
(`checks.sandbox.base`) take their defaults from here, so they cannot drift.
"""

from __future__ import annotations

from typing import Final

START: Final = "./run.sh"  # starts the server in the foreground
PORTS: Final[dict[str, int]] = {"python": 8080, "node": 3000}
API_PREFIX: Final = "/api"
HEALTH_PATH: Final = "/api/health-check"
SUITE: Final = "compat"
DATABASE: Final = "postgresql"

# Bounds of one evaluation's sandbox steps (`limits:` in the config).
INSTALL_S: Final = 600.0
START_S: Final = 60.0
SUITE_S: Final = 120.0
MEMORY_MB: Final = 2048
PIDS: Final = 512
LOG_KB: Final = 1024
TMP_MB: Final = 256  # the app's size-capped /tmp
