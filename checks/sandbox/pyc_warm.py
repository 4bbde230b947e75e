"""Compile a venv's installed modules into a shared bytecode cache, once per distinct source.

Run by the install step with PYTHONPYCACHEPREFIX set to the shared cache. Byte
code is written in checked-hash mode, so a later run reuses it whatever the
files' timestamps (a fresh venv copies files with new ones), and Python
re-checks the source hash at import, so a stale entry is never used. Only
files whose cached byte code is missing or stale are compiled: a warm run
costs a hash per file instead of a compile.
"""

from __future__ import annotations

import importlib.util
import py_compile
import sys
import sysconfig
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _stale(source: Path) -> bool:
    cached = Path(importlib.util.cache_from_source(str(source)))
    try:
        with cached.open("rb") as f:
            header = f.read(16)
        return header[8:16] != importlib.util.source_hash(source.read_bytes())
    except OSError:
        return True


def _compile(source: str) -> None:
    try:
        py_compile.compile(source, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH, quiet=2)
    except Exception:
        pass


# Standard-library folders no server imports.
STDLIB_SKIP = {
    "test",
    "tests",
    "idlelib",
    "tkinter",
    "turtledemo",
    "lib2to3",
    "ensurepip",
    "site-packages",
    "distutils",
    "pydoc_data",
}


def hash_of(folder: Path) -> str:
    """Identifies one installed standard library (its path and its modification time)."""
    return importlib.util.source_hash(f"{folder}:{folder.stat().st_mtime_ns}".encode()).hex()[:12]


def _sources(root: Path, skip: set[str]) -> list[Path]:
    return [p for p in root.rglob("*.py") if not skip.intersection(p.relative_to(root).parts[:-1])]


def main(root: str) -> int:
    """Warm `root` (the venv's lib folder) and the interpreter's standard library (under the prefix, stdlib
    byte code is looked up there too)."""
    sources = _sources(Path(root), set())
    stdlib = Path(sysconfig.get_path("stdlib"))
    marker = Path(sys.pycache_prefix or ".") / f".stdlib-{sys.version_info[0]}.{sys.version_info[1]}-{hash_of(stdlib)}"
    if not marker.exists():
        sources += _sources(stdlib, STDLIB_SKIP)
    todo = [str(p) for p in sources if _stale(p)]
    if len(todo) > 50:
        with ProcessPoolExecutor() as pool:
            list(pool.map(_compile, todo, chunksize=32))
    else:
        for source in todo:
            _compile(source)
    if sys.pycache_prefix and not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    print(f"byte code: {len(todo)} module(s) compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
