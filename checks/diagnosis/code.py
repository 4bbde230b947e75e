"""Read the repository's own source for the places a failure without a traceback points at.

The structure comes from the verifiers' parsed project (`verifiers.project`:
Python's `ast`, tree-sitter for JavaScript/TypeScript), the one reading of the
code both share: definitions with their spans, calls with their lines.
- which definitions serve a route: the handler at the route's line, then the
  functions it calls, found by name in the other source files (route →
  service → repository, the path a reviewer would follow by hand);
- which lines do a given job (verify a token, create the schema): a regular
  expression per cause over source lines, as data in `places.yml`.

A definition is reported as a span (first and last line), so a defect
anywhere inside the function is covered by the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checks.diagnosis.locate import source_files
from verifiers.project import Project, load_project

_JS_NOT_NAMES = {"if", "for", "while", "switch", "catch", "return", "function", "with", "else", "do", "try"}
_CALL = re.compile(r"(?:\b(?P<owner>\w+)\.|\.|\b)(?P<name>[A-Za-z_]\w*)\s*\(")
# `blocking(articles.list_articles, ...)` passes a function without calling it.
_OWNED = re.compile(r"\b(?P<owner>[A-Za-z_]\w*)\.(?P<name>[A-Za-z_]\w*)\b(?!\s*\()")
_STRING = re.compile(r"""(["'`])(?:\\.|(?!\1).)*\1""")
_COMMENTS = ("#", "//", "*", "/*", '"""', "'''")  # comment and docstring lines name no code
_VERBS = {
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "del",
    "all",
    "use",
    "route",
    "add_route",
    "re_path",
    "path",
    "api_route",
    "add",
}
_REFERENCE = re.compile(r"(?:\b(?P<owner>\w+)\.|\.|\b)(?P<name>[A-Za-z_]\w*)\b")
# Names too common to follow: built-ins and ORM/framework verbs that resolve to everything.
_GENERIC = {
    "len",
    "str",
    "int",
    "dict",
    "max",
    "min",
    "json",
    "send",
    "status",
    "print",
    "isinstance",
    "super",
    "flush",
    "commit",
    "refresh",
    "close",
    "execute",
    "scalar",
    "scalars",
    "select",
    "where",
    "require",
    "push",
    "map",
    "filter",
    "then",
    "catch",
    "String",
    "Number",
    "Boolean",
    "Object",
    "Array",
    "Promise",
    "Date",
    "Error",
    "parseInt",
    "resolve",
    "next",
    "asyncHandler",
    "format",
    "join",
    "split",
    "strip",
    "lower",
    "upper",
    "replace",
    "items",
    "keys",
    "values",
    "append",
    "extend",
    "sorted",
    "range",
    "enumerate",
    "getattr",
    "exec",
    "test",
    "include",
    "has",
}


@dataclass(frozen=True)
class Span:
    """A place in the repository: a definition (start..end) or a single line (start == end)."""

    path: str
    start: int
    end: int
    name: str = ""
    kind: str = "function"  # or "class", "binding" (verifiers.model.Definition.kind)

    def covers(self, line: int) -> bool:
        return self.start <= line <= self.end


@lru_cache(maxsize=16)
def project(repo: Path) -> Project:
    """The repository as the verifiers parse it (cached per checkout)."""
    return load_project(repo)


@lru_cache(maxsize=16)
def definitions(repo: Path) -> dict[str, tuple[Span, ...]]:
    """Every named function, method and class definition in the repository, by name."""
    found: dict[str, list[Span]] = {}
    for path, source in project(repo).files.items():
        for d in source.definitions:
            if d.name:
                found.setdefault(d.name, []).append(Span(path, d.line, d.end_line, d.name, d.kind))
    return {name: tuple(spans) for name, spans in found.items()}


def enclosing(repo: Path, path: str, line: int) -> Span | None:
    """The innermost definition around `path:line` (a Python definition's span includes its decorators)."""
    source = project(repo.resolve()).files.get(path)
    if source is None:
        return None
    around = [d for d in source.definitions if d.covers(line)]
    if not around:
        return None
    d = min(around, key=lambda d: (d.end_line - d.line, -d.line))
    return Span(path, d.line, d.end_line, d.name)


def _lines(repo: Path, path: str) -> tuple[str, ...]:
    return dict(source_files(repo)).get(path, ())


def handler_span(repo: Path, path: str, line: int) -> Span:
    """The handler a route definition at `path:line` runs: the decorated def or the inline callback.

    A registration at module level (`router.get('/x', wrap(articles.list))`, Django's `path(...)`)
    is its own one-line span; `call_chain` follows the handler it names.
    """
    repo = repo.resolve()
    source = project(repo).files.get(path)
    if source is not None:
        # the decorated def (its span starts at the decorator), or the callback on the registration's line
        inline = [d for d in source.definitions if line - 1 <= d.line <= line <= d.end_line]
        if inline:
            d = max(inline, key=lambda d: (d.line == line, d.end_line - d.line))
            return Span(path, line, d.end_line, d.name)
        python = path.endswith(".py")
        after = [d for d in source.definitions if python and line < d.line <= line + 8]
        if after:
            d = min(after, key=lambda d: d.line)
            return Span(path, line, d.end_line, d.name)
    return Span(path, line, line)


def called_names(repo: Path, span: Span) -> list[tuple[str, str]]:
    """(owner, name) of what `span` calls, in order of appearance, without the generic ones.

    The calls are the parsed project's; the owner is the module or object before the dot
    (`articles.feed` → 'articles'), or ''. A one-line registration (`re_path(..., articles.collection)`,
    `router.get('/x', wrap(articles.list))`) names its handler without calling it, so its references count.
    """
    source = project(repo.resolve()).files.get(span.path)
    names: list[tuple[str, str]] = []

    def add(owner: str, name: str, first_line: bool) -> None:
        if first_line and name in _VERBS:
            return  # `router.get('/articles', ...)` registers, it does not call a `get` of the app's
        if name == span.name and not owner:
            return  # the definition's own name (a recursive call or the assignment itself)
        if name not in _GENERIC and name not in _JS_NOT_NAMES and name not in [n for _, n in names]:
            names.append((owner, name))

    if span.start == span.end or source is None:
        lines = _lines(repo, span.path)[span.start - 1 : span.end]
        for number, text in enumerate(lines):
            text = _STRING.sub('""', text)  # "^api/user/?$" names no function
            for m in _REFERENCE.finditer(text) if span.start == span.end else _CALL.finditer(text):
                add(m["owner"] or "", m["name"], number == 0)
        return names
    for call in source.calls:
        if span.start <= call.line <= span.end:
            parts = [p for p in call.callee.replace("()", "").split(".") if p and p != "?"]
            if parts:
                add(parts[-2] if len(parts) > 1 else "", parts[-1], call.line == span.start)
    # `blocking(articles.list_articles, ...)` hands a function over without calling it.
    for text in _lines(repo, span.path)[span.start - 1 : span.end]:
        for m in _OWNED.finditer(_STRING.sub('""', text)):
            add(m["owner"], m["name"], False)
    return names


_METHOD_WORDS = {
    "GET": ("get", "list", "find", "read", "show", "fetch"),
    "POST": ("create", "add", "register", "new"),
    "PUT": ("update", "edit", "change", "save"),
    "PATCH": ("update", "edit", "change", "save"),
    "DELETE": ("delete", "remove", "destroy", "un"),
}


def call_chain(
    repo: Path,
    path: str,
    line: int,
    *,
    topic: str = "",
    method: str = "",
    words: frozenset[str] = frozenset(),
    depth: int = 4,
    limit: int = 10,
) -> list[Span]:
    """The route's handler, then the definitions it calls (breadth first, by name, across files).

    When more are found than `limit`, those about the request go first: named after
    `topic` (the resource: 'favorite' → unfavorite, _favorite), in a module named after
    it (services/articles.py for 'articles'), or named for the `method`'s verb (DELETE →
    remove, unfollow). Plumbing such as error wrappers and auth helpers is called
    everywhere and explains little. `words` (the keys of a response) rank first the
    definitions that spell most of them: the code that shapes the response.
    """
    repo = repo.resolve()
    table = definitions(repo)
    start = handler_span(repo, path, line)
    chain = [start]
    frontier = [start]
    for _ in range(depth):
        following: list[Span] = []
        for span in frontier:
            for owner, name in called_names(repo, span):
                targets = [
                    t
                    for t in table.get(name, ())
                    # Already there, or inside a function that is: a class (its constructor was called) holds
                    # methods the chain still has to reach by name.
                    if not any(
                        c.path == t.path and (c.start == t.start or (c.kind != "class" and c.covers(t.start)))
                        for c in chain + following
                    )
                ]
                local = [t for t in targets if t.path == span.path]
                # A helper in the same file shadows namesakes elsewhere; `articles.x` means the articles module's x.
                owned = [t for t in targets if owner and Path(t.path).stem.rstrip("s") == owner.rstrip("s")]
                targets = local or owned or targets
                if not targets or len(targets) > 3:
                    continue  # unknown (a library) or too common to say which
                following.extend(targets)
        chain.extend(following)
        frontier = following
    stem = topic.rstrip("s").lower()
    verbs = _METHOD_WORDS.get(method.upper(), ())

    def relevance(span: Span) -> int:
        name = span.name.lower()
        spelled = 0
        if words:
            text = "\n".join(_lines(repo, span.path)[span.start - 1 : span.end])
            spelled = sum(1 for word in words if re.search(rf"\b{re.escape(word)}\b", text))
        return (
            10 * min(spelled, 5)
            + 2 * bool(stem and stem in name)
            + bool(stem and Path(span.path).stem.rstrip("s") == stem)
            + bool(any(name.lstrip("_").startswith(v) for v in verbs))
        )

    return [chain[0]] + sorted(chain[1:], key=relevance, reverse=True)[: limit - 1]


def grep(repo: Path, pattern: re.Pattern[str], *, limit: int = 5) -> list[Span]:
    """Lines matching `pattern`; a match on a definition's first line covers the whole definition."""
    repo = repo.resolve()
    hits: list[Span] = []
    for path, lines in source_files(repo):
        source = project(repo).files.get(path)
        for index, text in enumerate(lines):
            if text.lstrip().startswith(_COMMENTS) or not pattern.search(text):
                continue
            named = re.compile(r"\b(?:def|function|class)\s+(\w+)|^\s*(?:const|let|var)?\s*(\w+)\s*[=:]")
            m = named.search(text)
            name = (m[1] or m[2]) if m else None
            starting = [
                d
                for d in (source.definitions if source else [])
                if d.line == index + 1 or (name and d.name == name and d.line <= index + 1 <= d.end_line)
            ]
            if starting:
                d = max(starting, key=lambda d: d.end_line)
                hits.append(Span(path, index + 1, d.end_line, d.name))
            else:
                hits.append(Span(path, index + 1, index + 1))
            if len(hits) >= limit:
                return hits
    return hits
