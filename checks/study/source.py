"""What a batch evaluates: a folder of checkouts, or a manifest (YAML or CSV) listing them with labels.

A folder: every folder under it holding `.github/decaycheck.yml` or a runtime
manifest (requirements.txt, pyproject.toml, package.json) is a checkout; the
search does not descend into a checkout, hidden folders, `node_modules` or
virtual environments, and does not follow symbolic links. Labels come from
the path below the source folder (the study's naming, see `labels`) and the
repository's declared constraints.

A manifest lists checkouts explicitly; paths are relative to the manifest:

    # runs.yml (a list, or a mapping with a `runs:` list)
    - path: repos/claude/fastapi-openapi-clean_architecture-postgres-sqlalchemy/run_0
      agent: claude-code                # any other key is a label
      model: opus
    - {path: repos/x, level: L2, framework: flask, config: configs/x.yml}

    # runs.csv: a header row naming `path`, optionally `config`, and any labels
    path,agent,model,level
    repos/x,claude-code,opus,L2

`config` names a decaycheck config to evaluate the checkout with. Without one,
a checkout that has no `.github/decaycheck.yml` of its own is evaluated with
the constraints its labels give (framework, architecture, database, orm), so
the verifiers enforce what the configuration asked for.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from checks import config as config_mod
from checks.study import labels as labels_mod
from checks.study.model import Checkout

SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "__pycache__", ".git", ".decaycheck"})
MANIFEST_SUFFIXES = (".yml", ".yaml", ".csv")
RESERVED = ("path", "config", "labels")


class SourceError(ValueError):
    """A source that cannot be read: says which file, which entry and why."""


def load(source: Path) -> list[Checkout]:
    """The checkouts of `source` (a folder or a manifest), in a stable order; raises SourceError."""
    if source.is_dir():
        checkouts = list(_from_folder(source))
        if not checkouts:
            raise SourceError(f"{source}: no checkout found (a folder with requirements.txt, package.json, ...)")
        return checkouts
    if source.is_file() and source.suffix.lower() in MANIFEST_SUFFIXES:
        return _from_manifest(source)
    if source.is_file():
        raise SourceError(f"{source}: a manifest must be .yml, .yaml or .csv")
    raise SourceError(f"{source}: no such folder or manifest")


def is_checkout(folder: Path) -> bool:
    if (folder / config_mod.CONFIG_PATH).is_file():
        return True
    return any((folder / name).is_file() for name, _runtime in config_mod.RUNTIME_MANIFESTS)


def _from_folder(root: Path) -> Iterator[Checkout]:
    root = root.resolve()
    for folder in _walk(root):
        relative = folder.relative_to(root).as_posix() if folder != root else root.name
        yield _checkout(relative, folder, {})


def _walk(folder: Path) -> Iterator[Path]:
    if is_checkout(folder):
        yield folder
        return
    try:
        children = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in children:
        if entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))


def _checkout(
    identity: str, folder: Path, explicit: Mapping[str, str], config: Path | None = None, *, listed: bool = False
) -> Checkout:
    own_config = (folder / config_mod.CONFIG_PATH).is_file()
    labels = labels_mod.merge(
        labels_mod.from_folder_name(identity, group=not listed),
        labels_mod.from_repo_config(folder) if own_config else {},
        explicit,
    )
    text = None
    if config is not None:
        try:
            text = config.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise SourceError(f"{identity}: cannot read config {config}: {exc}") from None
        labels = labels_mod.merge(labels, _declared_in(text), explicit)
    elif not own_config:
        text = constraints_config(labels)
    return Checkout(id=identity, path=str(folder), labels=labels, config_text=text)


def _declared_in(text: str) -> dict[str, str]:
    try:
        cfg = config_mod.parse(text)
    except config_mod.ConfigError:
        return {}  # the evaluation reports the config error
    declared = dict(cfg.declared_constraints().declared()) if cfg.constraints.model_dump(exclude_none=True) else {}
    if cfg.constraints.level is not None:
        declared["level"] = cfg.constraints.level
    return declared


def constraints_config(labels: Mapping[str, str]) -> str | None:
    """A decaycheck config declaring the constraints in `labels`, or None when they name none."""
    keys = ("framework", *labels_mod.CONSTRAINT_KEYS)
    declared = {key: labels[key] for key in keys if labels.get(key) not in (None, "", "none")}
    if not declared:
        return None
    # JSON is YAML: label values (untrusted text) are quoted whatever they hold
    return "# written by decaycheck batch from the checkout's labels\nconstraints: " + json.dumps(declared) + "\n"


def _from_manifest(manifest: Path) -> list[Checkout]:
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{manifest}: cannot read: {exc}") from None
    entries = _csv_entries(manifest, text) if manifest.suffix.lower() == ".csv" else _yaml_entries(manifest, text)
    if not entries:
        raise SourceError(f"{manifest}: lists no checkout")
    base = manifest.resolve().parent
    checkouts: list[Checkout] = []
    seen: dict[str, str] = {}
    for where, entry in entries:
        raw_path = entry.get("path")
        if not isinstance(raw_path, str) or not raw_path.strip():
            raise SourceError(f"{where}: `path` is required")
        folder = (base / raw_path).resolve()
        if not folder.is_dir():
            raise SourceError(f"{where}: {raw_path} is not a folder")
        identity = raw_path.strip().rstrip("/")
        if identity in seen:
            raise SourceError(f"{where}: {raw_path} is listed twice (also {seen[identity]})")
        seen[identity] = where
        explicit = dict(entry.get("labels") or {}) if isinstance(entry.get("labels"), dict) else {}
        for key, value in entry.items():
            if key in RESERVED or value is None:
                continue
            if isinstance(value, (dict, list)):
                raise SourceError(f"{where}: label {key!r} must be a single value")
            explicit[str(key)] = str(value)
        config = entry.get("config")
        config_path = (base / str(config)).resolve() if config else None
        explicit = {str(k): str(v) for k, v in explicit.items()}
        checkouts.append(_checkout(identity, folder, explicit, config_path, listed=True))
    return checkouts


def _yaml_entries(manifest: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{manifest}: YAML syntax: {exc}") from None
    if isinstance(data, dict) and "runs" in data:
        data = data["runs"]
    if not isinstance(data, list):
        raise SourceError(f"{manifest}: expected a list of checkouts (or a mapping with `runs:`)")
    out = []
    for index, entry in enumerate(data):
        where = f"{manifest}: entry {index + 1}"
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict):
            raise SourceError(f"{where}: expected a mapping with `path`")
        out.append((where, entry))
    return out


def _csv_entries(manifest: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "path" not in [f.strip() for f in reader.fieldnames]:
        raise SourceError(f"{manifest}: the header row must name a `path` column")
    out = []
    for row in reader:
        where = f"{manifest}:{reader.line_num}"
        entry = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        out.append((where, {k: v for k, v in entry.items() if v != ""}))
    return out
