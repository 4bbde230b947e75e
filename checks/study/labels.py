"""A checkout's labels: from the study's folder naming, the repository's declared constraints, and a manifest.

The study names each generated repository after its configuration, one folder
per run: `fastapi-openapi-clean_architecture-postgres-sqlalchemy/run_0` is a
FastAPI app built from the OpenAPI task with Clean Architecture, PostgreSQL
and SQLAlchemy (level L3), first run. Later sources override earlier ones:
folder naming, then the repository's `.github/decaycheck.yml` constraints,
then the manifest's columns.

Every label except `run` identifies the configuration a checkout belongs to;
the runs of one configuration are its samples for A%, pass@k and pass^k.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from checks import config as config_mod
from verifiers import constraints
from verifiers.constraints import NODE_FRAMEWORKS, PYTHON_FRAMEWORKS, Constraints, one_of

CONSTRAINT_KEYS = ("architecture", "database", "orm")
# Labels that tell runs of one configuration apart rather than configurations apart.
RUN_KEYS = frozenset({"run"})
LEVELS = ("L0", "L1", "L2", "L3")
# The study's ladder: each level adds one constraint to the one before.
LADDER: dict[str, tuple[str, ...]] = {
    "L0": (),
    "L1": ("architecture",),
    "L2": ("architecture", "database"),
    "L3": ("architecture", "database", "orm"),
}

_TOKENS: dict[str, tuple[str, str]] = {
    **{name: ("framework", name) for name in sorted(PYTHON_FRAMEWORKS | NODE_FRAMEWORKS)},
    "clean_architecture": ("architecture", "clean"),
    "clean-architecture": ("architecture", "clean"),
    "clean": ("architecture", "clean"),
    "postgres": ("database", "postgresql"),
    "postgresql": ("database", "postgresql"),
    "pg": ("database", "postgresql"),
    "sqlite": ("database", "sqlite"),
    "sqlalchemy": ("orm", "sqlalchemy"),
    "sequelize": ("orm", "sequelize"),
}
_RUN = re.compile(r"^(?:run|trial|sample)[_-]?(\d+)$", re.IGNORECASE)


def from_folder_name(relative: str, *, group: bool = True) -> dict[str, str]:
    """Labels read from a checkout's path relative to the batch's source folder.

    The segment naming a framework is the configuration (`-`-separated tokens;
    tokens that are no constraint form the `task`, e.g. `openapi`); a `run_N`
    segment gives `run`; segments above the configuration form `group` (such
    as `agent/model`), so configurations of different groups stay apart.
    With `group=False` (a manifest's paths, whose labels are its columns) only
    the last two segments are read, and only for the tokens known above: no
    `task`, `group` or `name` is guessed.
    """
    labels: dict[str, str] = {}
    segments = [s for s in Path(relative).parts if s not in ("", ".", "/", "..")]
    if not group:
        segments = segments[-2:]
    config_index = None
    for index, segment in enumerate(segments):
        run = _RUN.match(segment)
        if run:
            labels["run"] = str(int(run.group(1)))
            continue
        tokens = segment.split("-")
        if config_index is None and any(_TOKENS.get(t.lower(), ("",))[0] == "framework" for t in tokens):
            config_index = index
            task = []
            for token in tokens:
                known = _TOKENS.get(token.lower())
                if known is None:
                    task.append(token)
                else:
                    labels[known[0]] = known[1]
            if task and group:
                labels["task"] = "-".join(task)
    leading = segments[:config_index] if config_index is not None else []
    if leading and group:
        labels["group"] = "/".join(leading)
    if config_index is None and group:
        rest = [s for s in segments if not _RUN.match(s)]
        if rest:
            labels["name"] = "/".join(rest)
    return labels


def from_repo_config(checkout: Path) -> dict[str, str]:
    """The constraints the repository declares (its level too); nothing when it declares none or cannot be read."""
    try:
        cfg = config_mod.load(checkout)
    except (config_mod.ConfigError, OSError):
        return {}
    declared = cfg.constraints.model_dump(exclude_none=True)
    if not declared:
        return {}
    labels = dict(cfg.declared_constraints().declared())
    if cfg.constraints.level is not None:
        labels["level"] = cfg.constraints.level
    return labels


def derived(labels: Mapping[str, str]) -> dict[str, str]:
    """`labels` completed: a bare `level` expands to its constraints (the study's ladder), `constraints` counts
    architecture/database/orm, and `level` is named when the constraints sit on the ladder."""
    out = dict(labels)
    bare_level = one_of(out.get("level"), constraints.LEVELS)
    if bare_level is not None and not any(out.get(key) for key in CONSTRAINT_KEYS):
        ladder = Constraints.from_level(bare_level, framework=one_of(out.get("framework"), constraints.FRAMEWORKS))
        out.update({key: value for key, value in ladder.declared().items() if key in CONSTRAINT_KEYS})
    present = tuple(key for key in CONSTRAINT_KEYS if out.get(key) not in (None, "", "none"))
    out["constraints"] = str(len(present))
    if "level" not in out:
        for level, keys in LADDER.items():
            if keys == present:
                out["level"] = level
    return out


def merge(*sources: Mapping[str, str]) -> dict[str, str]:
    """Later sources override earlier ones; empty values are dropped; derived labels are added."""
    merged: dict[str, str] = {}
    for source in sources:
        merged.update({str(k): str(v) for k, v in source.items() if v is not None and str(v) != ""})
    return derived(merged)


def configuration(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The key of the configuration a run belongs to: every label but the run's own."""
    return tuple(sorted((k, v) for k, v in labels.items() if k not in RUN_KEYS))


def constraint_values(labels: Mapping[str, str]) -> dict[str, str | None]:
    """architecture/database/orm of a configuration, None where absent (for matched pairs)."""
    return {key: (labels.get(key) if labels.get(key) not in (None, "", "none") else None) for key in CONSTRAINT_KEYS}
