"""The dependency caches on this machine: one per repository, bounded in size and in number.

    <cache>/deps/<key>/uv, npm   a repository's package caches: read and written by its installs only
    <cache>/pyc-trusted          byte code, shared (seen as /cache/pyc): written only by the trusted
                                 step after an install (never by PR code), read-only everywhere else
    <cache>/postgres             the database template: never visible to an install

A repository's installs can change what its own later installs receive, never
what another repository's do. After every install the repository's cache is
measured: over `DECAYCHECK_CACHE_MB` (default 2048) it is cleared, and only the
`DECAYCHECK_CACHE_REPOS` (default 32) most recently used repositories keep one.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from checks.workspace import cache_dir

DEPS, PYC = "deps", "pyc"
SUBFOLDERS = ("uv", "npm", "yarn", "pnpm")  # every installer cache a runtime profile names under CACHE


def dependency_cache(key: str) -> Path:
    """The repository's cache folder (made on first use; its time stamp says when it was last used)."""
    root = cache_dir() / DEPS / key
    for name in SUBFOLDERS:
        (root / name).mkdir(parents=True, exist_ok=True)
    os.utime(root)
    return root


def byte_code_cache() -> Path:
    path = cache_dir() / "pyc-trusted"  # a new name: byte code written by PR code before is never read
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared(name: str) -> Path:
    """The host folder of a shared cache the run step sees read-only (`RuntimeProfile.run_cache_dirs`)."""
    if name != PYC:
        raise ValueError(f"no shared cache {name!r}")
    return byte_code_cache()


def _size(root: Path, stop_at: int) -> int:
    total = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except OSError:
                continue
        if total > stop_at:
            break
    return total


def bound(key: str) -> str:
    """Enforce both bounds after an install of `key`; returns a note for the install log (empty when none)."""
    cap = int(os.environ.get("DECAYCHECK_CACHE_MB") or 2048) * 1024 * 1024
    keep = int(os.environ.get("DECAYCHECK_CACHE_REPOS") or 32)
    note = ""
    root = cache_dir() / DEPS / key
    if root.is_dir() and _size(root, cap) > cap:
        shutil.rmtree(root, ignore_errors=True)
        note = f"[the dependency cache of this repository grew over {cap // (1024 * 1024)} MB and was cleared]"
    others = sorted(
        (p for p in (cache_dir() / DEPS).iterdir() if p.is_dir() and p.name != key),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in others[max(0, keep - 1) :]:
        if time.time() - stale.stat().st_mtime > 60:  # never one an install is using right now
            shutil.rmtree(stale, ignore_errors=True)
    return note
