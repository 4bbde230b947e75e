"""Where a failed start points in the repository, from what the log names and the parsed project.

A start that fails leaves a log that names something the repository
declares: a package no version of which exists (the manifest line that
declares it), a module that cannot be imported (the import), a database that
cannot be reached (the URL or host in the configuration), or nothing at all
when the server listens elsewhere than the contract's port (the call that
binds it). Each is found through the verifiers' project, not by reading files again.
"""

from __future__ import annotations

import re
from pathlib import Path

from checks.diagnosis.code import project
from checks.diagnosis.model import Evidence

_PACKAGE = (
    re.compile(r"No matching version found for (?P<name>@?[\w.-]+(?:/[\w.-]+)?)@"),
    re.compile(r"there is no version of (?P<name>[\w.-]+)(?:\[[\w,]+\])?=="),
    re.compile(r"No matching distribution found for (?P<name>[\w.-]+)"),
    re.compile(r"Could not find a version that satisfies the requirement (?P<name>[\w.-]+)"),
    re.compile(r"404 Not Found - GET \S+/(?P<name>@?[\w.-]+(?:%2f[\w.-]+)?) - Not found"),
)
_MODULE = re.compile(r"No module named '(?P<name>[\w.]+)'|Cannot find (?:module|package) '(?P<js>[^']+)'")
_DATABASE = re.compile(
    r"database \"\S+\" does not exist|could not translate host|Connection refused|ECONNREFUSED|"
    r"password authentication failed|SequelizeConnection|SequelizeHostNotFound|getaddrinfo ENOTFOUND|"
    r"unable to open database file",
    re.IGNORECASE,
)
_DB_URL = re.compile(r"^(postgres(?:ql)?|mysql|sqlite)(?:\+\w+)?:", re.IGNORECASE)
_DB_KEYS = {"HOST", "NAME", "ENGINE", "DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "connection", "host", "database"}
_BINDS = ("listen", "run_app", "serve", "run")


def startup_spots(repo: Path, startup: str, log: str) -> list[Evidence]:
    """Repository places the failed start points at (manifest lines, imports, configuration, the bind)."""
    repo = repo.resolve()
    parsed = project(repo)
    found: list[Evidence] = []
    for pattern in _PACKAGE:
        for m in pattern.finditer(log):
            declared = parsed.dependency([m["name"].replace("%2f", "/")])
            if declared is not None:
                found.append(
                    Evidence(
                        kind="code",
                        path=declared.path,
                        line=declared.line,
                        message=f"{declared.name} is declared here and does not install",
                    )
                )
    for m in _MODULE.finditer(log):
        name = m["name"] or m["js"]
        for path, source in sorted(parsed.files.items()):
            for imp in source.imports:
                if imp.module == name or imp.module.startswith(name + "."):
                    found.append(Evidence(kind="code", path=path, line=imp.line, message=f"imports {name}"))
    if _DATABASE.search(log):
        for path, source in sorted(parsed.files.items()):
            for s in source.strings:
                if _DB_URL.match(s.value) or (s.key in _DB_KEYS and s.value and "/" not in s.value[:1]):
                    found.append(
                        Evidence(kind="code", path=path, line=s.line, message="the database is configured here")
                    )
    if startup == "health_timeout":
        for path, source in sorted(parsed.files.items()):
            for call in source.calls:
                if call.callee.replace("()", "").rsplit(".", 1)[-1] in _BINDS and call.first_string is None:
                    found.append(
                        Evidence(kind="code", path=path, line=call.line, message="the server binds its port here")
                    )
    unique: list[Evidence] = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique[:6]
