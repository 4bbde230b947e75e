"""The workspace: a private copy of the app folder, so the checkout is never modified.

Installs, databases and logs all land in the copy; it is deleted when the
evaluation ends. Build output a checkout may carry (venvs, node_modules,
caches, VCS data) is left behind so every run installs from scratch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

# A run is bounded (install_s + start_s + suite_s); anything this old was left by a killed process.
STALE_AFTER_S = 6 * 3600
IGNORED = (".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".decaycheck")


def cache_dir() -> Path:
    """Where dependency caches and the PostgreSQL template live, shared by every run on this machine."""
    base = (
        os.environ.get("DECAYCHECK_CACHE_DIR")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "decaycheck"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _memory_dir() -> str | None:
    """A tmpfs when there is one: installs write tens of megabytes that live for one run."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def sweep_stale(base: Path) -> None:
    """Remove run folders a killed evaluation could not delete (SIGKILL skips every `finally`)."""
    cutoff = time.time() - STALE_AFTER_S
    for entry in base.glob("decaycheck-*"):
        try:
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


class Workspace:
    """`root` is the per-run folder; `app` the copied app; `run` holds what the sandbox writes besides the app."""

    def __init__(self, app_dir: Path, *, keep: bool = False) -> None:
        self.source = app_dir
        self.keep = keep
        base = os.environ.get("DECAYCHECK_WORK_DIR") or _memory_dir()
        if base:
            Path(base).mkdir(parents=True, exist_ok=True)
        sweep_stale(Path(base or tempfile.gettempdir()))
        self.root = Path(tempfile.mkdtemp(prefix="decaycheck-", dir=base))
        self.app = self.root / "app"
        self.run = self.root / "run"
        shutil.copytree(app_dir, self.app, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
        self.run.mkdir()

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
