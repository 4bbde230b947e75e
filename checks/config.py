"""The repository's `.github/decaycheck.yml`: what it promises and how to run it.

Every key is optional and the defaults are the constraint-decay study's
evaluation contract, so a repository produced by such a task is evaluated
untouched. A malformed file raises `ConfigError` naming the file, the line and
the key, so the report can say exactly what to fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, get_args

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
    mode: Literal["blocking", "informational"] = Field(
        default="blocking", description="informational: the check reports but concludes neutral."
    )
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


AnnotationLevel = Literal["failure", "warning", "notice"]


class AnnotationsConfig(_Strict):
    max: int = Field(default=50, ge=0, le=1000, description="Annotations on the Check Run, at most; 0 turns them off.")
    levels: list[AnnotationLevel] = Field(
        default_factory=lambda: list(get_args(AnnotationLevel)), description="Which levels are sent."
    )


class AppOverrides(_Strict):
    """An app entry's own `app:` keys (its folder is the entry's `path`)."""

    runtime: Runtime | None = None
    install: str | None = None
    start: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    api_prefix: str | None = None
    health_path: str | None = None
    env: dict[str, str] | None = None


class AppEntry(_Strict):
    """One app of a monorepo: its own Check Run (`decaycheck / NAME`), config keys and gate."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
    path: str
    paths: list[str] | None = Field(
        default=None,
        description="Globs (repository-relative) a PR must touch for the app to be evaluated; default PATH/**.",
    )
    constraints: ConstraintsConfig | None = None
    app: AppOverrides | None = None
    suites: list[SuiteName] | None = Field(default=None, min_length=1)
    gate: GateConfig | None = None
    annotations: AnnotationsConfig | None = None
    limits: LimitsConfig | None = None

    def watched(self) -> list[str]:
        base = self.path.strip("/") or "."
        return self.paths or ([f"{base}/**"] if base != "." else ["**"])

    def touched_by(self, changed: list[str]) -> bool:
        """Whether any changed file (repository-relative) falls under the app's paths."""
        from fnmatch import fnmatchcase

        patterns = self.watched()
        return any(fnmatchcase(path, pattern) for path in changed for pattern in patterns)


class RepoConfig(_Strict):
    extends: str | None = Field(
        default=None,
        description="`org` (the owner's .github repository), REPO or OWNER/REPO: its .github/decaycheck.yml is merged first.",
    )
    constraints: ConstraintsConfig = Field(default_factory=ConstraintsConfig)
    app: AppConfig = Field(default_factory=AppConfig)
    suites: list[SuiteName] = Field(default_factory=lambda: list[SuiteName](["compat"]), min_length=1)
    gate: GateConfig = Field(default_factory=GateConfig)
    annotations: AnnotationsConfig = Field(default_factory=AnnotationsConfig)
    apps: list[AppEntry] = Field(default_factory=list)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    @field_validator("apps")
    @classmethod
    def _unique_names(cls, value: list[AppEntry]) -> list[AppEntry]:
        names = [a.name for a in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"app names must be unique; repeated: {', '.join(repeated)}")
        return value

    def app_named(self, name: str) -> AppEntry | None:
        return next((a for a in self.apps if a.name == name), None)

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
    sources: list[tuple[str, str, str]] = Field(
        default_factory=list, description="(key, value, file) for each key a config file set."
    )


class BaseConfig(BaseModel):
    """Defaults a repository's config `extends`: the text of another repository's config, and its name."""

    name: str = Field(description="Where it came from, e.g. acme/.github:.github/decaycheck.yml.")
    text: str


def load(
    repo: Path, config_file: Path | None = None, *, base: BaseConfig | None = None, app: str | None = None
) -> RepoConfig:
    """The repo's config (defaults when the file is absent); raises ConfigError when it is malformed."""
    return load_with_sources(repo, config_file, base=base, app=app)[0]


def load_with_sources(
    repo: Path, config_file: Path | None = None, *, base: BaseConfig | None = None, app: str | None = None
) -> tuple[RepoConfig, list[tuple[str, str, str]]]:
    """The config, merged over `base` when it `extends` one and narrowed to `app`; with (key, value, file) per key set."""
    path = config_file if config_file is not None else repo / CONFIG_PATH
    if not path.exists():
        if config_file is not None:
            raise ConfigError(str(path), None, None, "file not found")
        if app is not None:
            raise ConfigError(str(CONFIG_PATH), None, "apps", f"no app named {app!r}: the repository has no config")
        return RepoConfig(), []
    return merged(path.read_text(encoding="utf-8", errors="replace"), name=_display(path, repo), base=base, app=app)


def merged(
    text: str, *, name: str = str(CONFIG_PATH), base: BaseConfig | None = None, app: str | None = None
) -> tuple[RepoConfig, list[tuple[str, str, str]]]:
    """`text` validated on its own, then over `base` (when it extends one), then narrowed to the app `app`."""
    own = _data(text, name)
    _validated(own, text, name)
    layers: list[tuple[dict[str, Any], str]] = []
    if own.get("extends") and base is not None:
        org = _data(base.text, base.name)
        org.pop("extends", None)  # one level: the org's defaults do not extend further
        org.pop("apps", None)  # apps belong to a repository
        _validated(org, base.text, base.name)
        layers.append((org, base.name))
    layers.append((own, name))
    data: dict[str, Any] = {}
    sources: dict[str, tuple[str, str]] = {}
    for layer, source in layers:
        data = _deep_merge(data, layer)
        for key, value in _leaves(layer):
            sources[key] = (value, source)
    if app is not None:
        entry = RepoConfig.model_validate(data).app_named(app)
        if entry is None:
            names = ", ".join(a.name for a in RepoConfig.model_validate(data).apps) or "none declared"
            raise ConfigError(name, None, "apps", f"no app named {app!r} (apps: {names})")
        overrides = entry.model_dump(exclude_unset=True, exclude={"name", "path", "paths"})
        data = _deep_merge({k: v for k, v in data.items() if k != "apps"}, overrides)
        data = _deep_merge(data, {"app": {"path": entry.path}})
        for key, value in _leaves(overrides):
            sources[key] = (value, f"{name} (apps: {app})")
        sources["app.path"] = (entry.path, f"{name} (apps: {app})")
    cfg = _validated(data, text, name)
    return cfg, [(key, value, source) for key, (value, source) in sources.items()]


def parse(text: str, *, name: str = str(CONFIG_PATH)) -> RepoConfig:
    return _validated(_data(text, name), text, name)


def errors(text: str, *, name: str = str(CONFIG_PATH)) -> list[ConfigError]:
    """Every problem of the file at once (YAML syntax stops at the first)."""
    try:
        data = _data(text, name)
    except ConfigError as exc:
        return [exc]
    try:
        RepoConfig.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        return [_config_error(err, root, name) for err in exc.errors()]
    return []


def _data(text: str, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(name, mark.line + 1 if mark else None, None, f"YAML syntax: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, None, f"YAML syntax: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            name, 1, None, "the file must hold a mapping of keys (constraints, app, suites, gate, limits)"
        )
    if isinstance(data.get("suites"), str):  # `suites: strict` reads as one suite
        data["suites"] = [data["suites"]]
    return data


def _validated(data: dict[str, Any], text: str, name: str) -> RepoConfig:
    try:
        return RepoConfig.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raise _config_error(exc.errors()[0], root, name) from None


def _config_error(err: Any, root: yaml.Node | None, name: str) -> ConfigError:
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or None
    problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    if err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
        problem = f"got {err['input']!r}, expected {err['ctx']['expected']}"
    return ConfigError(name, _line_of(root, loc), key, problem)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else (lists included) in `override` replaces `base`."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _leaves(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out += _leaves(value, dotted + ".")
        else:
            out.append((dotted, value if isinstance(value, str) else json.dumps(value, default=str)))
    return out


def resolve(
    repo: Path, config_file: Path | None = None, *, base: BaseConfig | None = None, app: str | None = None
) -> Resolved:
    """Load the config and fill in what it leaves to detection (runtime, port, database)."""
    cfg, sources = load_with_sources(repo, config_file, base=base, app=app)
    source = config_file or (repo / CONFIG_PATH)
    name = _display(source, repo)
    if cfg.apps and app is None:
        names = ", ".join(a.name for a in cfg.apps)
        raise ConfigError(name, None, "apps", f"the repository declares apps ({names}): evaluate one of them by name")
    app_dir = (repo / cfg.app.path).resolve()
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
        sources=sources,
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
