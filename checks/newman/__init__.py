"""newman, the Postman collection runner, as a pinned component of decaycheck.

`package.json` and `package-lock.json` beside this file pin newman and every
dependency (with integrity hashes); `ensure()` installs them once per machine
with `npm ci --ignore-scripts` from the npm registry into decaycheck's cache
(a folder named by the lock file's hash, filled in a scratch folder and
renamed, so concurrent runs never see half an install), never from a
repository. The pod sees the folder and the host's node read-only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checks.workspace import cache_dir

HERE = Path(__file__).resolve().parent
VERSION = "6.2.2"
INSTALL_TIMEOUT_S = 600


class NewmanUnavailable(RuntimeError):
    """newman cannot be installed or run on this host (no node or npm, no registry)."""


@dataclass(frozen=True)
class Newman:
    node: Path
    script: Path  # newman's bin/newman.js
    folders: tuple[Path, ...]  # what the pod must see read-only to run it

    def argv(self) -> list[str]:
        return [str(self.node), str(self.script)]


def lock_digest() -> str:
    return hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()[:12]


def ensure() -> Newman:
    """The installed newman, installing it first when this machine has none for the current lock file."""
    node = shutil.which("node")
    if node is None:
        raise NewmanUnavailable("Postman suites need node on the host (https://nodejs.org), for newman")
    target = cache_dir() / f"newman-{VERSION}-{lock_digest()}"
    script = target / "node_modules" / "newman" / "bin" / "newman.js"
    if not script.is_file():
        _install(target)
    node_path = Path(node).resolve()
    folders = [target]
    if not node_path.is_relative_to("/usr"):
        folders.append(node_path.parent.parent)
    return Newman(node=node_path, script=script, folders=tuple(folders))


def _install(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NewmanUnavailable("Postman suites need npm on the host to install newman once")
    scratch = Path(tempfile.mkdtemp(prefix=".newman-", dir=target.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, scratch / name)
        env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("npm_config_", "github", "decaycheck"))}
        res = subprocess.run(
            [
                npm,
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--omit=dev",
                "--registry=https://registry.npmjs.org/",
            ],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
        )
        if res.returncode != 0:
            raise NewmanUnavailable(f"installing newman {VERSION} failed: {(res.stderr or res.stdout)[-1500:]}")
        try:
            scratch.rename(target)
        except OSError:
            if not (target / "node_modules" / "newman").is_dir():  # else another run installed it first
                raise
    except subprocess.TimeoutExpired as exc:
        raise NewmanUnavailable(f"installing newman {VERSION} took over {INSTALL_TIMEOUT_S} s") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
