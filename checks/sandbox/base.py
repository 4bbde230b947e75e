"""The sandbox contract: what every backend (local bubblewrap, Docker) is given and returns.

Same topology for every backend:
  1. `install(workspace, InstallSpec)` — the only step with network, and that only to the
     package registries (through the egress proxy); no secrets in its environment; only the
     workspace and the repository's own dependency cache writable. Its `trusted` commands
     (warming the byte-code cache) then run apart: no PR process, no network, the workspace
     read-only.
  2. `run_pod(workspace, PodSpec)` — one network namespace with loopback only, holding an
     ephemeral database, the app (started, then polled for health) and the suite runner;
     afterwards the runtime evidence (tables, row counts, SQLite files) is taken inside it.
     The app cannot reach the supervisor and the runner (their processes, files or stdio);
     the host accepts only what the pod protocol allows (`protocol.PodEvents`).
Both steps are bounded (wall time per phase, memory, processes, CPU, log size) and leave
no process behind, whatever happens. Results are plain data so the pipeline never
depends on how a backend isolates the code.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from checks import defaults
from verifiers.runtime import RuntimeEvidence

Startup = Literal["ok", "install_failed", "start_failed", "health_timeout"]
Engine = Literal["postgresql", "sqlite"]
OnEvent = Callable[[str], None]


class Limits(BaseModel):
    install_s: float = defaults.INSTALL_S
    start_s: float = defaults.START_S
    suite_s: float = defaults.SUITE_S
    memory_mb: int = defaults.MEMORY_MB
    pids: int = defaults.PIDS
    log_bytes: int = defaults.LOG_KB * 1024
    tmp_mb: int = defaults.TMP_MB


class InstallSpec(BaseModel):
    """Shell commands run in order in the app folder; `ro_paths` are host toolchain folders the step must see."""

    runtime: str
    # The runtime's version the app needs ("3.12", "20"): the docker backend picks the image tagged so.
    version: str | None = None
    commands: list[str]
    env: dict[str, str]
    ro_paths: list[Path] = Field(default_factory=list)
    trusted: list[str] = Field(
        default_factory=list,
        description="Run after a successful install in a step of their own: no PR process, no network, "
        "the workspace read-only, only the byte-code cache writable.",
    )
    cache_key: str = Field(
        default="shared",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="Names the dependency cache this install reads and writes: one per repository, so no "
        "install changes what another repository's install receives.",
    )
    limits: Limits = Field(default_factory=Limits)


class InstallResult(BaseModel):
    ok: bool
    exit_code: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    log_tail: str = ""


class PodSpec(BaseModel):
    """The app's start command (shell, run in the app folder), where it listens, and what to run against it."""

    run_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], description="Names the pod's processes.")
    runtime: str
    version: str | None = None  # as InstallSpec.version
    database: Engine = defaults.DATABASE
    start: str = defaults.START
    port: int = defaults.PORTS["python"]
    api_prefix: str = defaults.API_PREFIX
    health_path: str = defaults.HEALTH_PATH
    # "health": only a 2xx on health_path; "auto": a 404/405 there (no such route) counts as up too.
    ready: str = "auto"
    suites: list[str] = Field(default_factory=lambda: [defaults.SUITE])
    suite_plans: dict[str, str] = Field(
        default_factory=dict, description="Suite id -> SuitePlan JSON, for suites beyond the built-in ones."
    )
    env: dict[str, str] = Field(default_factory=dict)
    ro_paths: list[Path] = Field(default_factory=list)
    suite_tools: list[Path] = Field(
        default_factory=list,
        description="Host folders the suite runner needs (newman): the supervisor's, never the app's.",
    )
    frozen_dirs: list[str] = Field(
        default_factory=list, description="App sub-folders mounted read-only (installed deps)."
    )
    cache_dirs: list[str] = Field(default_factory=list, description="Dependency-cache sub-folders mounted read-only.")
    limits: Limits = Field(default_factory=Limits)


class PodResult(BaseModel):
    startup: Startup
    reason: str = ""
    timings: dict[str, float] = Field(default_factory=dict, description="db, start, suite seconds.")
    suites: list[dict[str, Any]] = Field(default_factory=list, description="SuiteResult JSON per suite that ran.")
    suite_errors: dict[str, str] = Field(default_factory=dict)
    app_exit_code: int | None = Field(default=None, description="Set when the app exited before the pod ended.")
    evidence: RuntimeEvidence | None = None
    server_log_tail: str = Field(default="", description="The end of the app's output, for people to read.")
    server_log: str = Field(
        default="",
        description="The app's whole output up to the log cap, for the diagnosis: "
        "early tracebacks matter as much as late ones.",
    )


class SandboxUnavailable(RuntimeError):
    """The backend cannot run on this host (tool missing, no permission)."""


class SandboxBackend(ABC):
    """One way of isolating untrusted code. Subclasses register in `checks.sandbox.BACKENDS`."""

    name: str

    @abstractmethod
    def check(self) -> None:
        """Raise SandboxUnavailable when this host cannot run the backend."""

    @abstractmethod
    def install(self, app: Path, work: Path, spec: InstallSpec, on_event: OnEvent | None = None) -> InstallResult:
        """Run the install step over the app folder `app`; `work` is a private scratch folder of the run."""

    @abstractmethod
    def run_pod(self, app: Path, work: Path, spec: PodSpec, on_event: OnEvent | None = None) -> PodResult:
        """Start database and app, wait for health, run the suites, collect evidence; nothing survives."""


DISK_FULL = "No space left on device"


def disk_note(log: str) -> str:
    """Said after a failure's reason when the sandbox ran out of disk (its /tmp or the workspace)."""
    return " (disk limit reached: no space left on device)" if DISK_FULL in log else ""
