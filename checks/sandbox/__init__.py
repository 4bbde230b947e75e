"""Sandbox backends: where untrusted app code is installed and run."""

from __future__ import annotations

import os

from checks.sandbox.base import (
    InstallResult,
    InstallSpec,
    Limits,
    PodResult,
    PodSpec,
    SandboxBackend,
    SandboxUnavailable,
)

__all__ = [
    "BACKENDS",
    "InstallResult",
    "InstallSpec",
    "Limits",
    "PodResult",
    "PodSpec",
    "SandboxBackend",
    "SandboxUnavailable",
    "get_backend",
]

# name -> "module:Class"; imported lazily so a backend's dependencies load only when used.
BACKENDS: dict[str, str] = {
    "local": "checks.sandbox.local:LocalBackend",
    "docker": "checks.sandbox.docker:DockerBackend",
}


def get_backend(name: str | None = None) -> SandboxBackend:
    """The named backend, else `$DECAYCHECK_SANDBOX`, else `local`."""
    import importlib

    chosen = name or os.environ.get("DECAYCHECK_SANDBOX") or "local"
    target = BACKENDS.get(chosen)
    if target is None:
        raise SandboxUnavailable(f"unknown sandbox {chosen!r}; known: {', '.join(BACKENDS)}")
    module, cls = target.split(":")
    try:
        backend = getattr(importlib.import_module(module), cls)()
    except (ImportError, AttributeError) as exc:
        raise SandboxUnavailable(f"sandbox {chosen!r} is not available: {exc}") from exc
    return backend
