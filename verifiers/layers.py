"""Layer contracts over an import graph: which file belongs to which layer, and which imports break the contract.

The same machinery checks a repository's Clean Architecture and decaycheck's
own package layering. Imports are followed through files that belong to no
layer (helpers, configuration), so a violation laundered through a helper is
still attributed to the importing line in the layered file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from verifiers.constraints import path_matches
from verifiers.model import Import
from verifiers.project import Project


@dataclass(frozen=True)
class LayerContract:
    """Layers from the outside in. Layers sharing a rank are independent of each other.

    `closed` lists (importer, imported) layer pairs forbidden although they point down.
    `globs` are the repository's own layer map (`{repositories: ["impl/*_repository.py"]}`):
    a layer it names is found by those globs alone, not by folder names.
    `suffixes` mark a file by the last word of its name (`articles_repository.py`,
    `article.service.ts`) when no folder marks it. `roots` are the file stems of
    composition roots (dependency-injection containers): they wire every layer
    and are not followed as helpers.
    """

    layers: tuple[tuple[str, tuple[str, ...]], ...]
    ranks: dict[str, int]
    closed: frozenset[tuple[str, str]] = frozenset()
    containers: frozenset[str] = frozenset()
    globs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    suffixes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    roots: frozenset[str] = frozenset()

    @classmethod
    def ordered(
        cls,
        layers: list[dict],
        closed: list[list[str]] | None = None,
        *,
        globs: Mapping[str, list[str]] | None = None,
        roots: list[str] | None = None,
    ) -> LayerContract:
        """One layer per rank, outermost first (`[{name, dirs, file_suffixes}, ...]` as in rules.yml)."""
        return cls(
            layers=tuple((layer["name"], tuple(layer["dirs"])) for layer in layers),
            ranks={layer["name"]: i for i, layer in enumerate(layers)},
            closed=frozenset((a, b) for a, b in closed or []),
            globs={name: tuple(patterns) for name, patterns in (globs or {}).items()},
            suffixes=tuple((layer["name"], tuple(layer.get("file_suffixes", ()))) for layer in layers),
            roots=frozenset(roots or ()),
        )

    @classmethod
    def ranked(cls, ranks: list[list[str]]) -> LayerContract:
        """Packages by rank, e.g. `[["bot"], ["checks"], ["conduit_suite", "verifiers"]]`; a layer is its own directory."""
        return cls(
            layers=tuple((name, (name,)) for group in ranks for name in group),
            ranks={name: i for i, group in enumerate(ranks) for name in group},
        )

    def named(self, name: str) -> str | None:
        """The layer a directory or file stem of this name marks, if any (layers the map names are found by glob)."""
        return next((layer for layer, dirs in self.layers if name in dirs and layer not in self.globs), None)

    def _by_suffix(self, stem: str) -> str | None:
        words = re.split(r"[._-]", stem)
        if len(words) < 2:
            return None
        return next((layer for layer, ends in self.suffixes if words[-1] in ends and layer not in self.globs), None)

    def is_root(self, path: str) -> bool:
        """A composition root by name (`container.py`, `dependencies.py`): it wires layers, it is none of them."""
        return PurePosixPath(path).stem.split(".")[0] in self.roots

    def with_containers(self, paths: list[str]) -> LayerContract:
        """Mark folders named like a layer that hold other layer folders (`api/` above `api/controllers/`).

        Such a folder is the application's package, not a layer: its helpers
        must not be taken for routes.
        """
        dirs = {"/".join(PurePosixPath(p).parts[:i]) for p in paths for i in range(1, len(PurePosixPath(p).parts))}
        marked = [d for d in dirs if self.named(PurePosixPath(d).name) is not None]
        containers = {d for d in marked if any(o.startswith(d + "/") for o in marked)}
        return replace(self, containers=frozenset(containers))

    def layer_of(self, path: str) -> str | None:
        """The layer the map's globs give; else that of the innermost directory naming one; else the file's
        own name (`models.py`, `articles_repository.py`)."""
        for mapped, patterns in self.globs.items():
            if any(path_matches(path, p) for p in patterns):
                return mapped
        parts = PurePosixPath(path).parts
        for i in range(len(parts) - 2, -1, -1):
            layer = self.named(parts[i])
            if layer is not None and "/".join(parts[: i + 1]) not in self.containers:
                return layer
        stem = PurePosixPath(parts[-1]).stem
        return self.named(stem) or self._by_suffix(stem)

    def breach(self, importer: str, imported: str) -> str | None:
        """`upward`, `independent` or `closed` when importer -> imported breaks the contract."""
        if importer == imported:
            return None
        a, b = self.ranks[importer], self.ranks[imported]
        if b < a:
            return "upward"
        if b == a:
            return "independent"
        if (importer, imported) in self.closed:
            return "closed"
        return None


@dataclass(frozen=True)
class Reach:
    """What one import line of a layered file leads to: a layered file or an external package, maybe via helpers."""

    source: str
    imp: Import
    target: str | None
    package: str | None
    module: str
    via: tuple[str, ...] = ()


@dataclass
class ImportGraph:
    project: Project
    contract: LayerContract
    include: Callable[[str], bool] = lambda path: True
    _helper_reach: dict[str, list[tuple[str | None, str | None, str, tuple[str, ...]]]] = field(default_factory=dict)
    _roots: dict[str, bool] = field(default_factory=dict)

    def layer_of(self, path: str) -> str | None:
        return self.contract.layer_of(path) if self.include(path) else None

    def is_root(self, path: str) -> bool:
        """A composition root: named as one, or an unlayered file importing two layers or more directly
        (it builds services from repositories for the routes: dependency injection, not a bypass)."""
        known = self._roots.get(path)
        if known is None:
            source = self.project.files.get(path)
            layers = {self.layer_of(i.target) for i in source.imports if i.target is not None} if source else set()
            known = self._roots[path] = self.contract.is_root(path) or len(layers - {None}) >= 2
        return known

    def reaches(self) -> Iterator[Reach]:
        """Every (layered file, import line) -> reached layered file or package, following helpers."""
        for path, source in self.project.files.items():
            if self.layer_of(path) is None:
                continue
            for imp in source.imports:
                if imp.target is not None and self.layer_of(imp.target) is None and self.is_root(imp.target):
                    continue
                if imp.target is not None and self.layer_of(imp.target) is None and self.include(imp.target):
                    for target, package, module, via in self._through_helper(imp.target, frozenset()):
                        yield Reach(path, imp, target, package, module, (imp.target, *via))
                else:
                    yield Reach(path, imp, imp.target, imp.package, imp.module)

    def _through_helper(
        self, helper: str, visiting: frozenset[str]
    ) -> list[tuple[str | None, str | None, str, tuple[str, ...]]]:
        if helper in self._helper_reach:
            return self._helper_reach[helper]
        found: list[tuple[str | None, str | None, str, tuple[str, ...]]] = []
        source = self.project.files.get(helper)
        for imp in source.imports if source is not None else []:
            if imp.target is None:
                if imp.package is not None:
                    found.append((None, imp.package, imp.module, ()))
            elif self.layer_of(imp.target) is not None:
                found.append((imp.target, None, imp.module, ()))
            elif (
                imp.target not in visiting
                and imp.target != helper
                and self.include(imp.target)
                and not self.is_root(imp.target)
            ):
                for target, package, module, via in self._through_helper(imp.target, visiting | {helper}):
                    found.append((target, package, module, (imp.target, *via)))
        if not visiting:  # answers cut short by a cycle are not cached
            self._helper_reach[helper] = found
        return found


def contract_breaches(graph: ImportGraph) -> Iterator[tuple[Reach, str, str, str]]:
    """(reach, breach kind, importer layer, imported layer) for every import that breaks the contract."""
    seen: set[tuple[str, int, str]] = set()
    for reach in graph.reaches():
        if reach.target is None:
            continue
        importer, imported = graph.layer_of(reach.source), graph.layer_of(reach.target)
        if importer is None or imported is None:
            continue
        kind = graph.contract.breach(importer, imported)
        key = (reach.source, reach.imp.line, imported)
        if kind is not None and key not in seen:
            seen.add(key)
            yield reach, kind, importer, imported
