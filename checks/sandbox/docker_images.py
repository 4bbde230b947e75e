"""Which images the Docker backend runs, by role.

Production names the official images by tag (plus the suite-runner image that
`deploy/images/suite-runner.Dockerfile` builds on the official Python one).
Machines that reach no registry build stand-ins with
`deploy/images/build-local.sh` and select them with
`DECAYCHECK_DOCKER_IMAGES=local`; any role can also be set one by one with a
JSON object, e.g. `DECAYCHECK_DOCKER_IMAGES='{"postgres": "postgres:16.4"}'`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping

from pydantic import BaseModel


class SandboxImages(BaseModel):
    python: str = "python:3.11-slim"
    node: str = "node:20-slim"
    postgres: str = "postgres:16"
    runner: str = "decaycheck/suite-runner:0.1.0"

    def for_runtime(self, runtime: str, version: str | None = None) -> str:
        """The image an app of `runtime` is installed and started in; an official image is tagged by
        `version` ("3.12" -> python:3.12-slim, "20" -> node:20-slim), a local stand-in is what it is."""
        if runtime not in ("python", "node"):
            raise ValueError(f"no sandbox image for runtime {runtime!r}")
        image: str = getattr(self, runtime)
        official = getattr(OFFICIAL, runtime, None)
        if version and image == official and re.fullmatch(r"\d+(\.\d+)?", version):
            return f"{runtime}:{version}-slim"
        return image

    def all(self) -> list[str]:
        return [self.python, self.node, self.postgres, self.runner]


OFFICIAL = SandboxImages()
LOCAL = SandboxImages(
    python="decaycheck/python:local",
    node="decaycheck/node:local",
    postgres="decaycheck/postgres:local",
    runner="decaycheck/suite-runner:local",
)


def images_from_env(environ: Mapping[str, str] | None = None) -> SandboxImages:
    """`DECAYCHECK_DOCKER_IMAGES`: unset/`official`, `local`, or a JSON object overriding roles."""
    value = (environ if environ is not None else os.environ).get("DECAYCHECK_DOCKER_IMAGES", "").strip()
    if value in ("", "official"):
        return OFFICIAL
    if value == "local":
        return LOCAL
    try:
        overrides = json.loads(value)
    except ValueError as exc:
        raise ValueError(f"DECAYCHECK_DOCKER_IMAGES must be 'official', 'local' or a JSON object: {exc}") from exc
    if not isinstance(overrides, dict):
        raise ValueError("DECAYCHECK_DOCKER_IMAGES must be 'official', 'local' or a JSON object")
    base = LOCAL if overrides.pop("base", "official") == "local" else OFFICIAL
    return base.model_copy(update=overrides)
