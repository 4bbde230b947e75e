"""The repository's `.github/decaycheck.yml`: what it promises and how to run it.

Every key is optional and the defaults are the constraint-decay study's
evaluation contract, so a repository produced by such a task is evaluated
untouched. A malformed file raises `ConfigError` naming the file, the line and
the key, so the report can say exactly what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

from conduit_suite.aspects import ASPECT_NAMES
from conduit_suite.yaml_lines import line_of
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


def _as_strings(cls: Any, value: Any) -> Any:
    """YAML reads `PORT: 8080` as an int; environment values and variables are strings."""
    if isinstance(value, dict):
        return {
            k: (str(v).lower() if isinstance(v, bool) else str(v)) if isinstance(v, (int, float, bool)) else v
            for k, v in value.items()
        }
    return value


class AppConfig(_Strict):
    path: str = "."
    runtime: Runtime | None = None
    install: str | None = Field(default=None, description="Shell command; the runtime's default when absent.")
    start: str = "./run.sh"
    port: int | None = Field(default=None, ge=1, le=65535)
    api_prefix: str = "/api"
    health_path: str = "/api/health-check"
    env: dict[str, str] = Field(default_factory=dict)

    _strings = field_validator("env", mode="before")(_as_strings)

    @field_validator("api_prefix", "health_path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value.rstrip("/") if value != "/" else ""


class _WithVariables(_Strict):
    variables: dict[str, str] = Field(default_factory=dict, description="{api}: the API root URL; {unique}: a token.")

    _strings = field_validator("variables", mode="before")(_as_strings)


class FileSuite(_WithVariables):
    """A suite in decaycheck's own format (docs/suites.md), a path from the repository root."""

    file: str = Field(min_length=1)

    @property
    def id(self) -> str:
        return f"file:{self.file}"


class PostmanSuite(_WithVariables):
    """A Postman v2.1 collection, run by newman in the pod; `environment` an optional Postman environment."""

    postman: str = Field(min_length=1)
    environment: str | None = None

    @property
    def id(self) -> str:
        return f"postman:{self.postman}"


class OpenAPISuite(_Strict):
    """Conformance to the repository's OpenAPI document (schemathesis); its own score, never part of A%."""

    openapi: str = Field(min_length=1)
    max_examples: int = Field(default=10, ge=1, le=1000, description="Examples per operation.")
    time_s: float = Field(default=30, gt=0, description="The conformance run's budget, well under suite_s.")
    seed: int = Field(default=0, description="Reruns with the same seed send the same requests.")

    @property
    def id(self) -> str:
        return f"openapi:{self.openapi}"


def _suite_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        return next((k for k in ("file", "postman", "openapi") if k in value), None)
    if isinstance(value, BaseModel):
        return next(k for k in ("file", "postman", "openapi") if hasattr(value, k))
    return None


SuiteEntry = Annotated[
    Annotated[SuiteName, Tag("name")]
    | Annotated[FileSuite, Tag("file")]
    | Annotated[PostmanSuite, Tag("postman")]
    | Annotated[OpenAPISuite, Tag("openapi")],
    Discriminator(
        _suite_kind,
        custom_error_type="suite_kind",
        custom_error_message="a suite is compat, strict, or a mapping with file:, postman: or openapi:",
    ),
]


def suite_id(entry: str | FileSuite | PostmanSuite | OpenAPISuite) -> str:
    """The suite's name in reports and in `gate: {suites: [...]}`."""
    return entry if isinstance(entry, str) else entry.id


class GateConfig(_Strict):
    pass_at_1: bool | None = None
    min_assert_pct: float | None = Field(default=None, ge=0, le=100)
    suites: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The suites that count (ids as in reports); None: every behavioural one.",
    )
    conformance: bool = Field(default=False, description="Also require every OpenAPI conformance check to pass.")
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


class RepoConfig(_Strict):
    constraints: ConstraintsConfig = Field(default_factory=ConstraintsConfig)
    app: AppConfig = Field(default_factory=AppConfig)
    suites: list[SuiteEntry] = Field(default_factory=lambda: list[SuiteEntry](["compat"]), min_length=1)
    gate: GateConfig = Field(default_factory=GateConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    def suite_ids(self) -> list[str]:
        return [suite_id(s) for s in self.suites]

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
        cfg = RepoConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        if loc[:1] == ("suites",) and len(loc) > 2 and loc[2] in ("name", "file", "postman", "openapi"):
            loc = loc[:2] + loc[3:]  # the entry's kind tag is no key of the file
        key = ".".join(str(p) for p in loc) or None
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            problem = f"got {err['input']!r}, expected {err['ctx']['expected']}"
        raise ConfigError(name, line_of(root, loc), key, problem) from None
    _check_suites(cfg, root, name)
    return cfg


def _check_suites(cfg: RepoConfig, root: yaml.Node | None, name: str) -> None:
    """What one key's validation cannot see: suites listed twice, gate suites that are not configured."""
    ids = cfg.suite_ids()
    for index, entry in enumerate(ids):
        if entry in ids[:index]:
            raise ConfigError(name, line_of(root, ("suites", index)), f"suites.{index}", f"{entry} is listed twice")
    for index, entry in enumerate(cfg.gate.suites or []):
        if entry not in ids:
            raise ConfigError(
                name,
                line_of(root, ("gate", "suites", index)),
                "gate.suites",
                f"{entry!r} is not a configured suite; configured: {', '.join(ids)}",
            )
    if cfg.gate.conformance and not any(isinstance(s, OpenAPISuite) for s in cfg.suites):
        raise ConfigError(name, line_of(root, ("gate", "conformance")), "gate.conformance", "needs an 'openapi:' suite")


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
