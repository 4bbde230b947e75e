"""architecture.*: Clean Architecture layers exist, imports point down, routes reach repositories only through services."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

from verifiers.constraints import Constraints
from verifiers.evidence import matches_module
from verifiers.findings import Finding
from verifiers.layers import ImportGraph, LayerContract, contract_breaches
from verifiers.project import Project
from verifiers.rules import Table

_BREACH_RULE = {
    "upward": "architecture.upward-import",
    "independent": "architecture.upward-import",
    "closed": "architecture.route-bypasses-service",
}


def _via(via: tuple[str, ...]) -> str:
    return f" through {' -> '.join(via)}" if via else ""


def check(
    project: Project, constraints: Constraints, table: Table, layers: Mapping[str, list[str]] | None = None
) -> Iterator[Finding]:
    """`layers` is the repository's own layer map (layer -> globs), replacing the folder names of those it maps."""
    if constraints.architecture != "clean":
        return
    included = [p for p in project.files if not table.is_excluded(p)]
    contract = LayerContract.ordered(
        table.section("layers"), table.section("closed"), globs=layers, roots=table.section("composition_roots")
    ).with_containers(included)
    directories = {part for p in included for part in PurePosixPath(p).parts[:-1]}
    found = {contract.layer_of(p) for p in included}
    for name, dirs in contract.layers:
        if name in contract.globs and name not in found:
            yield table.finding(
                "architecture.layer-missing", layer=name, names="(the layer map's) " + ", ".join(contract.globs[name])
            )
        elif name not in contract.globs and not directories & set(dirs) and name not in found:
            yield table.finding("architecture.layer-missing", layer=name, names=", ".join(dirs))

    graph = ImportGraph(project, contract, include=lambda p: not table.is_excluded(p))
    for reach, kind, importer, imported in contract_breaches(graph):
        yield table.finding(
            _BREACH_RULE[kind],
            path=reach.source,
            line=reach.imp.line,
            column=reach.imp.column,
            layer=importer,
            target_layer=imported,
            target=reach.target,
            via=_via(reach.via),
        )

    frameworks = table.section("frameworks")
    chosen = [constraints.framework] if constraints.framework else list(frameworks)
    forbidden = [name for fw in chosen for name in frameworks[fw]["inner_forbidden"]]
    outermost = contract.layers[0][0]
    seen: set[tuple[str, int]] = set()
    for reach in graph.reaches():
        layer = graph.layer_of(reach.source)
        if reach.package is None or layer == outermost or (reach.source, reach.imp.line) in seen:
            continue
        package = matches_module(reach.module, reach.package, forbidden)
        if package is not None:
            seen.add((reach.source, reach.imp.line))
            yield table.finding(
                "architecture.framework-in-inner-layer",
                path=reach.source,
                line=reach.imp.line,
                column=reach.imp.column,
                layer=layer,
                package=package,
                via=_via(reach.via),
            )
