"""database.*: static evidence for the declared engine and none for the other; runtime evidence when the pipeline has it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypedDict

from verifiers.constraints import Constraints
from verifiers.evidence import app_files, bound_packages, call_package, guarded, matches_module
from verifiers.findings import Finding
from verifiers.project import Project
from verifiers.rules import Table
from verifiers.runtime import RuntimeEvidence


def _drivers(spec: dict, runtime: str) -> list[str]:
    return spec["python_drivers"] if runtime == "python" else spec["node_drivers"]


def _static(
    project: Project, table: Table, engine: str, *, unconditional: bool
) -> Iterator[tuple[str, str, int, int, dict]]:
    """(rule kind, path, line, column, fields) for every piece of evidence that the app uses `engine`.

    With `unconditional`, evidence under a test naming the engine (the app
    choosing its driver from DATABASE_URL) does not count.
    """
    spec = table.section("databases")[engine]
    names = spec["names"] if unconditional else []
    url = re.compile(spec["url"])
    dialect_keys = set(table.section("dialect_keys"))
    dialects = set(spec["dialects"])
    for source in app_files(project, table):
        for literal in source.strings:
            if guarded(literal.conditions, names):
                continue
            if not unconditional and guarded(literal.conditions, spec["names"]):
                # A branch on the engine (`if url.startswith("sqlite")`): the app supports it when configured.
                yield "branch", source.path, literal.line, literal.column, {}
                continue
            if literal.key in dialect_keys and literal.value.lower() in dialects:
                yield "dialect", source.path, literal.line, literal.column, {"key": literal.key, "value": literal.value}
            elif url.search(literal.value):
                yield "url", source.path, literal.line, literal.column, {"value": literal.value}
        drivers = _drivers(spec, source.runtime)
        bound = bound_packages(source)
        for imp in source.imports:
            package = matches_module(imp.module, imp.package, drivers)
            if package is not None and not guarded(imp.conditions, names):
                yield "driver", source.path, imp.line, imp.column, {"package": package}
        for call in source.calls:  # require('sqlite3') used inline, without a binding
            package = call_package(call, bound)
            if call.callee.startswith("require(") and package in drivers and not guarded(call.conditions, names):
                yield "driver", source.path, call.line, call.column, {"package": package}


def check(
    project: Project, constraints: Constraints, table: Table, runtime: RuntimeEvidence | None = None
) -> Iterator[Finding]:
    declared = constraints.database
    if declared is None:
        return
    databases = table.section("databases")
    other = next(name for name in databases if name != declared)
    labels: EngineLabels = {"declared": databases[declared]["label"], "other": databases[other]["label"]}
    declared_dependency = project.dependency(databases[declared]["dependencies"])
    if declared_dependency is None and not any(True for _ in _static(project, table, declared, unconditional=False)):
        yield table.finding("database.declared-engine-missing", **labels)
    proven = _data_in_declared(runtime, declared)
    for kind, path, line, column, fields in _static(project, table, other, unconditional=True):
        finding = table.finding(
            f"database.other-engine-{kind}",
            path=path,
            line=line,
            column=column,
            **labels,
            **{"key": "", "value": "", "package": "", **fields},
        )
        if proven and kind in ("url", "dialect"):
            # A fallback value (`os.environ.get("DATABASE_URL", "sqlite:///dev.db")`) the run did not take.
            finding.waived = f"a fallback not taken: after the suite the data was in {labels['declared']} and no {labels['other']} file was written"
        yield finding
    other_dependency = project.dependency(databases[other]["dependencies"])
    builtin = project.runtime in databases[declared]["builtin_in"]
    if other_dependency is not None and declared_dependency is None and not builtin:
        yield table.finding(
            "database.other-engine-dependency",
            path=other_dependency.path,
            line=other_dependency.line,
            column=other_dependency.column,
            package=other_dependency.name,
            **labels,
        )
    if runtime is not None and runtime.collected:
        yield from _runtime(runtime, declared, table, labels)


class EngineLabels(TypedDict):
    """The engines' names as the rule messages print them."""

    declared: str
    other: str


def _data_in_declared(runtime: RuntimeEvidence | None, declared: str) -> bool:
    """The runtime evidence shows the suite's data in the declared engine's tables, and no SQLite file beside it."""
    return (
        runtime is not None
        and runtime.collected
        and runtime.database == declared
        and sum(runtime.tables.values()) > 0
        and not runtime.sqlite_files
    )


def _runtime(runtime: RuntimeEvidence, declared: str, table: Table, labels: EngineLabels) -> Iterator[Finding]:
    if runtime.database != declared:
        provided = table.section("databases").get(runtime.database, {}).get("label", runtime.database)
        yield table.finding("database.runtime-engine", provided=provided, **labels)
    elif not runtime.tables:
        yield table.finding("database.runtime-no-tables", **labels)
    elif sum(runtime.tables.values()) == 0:
        yield table.finding("database.runtime-no-rows", tables=", ".join(sorted(runtime.tables)), **labels)
    if declared == "postgresql":
        for path in runtime.sqlite_files:
            yield table.finding("database.runtime-sqlite-file", path=path, value=path, **labels)
