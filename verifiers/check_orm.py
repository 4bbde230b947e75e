"""orm.*: the declared ORM is a dependency and does the data access; raw SQL and driver calls outside migrations bypass it."""

from __future__ import annotations

from collections.abc import Iterator

from verifiers.constraints import Constraints
from verifiers.evidence import (
    app_files,
    bound_packages,
    call_package,
    callee_parts,
    manifest_label,
    manifests,
    matches_module,
)
from verifiers.findings import Finding
from verifiers.model import SourceFile
from verifiers.project import Project
from verifiers.rules import Table


def _excerpt(sql: str | None) -> str:
    if not sql:
        return ""
    flat = " ".join(sql.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


def check(project: Project, constraints: Constraints, table: Table) -> Iterator[Finding]:
    orm = constraints.orm
    if orm is None or orm == "none":
        return
    spec = table.section("orms")[orm]
    label = spec["label"]
    if project.dependency(spec["dependencies"]) is None:
        found = manifests(project)
        yield table.finding(
            "orm.not-a-dependency", path=found[0] if found else None, orm=label, manifests=manifest_label(project)
        )
    sources = list(app_files(project, table))
    if not any(
        matches_module(imp.module, imp.package, spec["packages"]) is not None
        for source in sources
        for imp in source.imports
    ):
        yield table.finding("orm.not-used", orm=label, packages=", ".join(spec["packages"]))
    own = {_top_level(p) for p in spec["packages"]}
    for source in sources:
        if not table.is_migration(source.path):
            yield from _bypasses(source, table, label, own, set(spec.get("raw_methods", [])))


def _top_level(module: str) -> str:
    """The package a module belongs to: `django.db` -> `django`, `@prisma/client` stays."""
    return module if module.startswith("@") else module.split(".")[0]


def _bypasses(source: SourceFile, table: Table, orm: str, own: set[str], raw_methods: set[str]) -> Iterator[Finding]:
    """Raw SQL and driver calls in one file; `own` are the declared ORM's packages (knex is no driver under Knex)."""
    raw = table.section("raw_sql")
    drivers = set(raw["drivers"]) - own
    db_packages = drivers | own | {_top_level(p) for o in table.section("orms").values() for p in o["packages"]}
    bound = bound_packages(source)
    reported: set[int] = set()  # lines with a raw query: the SQL string there is the same finding
    used: set[int] = set()
    for call in source.calls:
        _, last = callee_parts(call)
        package = call_package(call, bound)
        sql = call.first_string if table.is_sql(call.first_string) else None
        if (
            (last in raw["text_functions"] and package in db_packages)
            or (last in raw["cursor_methods"] and package in db_packages)
            or last in raw["driver_methods"]
            or last in raw_methods
            or (last in raw["when_sql"] and sql is not None)
        ):
            if call.line not in reported:
                reported.add(call.line)
                shown = _excerpt(call.first_string)
                yield table.finding(
                    "orm.raw-query",
                    path=source.path,
                    line=call.line,
                    column=call.column,
                    callee=call.callee,
                    orm=orm,
                    sql=f": {shown}" if shown else "",
                )
        if package in drivers and "()" not in call.callee and call.line not in used:
            used.add(call.line)  # the driver's own entry point: connect(), new Pool(), knex(...)
            yield table.finding(
                "orm.driver-use",
                path=source.path,
                line=call.line,
                column=call.column,
                package=package,
                callee=call.callee,
                orm=orm,
            )
    for literal in source.strings:
        if literal.line not in reported and table.is_sql(literal.value):
            reported.add(literal.line)
            yield table.finding(
                "orm.raw-sql",
                path=source.path,
                line=literal.line,
                column=literal.column,
                orm=orm,
                sql=_excerpt(literal.value),
            )
