"""Runtime profiles: how an app of each runtime is prepared, installed and started.

A profile is data: the commands of the install step (run in the sandbox with
network), the environment both steps share, and the host folders the sandbox
must see read-only for the toolchain to work. Sandbox backends read profiles,
and branch on the runtime only where a runtime needs something of the backend
itself: the Docker backend picks the runtime's image and fetches uv into a
Python image; the local backend bounds memory by address space (its fallback
without cgroups) for Python only, since V8 reserves large address ranges. A
new runtime is a profile here plus an image in `checks.sandbox.docker_images`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

WORKSPACE = "/workspace"  # where the app folder is mounted inside every sandbox
CACHE = "/cache"  # the repository's dependency cache, writable only by its install step


class RuntimeUnavailable(RuntimeError):
    """The host cannot run this runtime (toolchain missing or a version the app refuses)."""


@dataclass(frozen=True)
class InstallPlan:
    """What the install step runs, in order, as shell commands inside the sandbox.

    `source` says what decided the install (a lockfile, a manifest, `app.install`);
    `toolchain` the interpreter chosen and why."""

    commands: list[str]
    env: dict[str, str]
    ro_paths: list[Path] = field(default_factory=list)
    source: str = ""
    toolchain: str = ""
    version: str | None = None  # the runtime's version ("3.12", "20"), for backends that pick an image by it
    # Run after the install in a step no PR process reaches (no network, the workspace read-only).
    trusted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RuntimeProfile:
    name: str
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
        return self.install_source(app_dir, configured)[1]

    def install_source(self, app_dir: Path, configured: str | None) -> tuple[str, str]:
        """(what decided, command): `app.install`, the first lockfile or manifest found, or the fallback."""
        if configured:
            return "app.install", configured
        for manifest, command in self.default_install:
            if (app_dir / manifest).is_file():
                return manifest, command
        return "nothing", self.fallback_install

    def environment(self, base_path: str) -> dict[str, str]:
        """Environment shared by install and run (without the repo's own `env`)."""
        path = ":".join([f"{WORKSPACE}/{d}" for d in self.path_dirs] + [base_path])
        return {**self.env, "PATH": path}


PYTHON = RuntimeProfile(
    name="python",
    prepare=("{uv} venv -q --python {python} .venv",),
    # First match wins (the report says which). poetry.lock and Pipfile.lock are read by decaycheck into
    # an exact pin list (.decaycheck/locked.txt) that uv installs as it is.
    default_install=(
        ("uv.lock", "uv sync --frozen --no-dev --no-install-project"),
        ("poetry.lock", "uv pip install --no-deps -r .decaycheck/locked.txt"),
        ("requirements.txt", "uv pip install -r requirements.txt"),
        ("pyproject.toml", "uv pip install -r pyproject.toml"),
        ("Pipfile.lock", "uv pip install --no-deps -r .decaycheck/locked.txt"),
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
    prepare=(),
    default_install=(
        ("package-lock.json", "npm ci --no-audit --no-fund"),
        ("npm-shrinkwrap.json", "npm ci --no-audit --no-fund"),
        # yarn and pnpm come from the npm registry itself (the only registry the install step reaches).
        ("yarn.lock", "npx --yes yarn@1.22.22 install --frozen-lockfile --non-interactive --no-progress"),
        (
            "pnpm-lock.yaml",
            f"npx --yes pnpm@9.15.0 install --frozen-lockfile --reporter=append-only --store-dir {CACHE}/pnpm",
        ),
        ("package.json", "npm install --no-audit --no-fund"),
    ),
    fallback_install="echo 'no package.json in the app folder' >&2; exit 1",
    path_dirs=("node_modules/.bin",),
    env={
        "npm_config_cache": f"{CACHE}/npm",
        "npm_config_update_notifier": "false",
        "YARN_CACHE_FOLDER": f"{CACHE}/yarn",
        # Native modules (bcrypt, sqlite3) build from source against the local Node headers instead of
        # downloading prebuilt binaries or headers from hosts the install step cannot reach.
        "npm_config_build_from_source": "true",
        # npm's debug log lands in the workspace, where the report can quote it.
        "npm_config_logs_dir": f"{WORKSPACE}/.decaycheck/npm-logs",
    },
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


def install_plan(
    runtime: str,
    app_dir: Path,
    configured: str | None,
    extra_env: dict[str, str],
    *,
    python: str | None = None,
    node: str | None = None,
    as_of: str | None = None,
) -> InstallPlan:
    """The install step for the app copied at `app_dir`; `python`/`node` are `app.python`/`app.node`.

    `as_of` (an ISO date-time) hides releases published after it from the resolvers. Raises
    RuntimeUnavailable when no interpreter on the host matches what the config or the repo asks for."""
    profile = PROFILES[runtime]
    ro: list[Path] = []
    fill: dict[str, str] = {}
    source, command = profile.install_source(app_dir, configured)
    if runtime == "python":
        uv = find_uv()
        interpreter, toolchain = choose_python(app_dir, python)
        warm = Path(__file__).resolve().parent / "sandbox" / "pyc_warm.py"
        fill = {"uv": str(uv), "python": str(interpreter), "pyc_warm": str(warm), "pycache": f"{CACHE}/pyc"}
        ro += [uv, Path(sys.base_prefix).resolve(), interpreter.parent.parent, warm]
        if source in ("poetry.lock", "Pipfile.lock"):
            write_locked(app_dir, source)
    else:
        toolchain = check_node(app_dir, node)
        binary = Path(shutil.which("node") or "/usr/bin/node").resolve()
        ro.append(binary.parent.parent)
        if source == "yarn.lock":
            npm_registry_lock(app_dir / "yarn.lock")
    env = profile.environment(_tool_path(ro))
    if runtime == "node":
        env["npm_config_nodedir"] = str(Path(shutil.which("node") or "/usr/bin/node").resolve().parent.parent)
    if (
        as_of is not None
    ):  # releases after this date do not exist for the resolver (`uv --exclude-newer`, `npm --before`)
        env.update({"UV_EXCLUDE_NEWER": as_of, "npm_config_before": as_of})
    env.update(extra_env)
    commands = [c.format(**fill) for c in profile.prepare]
    commands.append(command)
    trusted = [c.format(**fill) for c in profile.finish]
    found = re.match(r"(?:python|node) (\d+)(\.\d+)?", toolchain)
    version = None if found is None else found[1] + ((found[2] or "") if runtime == "python" else "")
    return InstallPlan(
        commands=commands,
        env=env,
        ro_paths=list(dict.fromkeys(ro)),
        trusted=trusted,
        source=source,
        toolchain=toolchain,
        version=version,
    )


# interpreters -------------------------------------------------------------------


def python_interpreters() -> dict[str, Path]:
    """Version -> interpreter, for every Python found on the host: pyenv's, uv's managed ones, the system's."""
    found: dict[str, Path] = {}
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    uv_managed = Path(os.environ.get("UV_PYTHON_INSTALL_DIR") or Path.home() / ".local/share/uv/python")
    for folder in [*sorted(pyenv.glob("*")), *sorted(uv_managed.glob("cpython-*"))]:
        m = re.search(r"(\d+)\.(\d+)\.(\d+)$|cpython-(\d+)\.(\d+)\.(\d+)-", folder.name)
        if not m:
            continue
        major, minor, patch = (g for g in m.groups() if g is not None)
        exe = folder / "bin" / f"python{major}.{minor}"
        if int(major) >= 3 and _is_binary(exe.resolve()):
            found.setdefault(f"{major}.{minor}.{patch}", exe)
    for exe in sorted(Path("/usr/bin").glob("python3.*")) + sorted(Path("/usr/local/bin").glob("python3.*")):
        if re.fullmatch(r"python3\.\d+", exe.name) and _is_binary(exe.resolve()):
            found.setdefault(exe.name.removeprefix("python"), exe)  # the minor version is in the name
    host = host_python()
    found.setdefault(".".join(map(str, sys.version_info[:3])), host)
    return dict(sorted(found.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))))


def declared_python(app_dir: Path) -> tuple[str, str] | None:
    """(specifier, where) the repository declares: .python-version, else requires-python / poetry's python."""
    pinned = app_dir / ".python-version"
    if pinned.is_file():
        first = pinned.read_text(errors="replace").strip().splitlines()
        if first and re.fullmatch(r"\d+(\.\d+){0,2}", first[0].strip()):
            return first[0].strip(), ".python-version"
    pyproject = app_dir / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(errors="replace"))
        except tomllib.TOMLDecodeError:
            return None
        spec = data.get("project", {}).get("requires-python")
        if isinstance(spec, str):
            return spec, "requires-python"
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
        if isinstance(poetry, str):
            return _poetry_spec(poetry), "tool.poetry.dependencies.python"
    return None


def _poetry_spec(spec: str) -> str:
    """Poetry's `^3.11` / `~3.11` as a PEP 440 specifier."""
    m = re.fullmatch(r"\s*([\^~])\s*(\d+)\.(\d+)(?:\.\d+)?\s*", spec)
    if not m:
        return spec
    major, minor = int(m[2]), int(m[3])
    upper = f"{major + 1}" if m[1] == "^" else f"{major}.{minor + 1}"
    return f">={major}.{minor},<{upper}"


def _matches(version: str, spec: str) -> bool:
    if re.fullmatch(r"\d+(\.\d+){0,2}", spec.strip()):  # "3.12" means any 3.12.x
        wanted = spec.strip().split(".")
        return version.split(".")[: len(wanted)] == wanted
    try:
        return SpecifierSet(spec).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True  # an unreadable declaration is not a reason to refuse the app


def choose_python(app_dir: Path, configured: str | None) -> tuple[Path, str]:
    """The interpreter for the app's venv and why: `app.python`, else what the repo declares, else the host's.

    The host's own Python is kept whenever it matches; otherwise the oldest matching one found (the
    version a lock is most often resolved for)."""
    declared = (configured, "app.python") if configured else declared_python(app_dir)
    host_version = ".".join(map(str, sys.version_info[:3]))
    if declared is None:
        return host_python(), f"python {host_version} (the host's; the repository declares none)"
    spec, where = declared
    if _matches(host_version, spec):
        return host_python(), f"python {host_version} ({where}: {spec})"
    found = python_interpreters()
    matching = [v for v in found if _matches(v, spec)]
    if not matching:
        raise RuntimeUnavailable(
            f"{where} asks for python {spec!r}; this host has {', '.join(found)} "
            "(install one, e.g. with pyenv, or set app.python)"
        )
    return found[matching[0]], f"python {matching[0]} ({where}: {spec})"


def check_node(app_dir: Path, configured: str | None) -> str:
    """The node this host has, checked against `app.node`, else engines.node / .nvmrc; raises when it does not match."""
    version = _node_version()
    have = ".".join(map(str, version))
    wanted, where = configured, "app.node"
    if wanted is None:
        nvmrc = app_dir / ".nvmrc"
        if nvmrc.is_file():
            text = nvmrc.read_text(errors="replace").strip().removeprefix("v")
            if re.fullmatch(r"\d+(\.\d+){0,2}", text):
                wanted, where = text, ".nvmrc"
    if wanted is None:
        return f"node {have}"
    spec = wanted if any(c in wanted for c in "<>=^~|x* ") else f"{wanted}.x"
    if not satisfies(version, spec):
        raise RuntimeUnavailable(f"{where} asks for node {wanted!r}; this host has node {have} only")
    return f"node {have} ({where}: {wanted})"


# lockfiles ------------------------------------------------------------------------


def locked_requirements(app_dir: Path, lockfile: str) -> list[str]:
    """`name==version ; markers` for every package poetry.lock or Pipfile.lock pins (dev packages left out)."""
    path = app_dir / lockfile
    if lockfile == "Pipfile.lock":
        data = json.loads(path.read_text(errors="replace"))
        pins = []
        for name, entry in sorted((data.get("default") or {}).items()):
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                marker = f" ; {entry['markers']}" if entry.get("markers") else ""
                pins.append(f"{name}{entry['version']}{marker}")
        return pins
    data = tomllib.loads(path.read_text(errors="replace"))
    pins = []
    for package in data.get("package", []):
        groups = package.get("groups")
        if package.get("category", "main") != "main" or (isinstance(groups, list) and "main" not in groups):
            continue
        marker = f" ; {package['markers']}" if isinstance(package.get("markers"), str) else ""
        pins.append(f"{package['name']}=={package['version']}{marker}")
    return pins


def write_locked(app_dir: Path, lockfile: str) -> Path:
    """The pins of a poetry/Pipenv lock as a requirements file in the workspace copy (.decaycheck/locked.txt)."""
    try:
        pins = locked_requirements(app_dir, lockfile)
    except (ValueError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise RuntimeUnavailable(f"{lockfile} cannot be read: {exc}") from None
    target = app_dir / ".decaycheck" / "locked.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(p + "\n" for p in pins))
    return target


def npm_registry_lock(lock: Path) -> None:
    """yarn.lock names yarn's mirror of the npm registry: the same tarballs, fetched from the npm registry."""
    text = lock.read_text(errors="replace")
    lock.write_text(text.replace("https://registry.yarnpkg.com/", "https://registry.npmjs.org/"))


_INSTALL_CAUSE = re.compile(
    r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|E404|ERESOLVE|No such file|not found"
)


def installer_error(app_dir: Path) -> str:
    """The installer's own account of a failure, from npm's debug log in the workspace (empty when none)."""
    logs = sorted((app_dir / ".decaycheck" / "npm-logs").glob("*-debug-*.log"))
    if not logs:
        return ""
    lines = logs[-1].read_text(errors="replace").splitlines()
    wanted = [ln for ln in lines if re.search(r"\b(error|ERR!|verbose stack)\b", ln)]
    # The root cause (a host the install step may not reach, a missing header) comes first, however early it was.
    causes = list(dict.fromkeys(ln for ln in wanted if _INSTALL_CAUSE.search(ln)))[:5]
    tail = [ln for ln in (wanted or lines)[-25:] if ln not in causes]
    return "\n".join(causes + (["..."] if causes and tail else []) + tail)


def _tool_path(ro: list[Path]) -> str:
    dirs = [str(p.parent) if p.is_file() else str(p / "bin") for p in ro]
    return ":".join(dict.fromkeys(dirs + [SYSTEM_PATH]))
