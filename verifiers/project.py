"""A repository read once: every source file parsed, imports resolved to files, dependencies listed.

Rules read this and nothing else, so each file is parsed exactly once per
verification however many rules look at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from verifiers.model import Import, SourceFile, StringLiteral
from verifiers.parse_js import parse_js
from verifiers.parse_python import parse_python

PYTHON_SUFFIXES = (".py",)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
# Prisma declares its database in its schema, not in code: `provider = "postgresql"` is read as a setting.
PRISMA_SUFFIXES = (".prisma",)
_PRISMA_SETTING = re.compile(r'^\s*(provider|url)\s*=\s*"([^"]*)"', re.MULTILINE)
SKIP_DIRS = frozenset(
    {
        "node_modules",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        ".git",
        "dist",
        "build",
        ".decaycheck",
        ".pytest_cache",
        ".mypy_cache",
        "coverage",
        ".next",
    }
)
_JS_RESOLVE = (
    "",
    ".js",
    ".ts",
    ".mjs",
    ".cjs",
    ".jsx",
    ".tsx",
    ".json",
    "/index.js",
    "/index.ts",
    "/index.mjs",
    "/index.cjs",
)


@dataclass(frozen=True, slots=True)
class Dependency:
    """A declared dependency (normalized name: lowercase, `_` -> `-`, extras dropped) and where it is declared."""

    name: str
    path: str
    line: int
    column: int = 1


@dataclass
class Project:
    root: Path
    files: dict[str, SourceFile] = field(default_factory=dict)
    dependencies: list[Dependency] = field(default_factory=list)

    def dependency(self, names: frozenset[str] | set[str] | list[str]) -> Dependency | None:
        wanted = {normalize_package(n) for n in names}
        return next((d for d in self.dependencies if d.name in wanted), None)

    @property
    def runtime(self) -> str | None:
        py = sum(1 for f in self.files.values() if f.language == "python")
        js = len(self.files) - py
        if not self.files:
            return None
        return "python" if py >= js else "node"


def normalize_package(name: str) -> str:
    return re.split(r"[\[<>=!~;\s]", name.strip(), maxsplit=1)[0].lower().replace("_", "-")


MAX_READ_BYTES = 2 * 1024 * 1024


def read_inside(root: Path, path: Path, cap: int = MAX_READ_BYTES) -> str | None:
    """The text of a regular file under `root` (at most `cap` bytes), else None.

    The folder came back from a sandbox and is untrusted: a symlink anywhere on
    the way (one pointing at a host file, or out of the folder) is never
    followed, and FIFOs, sockets and devices are never opened for reading.
    """
    try:
        rel = path.relative_to(root)
        current = root
        for part in rel.parts:
            current = current / part
            if current.is_symlink():
                return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        return f.read(cap).decode("utf-8", "replace")


def source_paths(root: Path) -> list[str]:
    """Repository-relative POSIX paths of every Python/JS/TS source, skipping vendored and build folders."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rel = Path(dirpath).relative_to(root)
        for name in sorted(filenames):
            if name.endswith(PYTHON_SUFFIXES + JS_SUFFIXES + PRISMA_SUFFIXES) and not name.endswith(".d.ts"):
                found.append((rel / name).as_posix())
    return found


def parse_prisma(rel: str, text: str) -> SourceFile:
    """A Prisma schema's settings (`provider`, `url`) as keyed strings; it holds no imports or calls."""
    source = SourceFile(path=rel, language="javascript")
    for match in _PRISMA_SETTING.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        column = match.start(2) - (text.rfind("\n", 0, match.start(2)) + 1) + 1
        source.strings.append(StringLiteral(value=match[2], line=line, column=column, key=match[1]))
    return source


def _parser(rel: str):
    if rel.endswith(PYTHON_SUFFIXES):
        return parse_python
    return parse_prisma if rel.endswith(PRISMA_SUFFIXES) else parse_js


class ParseCache:
    """Parsed models by content, so a file unchanged between two verifications is parsed once.

    Pull requests change a few files of a large tree, and the pipeline and the
    CLI verify the same checkout more than once; keyed by the file's grammar
    and the SHA-256 of its text, a hit is exact whatever the file's path.
    """

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, bytes], SourceFile] = OrderedDict()

    def parse(self, rel: str, text: str) -> SourceFile:
        grammar = (
            "python"
            if rel.endswith(PYTHON_SUFFIXES)
            else "prisma"
            if rel.endswith(PRISMA_SUFFIXES)
            else ("tsx" if rel.endswith(".tsx") else "ts" if rel.endswith((".ts", ".mts", ".cts")) else "js")
        )
        key = (grammar, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        cached = self._entries.get(key)
        if cached is None:
            cached = _parser(rel)(rel, text)
            self._entries[key] = cached
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return SourceFile(
            path=rel,
            language=cached.language,
            imports=list(cached.imports),
            calls=list(cached.calls),
            strings=list(cached.strings),
            definitions=list(cached.definitions),
            parse_error=cached.parse_error,
        )

    def clear(self) -> None:
        self._entries.clear()


PARSE_CACHE = ParseCache()


def load_project(root: Path, paths: list[str] | None = None, *, cache: ParseCache | None = PARSE_CACHE) -> Project:
    """Parse every source under `root` (or only `paths`) and resolve each import.

    `cache=None` parses every file afresh (what the benchmark's cold figures measure).
    """
    root = root.resolve()
    project = Project(root=root)
    for rel in paths if paths is not None else source_paths(root):
        text = read_inside(root, root / rel)
        if text is None:
            continue
        if cache is not None:
            project.files[rel] = cache.parse(rel, text)
        else:
            project.files[rel] = _parser(rel)(rel, text)
    _resolve_imports(project)
    project.dependencies = dependencies(root)
    return project


# import resolution ------------------------------------------------------------


def _python_index(paths: list[str]) -> dict[str, str]:
    """Dotted module name -> file, from every source root.

    Source roots are the repository root and the parent of every top-level
    package (a folder with `__init__.py` whose parent has none), so `src/` and
    `backend/` layouts resolve while `import queue` never lands on some
    `pkg/queue.py`.
    """
    packages = {str(PurePosixPath(p).parent) for p in paths if PurePosixPath(p).name == "__init__.py"}
    roots = {"."} | {str(PurePosixPath(d).parent) for d in packages if str(PurePosixPath(d).parent) not in packages}
    index: dict[str, str] = {}
    for root in sorted(roots, key=lambda r: (r != ".", r)):
        prefix = () if root == "." else PurePosixPath(root).parts
        for rel in paths:
            parts = PurePosixPath(rel).with_suffix("").parts
            if not rel.endswith(".py") or parts[: len(prefix)] != prefix:
                continue
            parts = parts[len(prefix) :]
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                index.setdefault(".".join(parts), rel)
    return index


def _resolve_python(imp: Import, rel: str, index: dict[str, str], packages: set[str]) -> Import:
    module = imp.module
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        package = list(PurePosixPath(rel).parent.parts)
        if level > 1:
            package = package[: len(package) - (level - 1)]
        rest = module.lstrip(".")
        base = ".".join(package + ([rest] if rest else []))
        candidates = [f"{base}.{n}" for n in imp.names] + [base]
        for candidate in candidates:
            candidate = candidate.strip(".")
            if candidate in index:
                return replace(imp, target=index[candidate])
        return imp
    candidates = [f"{module}.{n}" for n in imp.names] + [module]
    folder = PurePosixPath(rel).parent
    if str(folder) not in packages and str(folder) != ".":
        # A script's folder is on sys.path when it runs: `import config` beside it is local.
        local = ".".join(folder.parts)
        candidates += [f"{local}.{c}" for c in candidates]
    for candidate in candidates:
        if candidate in index:
            return replace(imp, target=index[candidate])
    return replace(imp, package=module.split(".")[0].lower())


def _resolve_js(imp: Import, rel: str, known: set[str]) -> Import:
    spec = imp.module
    if spec.startswith("."):
        base = os.path.normpath(os.path.join(os.path.dirname(rel), spec)).replace(os.sep, "/")
        stems = [base]
        if re.search(r"\.[cm]?js$", base):  # TypeScript sources imported by their emitted name
            stems.append(re.sub(r"\.([cm]?)js$", r".\1ts", base))
        for stem in stems:
            for suffix in _JS_RESOLVE:
                if stem + suffix in known:
                    return replace(imp, target=stem + suffix)
        return imp
    if spec.startswith("node:"):
        return replace(imp, package=spec)
    parts = spec.split("/")
    package = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    return replace(imp, package=package.lower())


def _resolve_imports(project: Project) -> None:
    paths = list(project.files)
    index = _python_index(paths)
    packages = {str(PurePosixPath(p).parent) for p in paths if PurePosixPath(p).name == "__init__.py"}
    known = set(paths)
    for rel, source in project.files.items():
        if source.language == "python":
            source.imports = [_resolve_python(i, rel, index, packages) for i in source.imports]
        else:
            source.imports = [_resolve_js(i, rel, known) for i in source.imports]


# dependency manifests --------------------------------------------------------


def dependencies(root: Path) -> list[Dependency]:
    """Every dependency the manifests at `root` declare (requirements*.txt, pyproject.toml, package.json)."""
    found: list[Dependency] = []
    for manifest in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
        rel = manifest.relative_to(root).as_posix()
        for number, line in enumerate((read_inside(root, manifest) or "").splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                found.append(Dependency(normalize_package(line), rel, number))
    found.extend(_pyproject(read_inside(root, root / "pyproject.toml") or ""))
    found.extend(_package_json(read_inside(root, root / "package.json") or ""))
    return found


def _position(lines: list[str], needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of `needle` (1, 1 when absent)."""
    return next(((n, text.index(needle) + 1) for n, text in enumerate(lines, 1) if needle in text), (1, 1))


def _pyproject(text: str) -> list[Dependency]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    lines = text.splitlines()
    names = list(data.get("project", {}).get("dependencies", []))
    names += list(data.get("tool", {}).get("poetry", {}).get("dependencies", {}))
    return [
        Dependency(normalize_package(n), "pyproject.toml", *_position(lines, n.split()[0]))
        for n in names
        if normalize_package(n) != "python"
    ]


def _package_json(text: str) -> list[Dependency]:
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []
    lines = text.splitlines()
    found: list[Dependency] = []
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        for name in data.get(section, {}) or {}:
            found.append(Dependency(name.lower(), "package.json", *_position(lines, f'"{name}"')))
    return found
