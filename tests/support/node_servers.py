"""Install and start a Node.js reference app on the host, for tests and benchmarks.

The install runs once per distinct manifest (package.json, package-lock.json,
.npmrc and the Node version) into a cached folder, with a shared npm cache;
each run then works on a temporary copy of the app whose `node_modules` links
to that install. Variants of one app that differ only in code share it. As in
the pipeline's Node profile, an app with a lockfile is installed with `npm ci`
and one without (e.g. the `express_sqlite` variant) with `npm install`.

    with running_node_app(APPS / "express", database_url=url) as base_url:
        httpx.get(f"{base_url}/api/tags")
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.support.servers import CACHE, AppStartError, running_app

NODE_INSTALLS = CACHE / "node_modules"
NPM_CACHE = CACHE / "npm"
MANIFEST_FILES = ("package.json", "package-lock.json", ".npmrc")
_IGNORE = shutil.ignore_patterns("node_modules", "*.db", ".decaycheck")


def node_version() -> str:
    """`node --version`, or AppStartError when Node.js is missing."""
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as err:
        raise AppStartError(f"Node.js is not available: {err}") from err


def _manifest_digest(app_dir: Path) -> str:
    digest = hashlib.sha256(node_version().encode())
    for name in MANIFEST_FILES:
        path = app_dir / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()[:16]


def install_command(app_dir: Path) -> list[str]:
    """`npm ci` when the app has a lockfile, else `npm install` (the pipeline's Node profile chooses alike)."""
    verb = "ci" if (Path(app_dir) / "package-lock.json").exists() else "install"
    return ["npm", verb, "--no-audit", "--no-fund", "--cache", str(NPM_CACHE)]


def npm_install(app_dir: Path) -> Path:
    """The `node_modules` folder for `app_dir`'s manifest, installed once per content.

    Installed beside its final place and renamed into it, under a lock, so that
    concurrent test processes never see a half-finished install.
    """
    app_dir = Path(app_dir)
    if not (app_dir / "package.json").exists():
        raise AppStartError(f"{app_dir}: no package.json to install from")
    digest = _manifest_digest(app_dir)
    target = NODE_INSTALLS / digest
    if (target / "node_modules").is_dir():
        return target / "node_modules"
    NODE_INSTALLS.mkdir(parents=True, exist_ok=True)
    with open(NODE_INSTALLS / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "node_modules").is_dir():
            return target / "node_modules"
        staging = Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=NODE_INSTALLS))
        try:
            for name in MANIFEST_FILES:
                if (app_dir / name).exists():
                    shutil.copy2(app_dir / name, staging / name)
            command = install_command(app_dir)
            proc = subprocess.run(command, cwd=staging, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if proc.returncode != 0:
                raise AppStartError(
                    f"{' '.join(command[:2])} failed ({proc.returncode}) for {app_dir}:\n{proc.stderr[-3000:]}"
                )
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target / "node_modules"


def node_app_copy(app_dir: Path, dest: Path) -> Path:
    """Copy `app_dir` (without node_modules) to `dest` and link its installed `node_modules`; returns `dest`."""
    app_dir = Path(app_dir)
    modules = npm_install(app_dir)
    shutil.copytree(app_dir, dest, ignore=_IGNORE, symlinks=True)
    (dest / "node_modules").symlink_to(modules, target_is_directory=True)
    return dest


@contextlib.contextmanager
def running_node_app(
    app_dir: Path,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    start_timeout_s: float = 60.0,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Install `app_dir` (cached), run a copy's `run.sh` and yield its base URL.

    `database_url` defaults to a fresh SQLite file (see `running_app`). The
    server is stopped and the copy removed whatever happens.
    """
    with tempfile.TemporaryDirectory(prefix="decaycheck-node-") as scratch:
        copy = node_app_copy(Path(app_dir), Path(scratch) / Path(app_dir).name)
        with running_app(
            copy, database_url=database_url, env=env, start_timeout_s=start_timeout_s, log_path=log_path
        ) as base_url:
            yield base_url
