"""framework.*: the declared framework is a dependency, builds the app, and no other web framework serves routes."""

from __future__ import annotations

from collections.abc import Iterator

from verifiers.constraints import Constraints
from verifiers.evidence import app_files, bound_packages, call_package, callee_parts, manifest_label, manifests
from verifiers.findings import Finding
from verifiers.model import Call, SourceFile
from verifiers.project import Project
from verifiers.rules import Table


def app_creations(source: SourceFile, spec: dict) -> Iterator[Call]:
    """Calls in `source` that create an app or router of the framework described by `spec`."""
    bound = bound_packages(source)
    packages = set(spec["packages"])
    for call in source.calls:
        _, last = callee_parts(call)
        if last in spec["app_calls"] and call_package(call, bound) in packages:
            yield call


def check(project: Project, constraints: Constraints, table: Table) -> Iterator[Finding]:
    declared = constraints.framework
    if declared is None:
        return
    frameworks = table.section("frameworks")
    spec = frameworks[declared]
    if project.dependency(spec["packages"]) is None:
        found = manifests(project)
        yield table.finding(
            "framework.not-a-dependency",
            path=found[0] if found else None,
            framework=declared,
            manifests=manifest_label(project),
        )
    sources = list(app_files(project, table))
    if not any(True for source in sources for _ in app_creations(source, spec)):
        yield table.finding(
            "framework.not-used",
            framework=declared,
            packages=", ".join(spec["packages"]),
            app_calls=" or ".join(spec["app_calls"]),
        )
    for other, other_spec in frameworks.items():
        if other == declared:
            continue
        for source in sources:
            for call in app_creations(source, other_spec):
                yield table.finding(
                    "framework.second-framework",
                    path=source.path,
                    line=call.line,
                    column=call.column,
                    other=other,
                    callee=call.callee,
                    framework=declared,
                )
