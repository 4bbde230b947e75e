"""The repository's `.github/decaycheck.yml`: what it promises and how to run it.

Every key is optional and the defaults are the constraint-decay study's
evaluation contract, so a repository produced by such a task is evaluated
untouched. A malformed file raises `ConfigError` naming the file, the line and
the key, so the report can say exactly what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from conduit_suite.aspects import ASPECT_NAMES
from verifiers.constraints import NODE_FRAMEWORKS, Architecture, Constraints, Database, Framework, Level, Orm

CONFIG_PATH = Path(".github/decaycheck.yml")

Runtime = Literal["python", "node"]
SuiteName = Literal["compat", "strict"]

DEFAULT_PORTS: dict[str, int] = {"python": 8080, "node": 3000}
# Manifest files that identify a runtime, in the order they are looked for.
RUNTIME_MANIFESTS: tuple[tuple[str, Runtime], ...] = (
    ("requirements.txt", "python"),
    ("pyproject.toml", "python"),
    ("package.json", "node"),
)


class ConfigError(ValueError):
    """A config file that cannot be used; `str()` reads `file:line: key: problem`."""

    def __init__(self, file: str, line: int | None, key: str | None, problem: str) -> None:
        self.file, self.line, self.key, self.problem = file, line, key, problem
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConstraintsConfig(_Strict):
    level: Level | None = None
    framework: Framework | None = None
    architecture: Architecture | None = None
    database: Database | None = None
    orm: Orm | None = None


class AppConfig(_Strict):
    path: str = "."
    runtime: Runtime | None = None
    install: str | None = Field(default=None, description="Shell command; the runtime's default when absent.")
    start: str = "./run.sh"
    port: int | None = Field(default=None, ge=1, le=65535)
    api_prefix: str = "/api"
    health_path: str = "/api/health-check"
    env: dict[str, str] = Field(default_factory=dict)

    @field_validator("env", mode="before")
    @classmethod
    def _scalars_as_strings(cls, value: Any) -> Any:
        """YAML reads `PORT: 8080` as an int; environment values are strings."""
        if isinstance(value, dict):
            return {
                k: (str(v).lower() if isinstance(v, bool) else str(v)) if isinstance(v, (int, float, bool)) else v
                for k, v in value.items()
            }
        return value

    @field_validator("api_prefix", "health_path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value.rstrip("/") if value != "/" else ""


class GateConfig(_Strict):
    pass_at_1: bool | None = None
    min_assert_pct: float | None = Field(default=None, ge=0, le=100)
    strict_aspects: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Aspects of suites that name them (strict) that count for the gate; None: all.",
    )

    @field_validator("strict_aspects")
    @classmethod
    def _known_aspects(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            unknown = [a for a in value if a not in ASPECT_NAMES]
            if unknown:
                raise ValueError(f"unknown aspect(s) {', '.join(map(repr, unknown))}; known: {', '.join(ASPECT_NAMES)}")
        return value


class LimitsConfig(_Strict):
    install_s: float = Field(default=600, gt=0)
    start_s: float = Field(default=60, gt=0)
    suite_s: float = Field(default=120, gt=0)
    memory_mb: int = Field(default=2048, ge=64)
    pids: int = Field(default=512, ge=16)
    log_kb: int = Field(default=1024, ge=1)
    tmp_mb: int = Field(default=256, ge=16)


class RepoConfig(_Strict):
    constraints: ConstraintsConfig = Field(default_factory=ConstraintsConfig)
    app: AppConfig = Field(default_factory=AppConfig)
    suites: list[SuiteName] = Field(default_factory=lambda: ["compat"], min_length=1)
    gate: GateConfig = Field(default_factory=GateConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    def declared_constraints(self) -> Constraints:
        """`level` expands through the study's ladder; explicit keys override it."""
        c = self.constraints
        if c.level is not None:
            base = Constraints.from_level(c.level, framework=c.framework, database=c.database or "postgresql")
        else:
            base = Constraints(framework=c.framework)
        overrides = {
            k: v
            for k, v in (("architecture", c.architecture), ("database", c.database), ("orm", c.orm))
            if v is not None
        }
        return base.model_copy(update=overrides)

    def database(self) -> Database:
        """The engine the pod provides: the declared one, PostgreSQL by default."""
        return self.declared_constraints().database or "postgresql"


class Resolved(BaseModel):
    """The config with everything detected filled in: what the pipeline actually runs."""

    config: RepoConfig
    source: str | None = Field(description="The file read, or None for the defaults.")
    app_dir: Path
    runtime: Runtime
    port: int
    database: Database
    constraints: Constraints


def load(repo: Path, config_file: Path | None = None) -> RepoConfig:
    """The repo's config (defaults when the file is absent); raises ConfigError when it is malformed."""
    path = config_file if config_file is not None else repo / CONFIG_PATH
    if not path.exists():
        if config_file is not None:
            raise ConfigError(str(path), None, None, "file not found")
        return RepoConfig()
    return parse(path.read_text(encoding="utf-8", errors="replace"), name=_display(path, repo))


def parse(text: str, *, name: str = str(CONFIG_PATH)) -> RepoConfig:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(name, mark.line + 1 if mark else None, None, f"YAML syntax: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, None, f"YAML syntax: {exc}") from None
    if data is None:
        return RepoConfig()
    if not isinstance(data, dict):
        raise ConfigError(
            name, 1, None, "the file must hold a mapping of keys (constraints, app, suites, gate, limits)"
        )
    if isinstance(data.get("suites"), str):  # `suites: strict` reads as one suite
        data["suites"] = [data["suites"]]
    try:
        return RepoConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc) or None
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            problem = f"got {err['input']!r}, expected {err['ctx']['expected']}"
        raise ConfigError(name, _line_of(root, loc), key, problem) from None


def resolve(repo: Path, config_file: Path | None = None) -> Resolved:
    """Load the config and fill in what it leaves to detection (runtime, port, database)."""
    cfg = load(repo, config_file)
    source = config_file or (repo / CONFIG_PATH)
    app_dir = (repo / cfg.app.path).resolve()
    name = _display(source, repo)
    if not app_dir.is_dir():
        raise ConfigError(name, None, "app.path", f"{cfg.app.path!r} is not a folder of the repository")
    if repo.resolve() not in (app_dir, *app_dir.parents):
        raise ConfigError(name, None, "app.path", f"{cfg.app.path!r} points outside the repository")
    runtime = cfg.app.runtime or detect_runtime(app_dir, cfg.constraints.framework)
    return Resolved(
        config=cfg,
        source=str(source) if source.exists() else None,
        app_dir=app_dir,
        runtime=runtime,
        port=cfg.app.port or DEFAULT_PORTS[runtime],
        database=cfg.database(),
        constraints=cfg.declared_constraints(),
    )


def detect_runtime(app_dir: Path, framework: str | None = None) -> Runtime:
    """From the declared framework, else the manifest present; Python when nothing tells (install then fails)."""
    if framework is not None:
        return "node" if framework in NODE_FRAMEWORKS else "python"
    for manifest, runtime in RUNTIME_MANIFESTS:
        if (app_dir / manifest).is_file():
            return runtime
    return "python"


def _display(path: Path, repo: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo.resolve()))
    except ValueError:
        return str(path)


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node along `loc` (a mapping key's own line for keys)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
