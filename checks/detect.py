"""What a repository is, read from its files: the facts `decaycheck init` writes into a config.

Detection reads manifests and sources only (nothing runs): the app folder
(the root, or the one folder below it holding a manifest), the runtime, the
framework, ORM and database from the dependencies, the start command, the
port and the API prefix from the code. Each guess says where it came from,
so the written config can tell the user what to check.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from checks import defaults
from checks.config import RUNTIME_MANIFESTS, Runtime, detect_runtime
from verifiers import verify_project
from verifiers.constraints import Constraints
from verifiers.project import SKIP_DIRS, Dependency, Project, dependencies, load_project, normalize_package
from verifiers.rules import Table, load_table

# The most specific ORM first: SQLModel and Flask-SQLAlchemy sit on SQLAlchemy.
_ORM_ORDER = ("sqlmodel", "sqlalchemy", "prisma", "typeorm", "sequelize", "knex")
_PORT = re.compile(
    r"""(?:\.listen\(\s*|\bport\s*[=:]\s*|["']PORT["']\s*(?:,|\]\s*\|\||\)\s*(?:or|\|\||\?\?))\s*["']?|PORT\s*(?:\|\||\?\?|or)\s*["']?)(\d{4,5})\b"""
)
_PREFIX = re.compile(r"""["'](/api)(?:/[\w\-{}:<>]*)*["']""")


class Detected(BaseModel):
    app_path: str = "."
    runtime: Runtime
    framework: str | None = None
    architecture: str = "none"
    orm: str = "none"
    database: str = "postgresql"
    start: str | None = None
    port: int
    api_prefix: str = "/api"
    notes: list[str] = Field(default_factory=list, description="What could not be told and was left to defaults.")


def app_folder(repo: Path) -> str:
    """The root when its manifest names a web framework; else the one folder one or two levels down whose does
    (a workspace member, `backend/`); else the root."""
    table = load_table()
    wanted = {normalize_package(p) for spec in table.section("frameworks").values() for p in spec["packages"]}

    def serves(folder: Path) -> bool:
        return any(d.name in wanted for d in _manifest_dependencies(folder))

    if serves(repo):
        return "."
    below = sorted(
        {
            p.parent.relative_to(repo).as_posix()
            for pattern in ("*/" + m for m, _ in RUNTIME_MANIFESTS)
            for p in [*repo.glob(pattern), *repo.glob("*/" + pattern)]
            if not set(p.relative_to(repo).parts) & SKIP_DIRS and not p.relative_to(repo).parts[0].startswith(".")
        }
    )
    serving = [b for b in below if serves(repo / b)]
    if len(serving) == 1:
        return serving[0]
    has_manifest = any((repo / m).is_file() for m, _ in RUNTIME_MANIFESTS)
    return below[0] if not has_manifest and len(below) == 1 else "."


def detect(repo: Path) -> Detected:
    repo = repo.resolve()
    path = app_folder(repo)
    app_dir = repo / path
    project = load_project(app_dir)
    table = load_table()
    names = {d.name for d in project.dependencies}
    notes: list[str] = []
    framework = next(
        (
            name
            for name, spec in table.section("frameworks").items()
            if {normalize_package(p) for p in spec["packages"]} & names
        ),
        None,
    )
    has_manifest = any((app_dir / m).is_file() for m, _ in RUNTIME_MANIFESTS)
    runtime: Runtime = detect_runtime(app_dir, framework) if has_manifest or framework else _by_sources(project)
    if framework is None:
        notes.append("no known web framework among the dependencies: constraints.framework is left out")
    orms = table.section("orms")
    orm = next((o for o in _ORM_ORDER if {normalize_package(d) for d in orms[o]["dependencies"]} & names), None)
    if orm is None and framework == "django":
        orm = "django"
    databases = table.section("databases")
    database = "postgresql"
    if not {normalize_package(d) for d in databases["postgresql"]["dependencies"]} & names and (
        {normalize_package(d) for d in databases["sqlite"]["dependencies"]} & names
    ):
        database = "sqlite"
    architecture = _architecture(project, framework)
    if architecture == "none" and any(d in _layer_dirs(table) for p in project.files for d in Path(p).parts[:-1]):
        notes.append("layer folders exist but do not make a clean architecture yet: architecture is left at none")
    start = _start(app_dir, runtime, framework)
    if start is None:
        notes.append("no run.sh, start script or entry module found: app.start must be set")
    return Detected(
        app_path=path,
        runtime=runtime,
        framework=framework,
        architecture=architecture,
        orm=orm or "none",
        database=database,
        start=start,
        port=_port(project, runtime),
        api_prefix="/api" if _prefixed(project) else "",
        notes=notes,
    )


def _manifest_dependencies(folder: Path) -> list[Dependency]:
    return dependencies(folder) if folder.is_dir() else []


def _layer_dirs(table: Table) -> set[str]:
    return {d for layer in table.section("layers") for d in layer["dirs"]}


def _architecture(project: Project, framework: str | None) -> str:
    """`clean` when the code already keeps Clean Architecture (every layer there, no breach), else `none`."""
    declared = Constraints(framework=framework, architecture="clean")  # type: ignore[arg-type]
    findings = verify_project(project, declared)
    return "clean" if not any(f.constraint == "architecture" for f in findings) else "none"


def _by_sources(project: Project) -> Runtime:
    return "node" if project.runtime == "node" else "python"


def _start(app_dir: Path, runtime: Runtime, framework: str | None) -> str | None:
    if (app_dir / "run.sh").is_file():
        return "./run.sh"
    if runtime == "node":
        try:
            scripts = json.loads((app_dir / "package.json").read_text()).get("scripts") or {}
        except (OSError, ValueError, AttributeError):
            scripts = {}
        if isinstance(scripts, dict) and "start" in scripts:
            return "npm start"
        main = next(
            (
                m
                for m in ("server.js", "index.js", "app.js", "src/server.js", "src/index.js")
                if (app_dir / m).is_file()
            ),
            None,
        )
        return f"node {main}" if main else None
    procfile = app_dir / "Procfile"
    if procfile.is_file():
        for line in procfile.read_text(errors="replace").splitlines():
            if line.startswith("web:"):
                return line.removeprefix("web:").strip()
    if framework == "django" and (app_dir / "manage.py").is_file():
        return "python manage.py runserver 0.0.0.0:$PORT --noreload"
    for module in ("main.py", "app.py", "server.py", "run.py", "wsgi.py"):
        if (app_dir / module).is_file():
            return f"python {module}"
    package = next((p.parent.name for p in sorted(app_dir.glob("*/__main__.py"))), None)
    return f"python -m {package}" if package else None


def _sources_text(project: Project) -> list[str]:
    texts: list[str] = []
    for rel in project.files:
        try:
            texts.append((project.root / rel).read_text(errors="replace"))
        except OSError:
            continue
    return texts


def _port(project: Project, runtime: Runtime) -> int:
    ports = Counter(int(m) for text in _sources_text(project) for m in _PORT.findall(text) if 1024 <= int(m) <= 65535)
    return ports.most_common(1)[0][0] if ports else defaults.PORTS[runtime]


def _prefixed(project: Project) -> bool:
    """Routes under /api (the study's contract) unless the code has routes and none of them is."""
    strings = [s.value for source in project.files.values() for s in source.strings]
    routes = [s for s in strings if re.fullmatch(r"/[\w\-{}:<>/]*", s) and len(s) > 1]
    return not routes or any(_PREFIX.fullmatch(f'"{s}"') for s in routes)


def render(found: Detected) -> str:
    """A commented `.github/decaycheck.yml` for what was detected (every key it leaves out has its default)."""
    c = "" if found.framework else "# "
    lines = [
        "# decaycheck: what this repository promises and how to run it (docs/config.md).",
        "# Written by `decaycheck init`; every key is optional, the defaults are the study's contract.",
        "constraints:",
        f"  {c}framework: {found.framework or 'flask'}   # flask|fastapi|django|aiohttp|express|fastify|hono|koa",
        f"  architecture: {found.architecture}   # clean: routes -> services -> repositories -> models (or a layer map)",
        f"  database: {found.database}   # postgresql|sqlite: the engine the pod provides",
        f"  orm: {found.orm}   # sqlalchemy|sqlmodel|django|sequelize|knex|prisma|typeorm|none (no ORM promised)",
        "app:",
        f"  path: {found.app_path}",
        f"  runtime: {found.runtime}",
        '  # python: "3.12"   # or node: "20"; default: what the repo declares, else the host\'s',
        "  # install: ...     # default: from the lockfile or manifest found (uv.lock, poetry.lock, package-lock.json, ...)",
        f"  start: {json.dumps(found.start) if found.start else './run.sh   # TODO: the command that starts the server'}",
        f"  port: {found.port}",
        f"  api_prefix: {found.api_prefix or '/'}",
        "  # health_path: /api/health-check   # without one, the first HTTP answer counts as ready",
        "suites: [compat]",
        '# waivers: [{rule: orm.raw-query, path: app/report.py, reason: "reviewed"}]',
    ]
    lines += [f"# note: {n}" for n in found.notes]
    return "\n".join(lines) + "\n"
