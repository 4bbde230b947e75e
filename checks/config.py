"""The repository's `.github/decaycheck.yml`: what it promises and how to run it.

Every key is optional and the defaults are the constraint-decay study's
evaluation contract, so a repository produced by such a task is evaluated
untouched. A malformed file raises `ConfigError` naming the file, the line and
the key, so the report can say exactly what to fix.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

from checks import defaults
from checks.sandbox.base import Limits
from conduit_suite.aspects import ASPECT_NAMES
from conduit_suite.yaml_lines import line_of
from verifiers.constraints import (
    NODE_FRAMEWORKS,
    Architecture,
    Constraints,
    Database,
    Framework,
    LayerName,
    Level,
    Orm,
    Waiver,
)

CONFIG_PATH = Path(".github/decaycheck.yml")

Runtime = Literal["python", "node"]
SuiteName = Literal["compat", "strict"]

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


class ArchitectureMap(_Strict):
    """`architecture: {layers: {...}}`: Clean Architecture over the repository's own layers."""

    layers: dict[LayerName, list[str]] = Field(
        min_length=1, description="Layer -> globs of app-relative paths; unmapped layers keep the folder names."
    )

    @field_validator("layers")
    @classmethod
    def _globs(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for layer, globs in value.items():
            if not globs or not all(isinstance(g, str) and g.strip() for g in globs):
                raise ValueError(f"{layer}: give at least one non-empty glob")
        return value


class ConstraintsConfig(_Strict):
    level: Level | None = None
    framework: Framework | None = None
    architecture: Architecture | ArchitectureMap | None = None
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
    python: str | None = Field(
        default=None, description='Python for the venv ("3.12", ">=3.11"); default: what the repo declares.'
    )
    node: str | None = Field(default=None, description='Node the app needs ("20"); default: engines.node / .nvmrc.')
    install: str | None = Field(default=None, description="Shell command; the runtime's default when absent.")
    dependencies_as_of: Literal["commit"] | None = Field(
        default=None,
        description="commit: resolve unpinned dependencies as they stood at the commit's date (uv, npm).",
    )
    start: str = defaults.START
    port: int | None = Field(default=None, ge=1, le=65535, description="The runtime's default port when absent.")
    api_prefix: str = defaults.API_PREFIX
    health_path: str = defaults.HEALTH_PATH
    ready: Literal["auto", "health"] = Field(
        default="auto",
        description="auto: a 2xx on health_path, or a 404/405 there (the server answers HTTP); health: a 2xx only.",
    )
    env: dict[str, str] = Field(default_factory=dict)

    _strings = field_validator("env", mode="before")(_as_strings)

    @field_validator("python", "node", mode="before")
    @classmethod
    def _version_as_string(cls, value: Any) -> Any:
        """`python: 3.12` reads as a number; a version is text. `3.10` reads as 3.1: that one must be quoted."""
        if isinstance(value, float) and len(str(value).split(".")[-1]) == 1:
            raise ValueError(
                f'write the version in quotes ("{value}0" or "{value}"): YAML reads it as the number {value}'
            )
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

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
    mode: Literal["blocking", "informational"] = Field(
        default="blocking", description="informational: the check reports but concludes neutral."
    )
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
    install_s: float = Field(default=defaults.INSTALL_S, gt=0)
    start_s: float = Field(default=defaults.START_S, gt=0)
    suite_s: float = Field(default=defaults.SUITE_S, gt=0)
    memory_mb: int = Field(default=defaults.MEMORY_MB, ge=64)
    pids: int = Field(default=defaults.PIDS, ge=16)
    log_kb: int = Field(default=defaults.LOG_KB, ge=1)
    tmp_mb: int = Field(default=defaults.TMP_MB, ge=16)

    def limits(self) -> Limits:
        """The bounds as the sandbox backends take them."""
        return Limits(**self.model_dump(exclude={"log_kb"}), log_bytes=self.log_kb * 1024)


def _default_suites() -> list[SuiteName]:
    return [defaults.SUITE]


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
    suites: list[SuiteEntry] = Field(default_factory=lambda: list[SuiteEntry](_default_suites()), min_length=1)
    gate: GateConfig = Field(default_factory=GateConfig)
    annotations: AnnotationsConfig = Field(default_factory=AnnotationsConfig)
    apps: list[AppEntry] = Field(default_factory=list)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    waivers: list[Waiver] = Field(default_factory=list)

    @property
    def layers(self) -> dict[str, list[str]] | None:
        """The repository's layer map, when `architecture` is one."""
        arch = self.constraints.architecture
        return {str(k): v for k, v in arch.layers.items()} if isinstance(arch, ArchitectureMap) else None

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

    def suite_ids(self) -> list[str]:
        return [suite_id(s) for s in self.suites]

    def declared_constraints(self) -> Constraints:
        """`level` expands through the study's ladder; explicit keys override it."""
        c = self.constraints
        if c.level is not None:
            base = Constraints.from_level(c.level, framework=c.framework, database=c.database or defaults.DATABASE)
        else:
            base = Constraints(framework=c.framework)
        architecture = "clean" if isinstance(c.architecture, ArchitectureMap) else c.architecture
        overrides = {
            k: v for k, v in (("architecture", architecture), ("database", c.database), ("orm", c.orm)) if v is not None
        }
        return base.model_copy(update=overrides)

    def database(self) -> Database:
        """The engine the pod provides: the declared one, PostgreSQL by default."""
        return self.declared_constraints().database or defaults.DATABASE


class Resolved(BaseModel):
    """The config with everything detected filled in: what the pipeline actually runs."""

    config: RepoConfig
    source: str | None = Field(description="The file read, or None for the defaults.")
    app_dir: Path
    install_root: Path = Field(
        description="Where the install runs: the app folder, or the root of the workspace (npm, yarn, pnpm, uv) it belongs to."
    )
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
        return [_config_error(err, root, name) for err in _telling(exc.errors())]
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
        cfg = RepoConfig.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raise _config_error(_telling(exc.errors())[0], root, name) from None
    _check_suites(cfg, text, name)
    return cfg


def _telling(errs: list[Any]) -> list[Any]:
    """A union (architecture: clean|none or a layer map) fails in each branch: of one union's errors,
    the deepest is the telling one. The others keep their order."""
    best: dict[tuple[Any, ...], Any] = {}
    for err in errs:
        loc = tuple(err["loc"])
        cut = next((i for i, part in enumerate(loc) if _union_branch(part)), len(loc))
        kept = best.get(loc[:cut])
        if kept is None or len(loc) > len(kept["loc"]):
            best[loc[:cut]] = err
    return list(best.values())


def _check_suites(cfg: RepoConfig, text: str, name: str) -> None:
    """What one key's validation cannot see: suites listed twice, gate suites that are not configured.

    The file is composed again only to name the line of a problem found."""

    def line_of_key(*loc: Any) -> int | None:
        return line_of(yaml.compose(text, Loader=yaml.SafeLoader), loc)

    ids = cfg.suite_ids()
    for index, entry in enumerate(ids):
        if entry in ids[:index]:
            raise ConfigError(name, line_of_key("suites", index), f"suites.{index}", f"{entry} is listed twice")
    for index, entry in enumerate(cfg.gate.suites or []):
        if entry not in ids:
            raise ConfigError(
                name,
                line_of_key("gate", "suites", index),
                "gate.suites",
                f"{entry!r} is not a configured suite; configured: {', '.join(ids)}",
            )
    if cfg.gate.conformance and not any(isinstance(s, OpenAPISuite) for s in cfg.suites):
        raise ConfigError(name, line_of_key("gate", "conformance"), "gate.conformance", "needs an 'openapi:' suite")


def _config_error(err: Any, root: yaml.Node | None, name: str) -> ConfigError:
    loc = tuple(p for p in err["loc"] if not _union_branch(p))
    if loc[:1] == ("suites",) and len(loc) > 2 and loc[2] in ("name", "file", "postman", "openapi"):
        loc = loc[:2] + loc[3:]  # the entry's kind tag is no key of the file
    key = ".".join(str(p) for p in loc) or None
    problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    if err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
        problem = f"got {err['input']!r}, expected {err['ctx']['expected']}"
    return ConfigError(name, line_of(root, loc), key, problem)


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
        install_root=workspace_root(repo.resolve(), app_dir),
        runtime=runtime,
        port=cfg.app.port or defaults.PORTS[runtime],
        database=cfg.database(),
        constraints=cfg.declared_constraints(),
        sources=sources,
    )


def workspace_members(folder: Path) -> list[str]:
    """The member globs a workspace root at `folder` declares (package.json workspaces, pnpm-workspace.yaml,
    [tool.uv.workspace]); empty when it is none."""
    members: list[str] = []
    try:
        manifest = json.loads((folder / "package.json").read_text()) if (folder / "package.json").is_file() else {}
        declared = manifest.get("workspaces") if isinstance(manifest, dict) else None
        if isinstance(declared, dict):
            declared = declared.get("packages")
        members += [m for m in declared or [] if isinstance(m, str)]
        if (folder / "pnpm-workspace.yaml").is_file():
            pnpm = yaml.safe_load((folder / "pnpm-workspace.yaml").read_text()) or {}
            members += [m for m in pnpm.get("packages") or [] if isinstance(m, str)]
        if (folder / "pyproject.toml").is_file():
            uv = tomllib.loads((folder / "pyproject.toml").read_text()).get("tool", {}).get("uv", {})
            members += [m for m in (uv.get("workspace") or {}).get("members") or [] if isinstance(m, str)]
    except (OSError, ValueError, AttributeError, yaml.YAMLError, tomllib.TOMLDecodeError):
        return members  # a broken manifest is the installer's to report
    return members


def workspace_root(repo: Path, app_dir: Path) -> Path:
    """The nearest folder above `app_dir` (within the repository) whose workspace has the app as a member, else `app_dir`."""
    for folder in app_dir.parents:
        if repo not in (folder, *folder.parents):
            break
        rel = app_dir.relative_to(folder).as_posix()
        if any(fnmatch.fnmatchcase(rel, m.strip("/").removeprefix("./")) for m in workspace_members(folder)):
            return folder
        if folder == repo:
            break
    return app_dir


def detect_runtime(app_dir: Path, framework: str | None = None) -> Runtime:
    """From the declared framework, else the manifest present; Python when nothing tells (install then fails)."""
    if framework is not None:
        return "node" if framework in NODE_FRAMEWORKS else "python"
    for manifest, runtime in RUNTIME_MANIFESTS:
        if (app_dir / manifest).is_file():
            return runtime
    return "python"


def _union_branch(part: Any) -> bool:
    """Pydantic names the branch of a union in an error's location (`literal['clean','none']`, `ArchitectureMap`)."""
    return isinstance(part, str) and (part.startswith("literal[") or part in (ArchitectureMap.__name__, "[key]"))


def _display(path: Path, repo: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo.resolve()))
    except ValueError:
        return str(path)
