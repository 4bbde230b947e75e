"""Find where a route is defined, so a failure with no stack trace still points at a line.

Frameworks spell path parameters differently (`{slug}`, `<slug>`,
`<str:slug>`, `:slug`) and mount prefixes separately (`url_prefix`,
`app.use('/api', router)`), so the match is on the longest tail of the path
that appears in a string literal of a source file, parameters as wildcards.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_SOURCES = (".py", ".js", ".mjs", ".cjs", ".ts")
_SKIP = ("node_modules", ".venv", "venv", "__pycache__", ".git", "tests", "test")
_PARAM = r"(?:\{[^}/]+\}|<[^>/]+>|:\w+\??|\[\w+\])"
_METHOD_WORDS = {"GET": "get", "POST": "post", "PUT": "put", "DELETE": "delete", "PATCH": "patch"}


def _segments(template: str, prefix: str = "/api") -> list[str]:
    path = template.split("?")[0]
    if path.startswith(prefix):
        path = path[len(prefix):]
    return [s for s in path.split("/") if s]


def _pattern(segments: list[str]) -> re.Pattern[str]:
    parts = [_PARAM if s.startswith(("{", ":", "<")) else re.escape(s) for s in segments]
    return re.compile(r"""["'`]/?""" + "/".join(parts) + r"""/?["'`]""")


@lru_cache(maxsize=16)
def _source_files(repo: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    files = []
    for path in sorted(repo.rglob("*")):
        if path.suffix not in _SOURCES or any(part in _SKIP for part in path.relative_to(repo).parts):
            continue
        try:
            files.append((str(path.relative_to(repo)), tuple(path.read_text(errors="replace").splitlines())))
        except OSError:
            continue
    return tuple(files)


def locate_route(repo: Path, method: str, template: str) -> tuple[str, int] | None:
    """(path, line) of the definition serving `method template`, or None when none is found."""
    segments = _segments(template)
    if not segments:
        return None
    files = _source_files(repo.resolve())
    verb = _METHOD_WORDS.get(method.upper(), method.lower())
    for start in range(len(segments)):
        tail = segments[start:]
        if all(s.startswith(("{", ":", "<")) for s in tail):
            break
        pattern = _pattern(tail)
        hits = [(name, i + 1, line) for name, lines in files for i, line in enumerate(lines) if pattern.search(line)]
        if not hits:
            continue
        with_verb = [h for h in hits if verb in h[2].lower()]
        name, number, _ = (with_verb or hits)[0]
        return name, number
    return None
