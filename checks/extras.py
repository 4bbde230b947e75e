"""Optional extras: what `pip install 'decaycheck[EXTRA]'` adds to the CLI, and the error naming the one missing.

`pip install decaycheck` gives the evaluation commands (run, suite, verify,
diagnose, batch with local workers) on the local sandbox. `decaycheck[app]`
adds the GitHub App (`serve`, `worker`, batch on the App's Redis queue:
FastAPI, uvicorn, arq, redis, gidgethub, PyJWT, prometheus-client,
pydantic-settings); `decaycheck[docker]` adds the Docker sandbox.
"""

from __future__ import annotations


def missing(extra: str, what: str, exc: ImportError) -> str:
    """The message for `what` failing to import a module of `extra`: which module, and what to install."""
    module = exc.name or str(exc)
    return f"{what} needs the {extra!r} extra ({module} is not installed): pip install 'decaycheck[{extra}]'"
