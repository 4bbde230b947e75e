"""Small shared readings of the model: which files count, what a call's callee binds to, where manifests are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from verifiers.model import Call, SourceFile
from verifiers.project import Project
from verifiers.rules import Table

MANIFESTS = ("requirements.txt", "pyproject.toml", "package.json")


def app_files(project: Project, table: Table) -> Iterator[SourceFile]:
    """Application sources: every parsed file except tests."""
    for path, source in project.files.items():
        if not table.is_excluded(path):
            yield source


def manifests(project: Project) -> list[str]:
    return [m for m in MANIFESTS if (project.root / m).is_file()]


def manifest_label(project: Project) -> str:
    found = manifests(project)
    return ", ".join(found) if found else "any manifest (requirements.txt, pyproject.toml, package.json)"


def matches_module(module: str, package: str | None, names: Iterable[str]) -> str | None:
    """The entry of `names` an external import is (a package or a dotted module prefix such as `django.http`)."""
    if package is None:
        return None
    for name in names:
        if package == name or module == name or module.startswith((name + ".", name + "/")):
            return name
    return None


def callee_parts(call: Call) -> tuple[str, str]:
    """(root, last) of a callee: `db.session.query().filter` -> (`db`, `filter`); `require('x')()` -> (`require('x')`, ...)."""
    text = call.callee.replace("()", "")
    if text.startswith("require("):
        end = text.find(")")
        root = text[: end + 1]
        rest = text[end + 1 :].lstrip(".")
        if rest:
            return root, rest.rsplit(".", 1)[-1]
        return root, root[len("require(") : -1].strip("'\"`").rsplit("/", 1)[-1]  # the module's default export
    parts = text.split(".")
    return parts[0], parts[-1]


def bound_packages(source: SourceFile) -> dict[str, str]:
    """Local name -> external package it was imported from, for one file."""
    bound: dict[str, str] = {}
    for imp in source.imports:
        if imp.package is None:
            continue
        for name in imp.bindings:
            bound[name] = imp.package
    return bound


def call_package(call: Call, bound: dict[str, str]) -> str | None:
    """The package whose import the callee's root name is bound to (`require('x')` names its own)."""
    root, _ = callee_parts(call)
    if root.startswith("require("):
        spec = root[len("require(") : -1].strip("'\"`")
        return "/".join(spec.split("/")[:2]) if spec.startswith("@") else spec.split("/")[0]
    return bound.get(root)


def guarded(conditions: tuple[str, ...], names: Iterable[str]) -> bool:
    """True when the fact sits under an if/ternary whose test mentions one of `names` (a configuration-driven choice)."""
    lowered = [c.lower() for c in conditions]
    return any(name in c for c in lowered for name in names)
