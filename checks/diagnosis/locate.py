"""Find where a route is defined, so a failure with no stack trace still points at a line.

Frameworks spell path parameters differently (`{slug}`, `<slug>`,
`<str:slug>`, `:slug`) and mount prefixes separately (`url_prefix`,
`app.use('/api', router)`), so the match is on the longest tail of the path
that appears in a string literal of a source file, parameters as wildcards.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from verifiers.project import read_inside

_SOURCES = (".py", ".js", ".mjs", ".cjs", ".ts")
_SKIP = ("node_modules", ".venv", "venv", "__pycache__", ".git", "tests", "test")
_PARAM = r"(?:\{[^}/]+\}|<[^>/]+>|:\w+\??|\[\w+\]|\(\?P<\w+>[^)]*\))"
_METHOD_WORDS = {"GET": "get", "POST": "post", "PUT": "put", "DELETE": "delete", "PATCH": "patch"}


def _segments(template: str, prefix: str = "/api") -> list[str]:
    path = template.split("?")[0]
    if path.startswith(prefix):
        path = path[len(prefix) :]
    return [s for s in path.split("/") if s]


def _pattern(segments: list[str]) -> re.Pattern[str]:
    parts = [_PARAM if s.startswith(("{", ":", "<")) else re.escape(s) for s in segments]
    # Any mount prefix before ("/api/", Django's "^api/"), an optional slash or "/?$" after.
    return re.compile(r"""["'`]\^?/?(?:[\w-][\w.-]*/)*""" + "/".join(parts) + r"""(?:/\??)?\$?["'`]""")


@lru_cache(maxsize=16)
def source_files(repo: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(relative path, lines) of every source file of the repository, dependencies and tests left out."""
    files = []
    found: list[Path] = []
    for folder, dirs, names in os.walk(repo):
        dirs[:] = [d for d in dirs if d not in _SKIP and not d.startswith(".")]  # never walk node_modules
        found.extend(Path(folder) / name for name in names if Path(name).suffix in _SOURCES)
    for path in sorted(found):
        text = read_inside(repo, path)  # the returned workspace is untrusted: no symlinks, no FIFOs
        if text is not None:
            files.append((str(path.relative_to(repo)), tuple(text.splitlines())))
    return tuple(files)


_source_files = source_files


_ROUTE_DIRS = {"routes", "routers", "controllers", "handlers", "views", "api", "endpoints"}
_ROUTE_FILES = {"urls", "routes", "router", "routing"}


def is_route_module(path: str) -> bool:
    """Whether a file is where routes are declared (a routes folder, Django's urls.py, a router module)."""
    parts = Path(path)
    return bool(_ROUTE_DIRS & set(parts.parts[:-1])) or parts.stem in _ROUTE_FILES


def locate_route(repo: Path, method: str, template: str) -> tuple[str, int] | None:
    """(path, line) of the registration serving `method template`, or None when none is found.

    Registrations are the parsed project's calls whose first argument is a path string
    (`@bp.get("/articles/<slug>")`, `router.get('/articles/:slug', ...)`, `path("api/articles/<slug:slug>", ...)`);
    any other string literal holding the path is the fallback.
    """
    from checks.diagnosis.code import project

    segments = _segments(template)
    if not segments:
        return None
    files = project(repo.resolve()).files
    verb = _METHOD_WORDS.get(method.upper(), method.lower())
    for start in range(len(segments)):
        tail = segments[start:]
        if all(s.startswith(("{", ":", "<")) for s in tail):
            break
        pattern = _value_pattern(tail)
        text = dict(source_files(repo.resolve()))
        calls = [
            (name, c.line, c.callee.rsplit(".", 1)[-1].lower() + " " + _line_of(text, name, c.line).lower())
            for name, source in sorted(files.items())
            for c in source.calls
            if c.first_string is not None and pattern.match(c.first_string)
        ]
        if calls:
            # A registration names its verb (or is a generic route/path call) and sits in a routes module.
            ranked = sorted(calls, key=lambda h: (verb not in h[2], not is_route_module(h[0]), h[0], h[1]))
            return ranked[0][0], ranked[0][1]
        strings = [
            (name, s.line) for name, source in sorted(files.items()) for s in source.strings if pattern.match(s.value)
        ]
        if strings:
            ranked_strings = sorted(strings, key=lambda h: (not is_route_module(h[0]), h[0], h[1]))
            return ranked_strings[0]
    return None


def _line_of(text: dict[str, tuple[str, ...]], path: str, line: int) -> str:
    lines = text.get(path, ())
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _value_pattern(segments: list[str]) -> re.Pattern[str]:
    parts = [_PARAM if s.startswith(("{", ":", "<")) else re.escape(s) for s in segments]
    # Any mount prefix before ("/api/", Django's "^api/"), an optional slash or "/?$" after.
    return re.compile(r"^\^?/?(?:[\w-][\w.-]*/)*" + "/".join(parts) + r"(?:/\??)?\$?$")


def resource_files(repo: Path, resource: str) -> list[str]:
    """Route modules named after `resource` ('comments' → routes/comments.js): where a missing route belongs."""
    stems = {resource, resource.rstrip("s"), resource + "s"}
    return [name for name, _ in source_files(repo.resolve()) if Path(name).stem in stems and is_route_module(name)]


def routes_modules(repo: Path) -> list[str]:
    """Files that register routes, most registrations first: where a missing route belongs."""
    from checks.diagnosis.code import project

    counts = {
        name: sum(
            1
            for c in source.calls
            if c.first_string and re.match(r"^\^?/?(api/|/)?[\w{<:]", c.first_string) and "/" in c.first_string
        )
        for name, source in project(repo.resolve()).files.items()
    }
    return [name for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2]
