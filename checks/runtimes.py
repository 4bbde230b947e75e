"""Runtime profiles: how an app of each runtime is prepared, installed and started.

A profile is data: the commands of the install step (run in the sandbox with
network), the environment both steps share, and the host folders the sandbox
must see read-only for the toolchain to work. Sandbox backends read profiles;
they never branch on the runtime themselves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

WORKSPACE = "/workspace"  # where the app folder is mounted inside every sandbox
CACHE = "/cache"  # the repository's dependency cache, writable only by its install step


class RuntimeUnavailable(RuntimeError):
    """The host cannot run this runtime (toolchain missing or a version the app refuses)."""


@dataclass(frozen=True)
class InstallPlan:
    """What the install step runs, in order, as shell commands inside the sandbox."""

    commands: list[str]
    env: dict[str, str]
    ro_paths: list[Path] = field(default_factory=list)
    # Run after the install in a step no PR process reaches (no network, the workspace read-only).
    trusted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RuntimeProfile:
    name: str
    default_port: int
    # Shell commands run before the install command (e.g. creating the venv).
    prepare: tuple[str, ...]
    # (manifest file, install command) pairs: the first whose file exists wins.
    default_install: tuple[tuple[str, str], ...]
    fallback_install: str
    # Folders under the workspace put first on PATH.
    path_dirs: tuple[str, ...]
    env: dict[str, str]
    # Folders under the workspace that the run step mounts read-only (installed code must not change).
    frozen_dirs: tuple[str, ...] = ()
    # Sub-folders of the dependency cache the run step sees read-only.
    run_cache_dirs: tuple[str, ...] = ()
    # Shell commands run after the install, apart from it (no PR process, no network, the workspace
    # read-only): the only step that may write the shared byte-code cache. `{python}` is the host's
    # interpreter by absolute path, never one from the PR's venv.
    finish: tuple[str, ...] = ()

    def install_command(self, app_dir: Path, configured: str | None) -> str:
        if configured:
            return configured
        for manifest, command in self.default_install:
            if (app_dir / manifest).is_file():
                return command
        return self.fallback_install

    def environment(self, base_path: str) -> dict[str, str]:
        """Environment shared by install and run (without the repo's own `env`)."""
        path = ":".join([f"{WORKSPACE}/{d}" for d in self.path_dirs] + [base_path])
        return {**self.env, "PATH": path}


PYTHON = RuntimeProfile(
    name="python",
    default_port=8080,
    prepare=("{uv} venv -q --python {python} .venv",),
    default_install=(
        ("requirements.txt", "uv pip install -r requirements.txt"),
        ("pyproject.toml", "uv pip install -r pyproject.toml"),
    ),
    fallback_install="echo 'no requirements.txt or pyproject.toml in the app folder' >&2; exit 1",
    path_dirs=(".venv/bin",),
    env={
        "VIRTUAL_ENV": f"{WORKSPACE}/.venv",
        "UV_CACHE_DIR": f"{CACHE}/uv",
        "UV_PYTHON_DOWNLOADS": "never",
        # The cache and the venv are different mounts: hardlinks cannot cross them, and a copy
        # keeps the run step from altering cached files through its venv.
        "UV_LINK_MODE": "copy",
        "UV_NO_PROGRESS": "1",
        "PYTHONUNBUFFERED": "1",
        # Byte code of installed packages, shared across runs (see checks/sandbox/pyc_warm.py), written
        # only by the trusted step after the install; read-only in the install and run steps, where the
        # app's own modules compile in memory.
        "PYTHONPYCACHEPREFIX": f"{CACHE}/pyc",
    },
    frozen_dirs=(".venv",),
    run_cache_dirs=("pyc",),
    finish=("{python} -I -S -X pycache_prefix={pycache} {pyc_warm} .venv/lib",),
)

NODE = RuntimeProfile(
    name="node",
    default_port=3000,
    prepare=(),
    default_install=(
        ("package-lock.json", "npm ci --no-audit --no-fund"),
        ("package.json", "npm install --no-audit --no-fund"),
    ),
    fallback_install="echo 'no package.json in the app folder' >&2; exit 1",
    path_dirs=("node_modules/.bin",),
    env={"npm_config_cache": f"{CACHE}/npm", "npm_config_update_notifier": "false"},
    frozen_dirs=("node_modules",),
)

PROFILES: dict[str, RuntimeProfile] = {p.name: p for p in (PYTHON, NODE)}

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def _is_binary(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def find_uv() -> Path:
    """A real uv binary (version-manager shims are scripts that do not work in the sandbox)."""
    candidates = [
        os.environ.get("DECAYCHECK_UV"),
        Path(sys.prefix) / "bin/uv",
        Path(sys.base_prefix) / "bin/uv",
        shutil.which("uv"),
    ]
    for c in candidates:
        if c and _is_binary(Path(c).resolve()):
            return Path(c).resolve()
    raise RuntimeUnavailable("uv is not installed (./dev setup installs it)")


def host_python() -> Path:
    """The interpreter a fresh app venv is built on: decaycheck's own base interpreter."""
    for name in (f"python{sys.version_info.major}.{sys.version_info.minor}", "python3"):
        p = Path(sys.base_prefix) / "bin" / name
        if p.exists():
            return p.resolve()
    return Path(sys.executable).resolve()


def _node_version() -> tuple[int, int, int]:
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        raise RuntimeUnavailable("node and npm are not installed (./dev setup installs them)")
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)", out)
    if not m:
        raise RuntimeUnavailable(f"cannot read the node version from {out!r}")
    return int(m[1]), int(m[2]), int(m[3])


def satisfies(version: tuple[int, int, int], spec: str) -> bool:
    """Whether `version` meets an npm `engines` range (`>=18`, `^20.1`, `18.x || 20.x`, `>=18 <21`, `*`)."""
    for alternative in spec.split("||"):
        comparators = (
            alternative.replace(">= ", ">=").replace("<= ", "<=").replace("> ", ">").replace("< ", "<").split()
        )
        if all(_comparator_holds(version, c) for c in comparators or ["*"]):
            return True
    return False


def _comparator_holds(version: tuple[int, int, int], comp: str) -> bool:
    m = re.fullmatch(r"(>=|<=|>|<|=|\^|~)?v?(\*|x|X|\d+)(?:\.(\*|x|X|\d+))?(?:\.(\*|x|X|\d+))?(?:[-+].*)?", comp)
    if not m:
        return True  # an unknown form is not a reason to refuse the app
    op = m[1] or "="
    parts = [None if p in (None, "*", "x", "X") else int(p) for p in m.group(2, 3, 4)]
    if parts[0] is None:
        return True
    given = [p for p in parts if p is not None]
    low = tuple(given + [0] * (3 - len(given)))
    if op == "^":
        return version >= low and version[0] == low[0]
    if op == "~":
        return version >= low and version[: max(1, min(2, len(given)))] == low[: max(1, min(2, len(given)))]
    if op == "=":
        return version[: len(given)] == tuple(given)
    cut = version[: len(given)] if op in (">", "<=") else version
    target = tuple(given) if op in (">", "<=") else low
    return {">=": cut >= target, ">": cut > target, "<": cut < target, "<=": cut <= target}[op]


def check_host(runtime: str, app_dir: Path) -> None:
    """Raise RuntimeUnavailable when the host cannot serve this app (said before anything is installed)."""
    if runtime == "python":
        find_uv()
        return
    version = _node_version()
    manifest = app_dir / "package.json"
    if manifest.is_file():
        try:
            wanted = (json.loads(manifest.read_text()).get("engines") or {}).get("node")
        except (ValueError, AttributeError):
            return  # npm reports the broken manifest during install
        if isinstance(wanted, str) and not satisfies(version, wanted):
            have = ".".join(map(str, version))
            raise RuntimeUnavailable(f"package.json asks for node {wanted!r}; this host has node {have}")


def install_plan(runtime: str, app_dir: Path, configured: str | None, extra_env: dict[str, str]) -> InstallPlan:
    profile = PROFILES[runtime]
    ro: list[Path] = []
    fill: dict[str, str] = {}
    if runtime == "python":
        uv, python = find_uv(), host_python()
        warm = Path(__file__).resolve().parent / "sandbox" / "pyc_warm.py"
        fill = {"uv": str(uv), "python": str(python), "pyc_warm": str(warm), "pycache": f"{CACHE}/pyc"}
        ro += [uv, Path(sys.base_prefix).resolve(), warm]
    else:
        node = Path(shutil.which("node") or "/usr/bin/node").resolve()
        ro.append(node.parent.parent)
    env = profile.environment(_tool_path(ro))
    env.update(extra_env)
    commands = [c.format(**fill) for c in profile.prepare]
    commands.append(profile.install_command(app_dir, configured))
    trusted = [c.format(**fill) for c in profile.finish]
    return InstallPlan(commands=commands, env=env, ro_paths=ro, trusted=trusted)


def _tool_path(ro: list[Path]) -> str:
    dirs = [str(p.parent) if p.is_file() else str(p / "bin") for p in ro]
    return ":".join(dict.fromkeys(dirs + [SYSTEM_PATH]))
