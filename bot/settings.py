"""The App's settings, read from `DECAYCHECK_*` environment variables.

One object carries every knob so the web service, the workers and the tests
configure the App the same way (see docs/github-app.md for each variable).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, ImportString, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DECAYCHECK_", extra="ignore")

    app_id: str = Field(default="", description="The GitHub App's id (JWT issuer).")
    private_key: SecretStr | None = Field(default=None, description="The App's PEM private key.")
    private_key_path: Path | None = Field(default=None, description="A file holding the PEM private key.")
    webhook_secret: SecretStr = Field(default=SecretStr(""), description="Secret GitHub signs deliveries with.")
    redis_url: str | None = Field(default=None, description="Redis for the queue and state; absent: in-process.")
    redis_prefix: str = Field(default="decaycheck", description="Namespace of every Redis key and the arq queue.")
    github_api_url: str = "https://api.github.com"
    github_web_url: str | None = Field(
        default=None,
        description="Where repositories' pages are (default: from the API URL; github.com for api.github.com).",
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Where /runs/{id} is reachable.")
    sandbox: Literal["local", "docker"] | None = None
    check_name: str = "decaycheck"
    config_path: str = ".github/decaycheck.yml"
    workdir: Path | None = Field(default=None, description="Where checkouts go (default: the system temp dir).")
    job_timeout_s: int = Field(default=1800, description="An evaluation running longer is abandoned.")
    max_tries: int = Field(default=3, description="Attempts per job, counting restarts after a worker died.")
    stale_after_s: int | None = Field(
        default=None, description="A run not finished after this long is completed as timed out."
    )
    heartbeat_ttl_s: int = Field(
        default=30,
        description="A running job refreshes its heartbeat within this; "
        "a job without one lost its worker and is handed to another.",
    )
    worker_concurrency: int = 2
    max_annotations: int = Field(default=200, description="Annotations sent per check run, at most.")
    http_retries: int = 4
    http_backoff_s: float = 0.5
    http_max_wait_s: float = Field(default=60.0, description="Longest wait honoured for a rate-limit reset.")
    writes_per_minute: int = Field(
        default=80, description="Content-creating requests per installation per minute, at most (GitHub's limit)."
    )
    write_burst: int = Field(default=10, description="Of those, how many may go at once.")
    token_refresh_margin_s: int = Field(
        default=300, description="Installation tokens are renewed this long before expiry."
    )
    progress_hook: ImportString[Callable[[str, str], None]] | None = Field(
        default=None,
        description="`module:function` called as function(run_id, message) at every progress step of an "
        "evaluation, in the worker's evaluation thread.",
    )

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if self.stale_after_s is None:
            self.stale_after_s = (self.job_timeout_s + 10) * self.max_tries + 120
        self.github_api_url = self.github_api_url.rstrip("/")
        self.public_url = self.public_url.rstrip("/")
        return self

    @property
    def web_url(self) -> str:
        """github.com for api.github.com; an Enterprise server's root for its `/api/v3`; else the API URL itself."""
        if self.github_web_url:
            return self.github_web_url.rstrip("/")
        if self.github_api_url == "https://api.github.com":
            return "https://github.com"
        return self.github_api_url.removesuffix("/api/v3")

    @cached_property
    def private_key_pem(self) -> str:
        """The PEM text, from the variable or from the file it names."""
        if self.private_key is not None and self.private_key.get_secret_value():
            return self.private_key.get_secret_value().replace("\\n", "\n")
        if self.private_key_path is not None:
            return self.private_key_path.read_text()
        raise ValueError("set DECAYCHECK_PRIVATE_KEY or DECAYCHECK_PRIVATE_KEY_PATH")
