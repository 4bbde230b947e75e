"""Read the repository's own source for the places a failure without a traceback points at.

Two questions, both answered from text alone (Python and JavaScript alike):
- which definitions serve a route: the handler at the route's line, then the
  functions it calls, found by name in the other source files (route →
  service → repository, the path a reviewer would follow by hand);
- which lines do a given job (verify a token, create the schema): a regular
  expression per cause, as data in `places.yml`.

A definition is reported as a span (first and last line), so a defect
anywhere inside the function is covered by the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checks.diagnosis.locate import source_files

_PY_DEF = re.compile(r"^(?P<indent>\s*)(?:async\s+)?def\s+(?P<name>\w+)\s*\(")
# A module-level `collection = methods(GET=list_articles, ...)` defines a handler too.
_PY_ASSIGNED = re.compile(r"^(?P<indent>)(?P<name>[a-z_]\w*)\s*=\s*[\w.]+\(")
_JS_DEFS = (
    re.compile(r"^(?P<indent>\s*)(?:export\s+)?(?:async\s+)?function\s*\*?\s*(?P<name>\w+)\s*\("),
    re.compile(r"^(?P<indent>\s*)(?:static\s+)?(?:async\s+)?(?P<name>\w+)\s*\([^)]*\)\s*\{"),
    re.compile(
        r"^(?P<indent>\s*)(?:export\s+)?(?:const|let|var)\s+(?P<name>\w+)\s*=\s*(?:async\s*)?"
        r"(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)"
    ),
    re.compile(r"^(?P<indent>\s*)(?P<name>\w+)\s*:\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)"),
)
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

    def covers(self, line: int) -> bool:
        return self.start <= line <= self.end


def _definition_at(lines: tuple[str, ...], index: int, python: bool) -> tuple[str, int] | None:
    """(name, indent width) when line `index` starts a definition."""
    text = lines[index]
    if python:
        m = _PY_DEF.match(text) or _PY_ASSIGNED.match(text)
        return (m["name"], len(m["indent"])) if m else None
    for pattern in _JS_DEFS:
        m = pattern.match(text)
        if m and m["name"] not in _JS_NOT_NAMES:
            return m["name"], len(m["indent"])
    return None


def _end_of(lines: tuple[str, ...], index: int, python: bool) -> int:
    """Index of the last line of the definition or statement starting at `index`."""
    if python:
        indent = len(lines[index]) - len(lines[index].lstrip())
        end = index
        opened = lines[index].count("(") - lines[index].count(")")
        for j in range(index + 1, len(lines)):
            text = lines[j]
            if not text.strip():
                continue
            if opened > 0 or len(text) - len(text.lstrip()) > indent:
                opened += text.count("(") - text.count(")")
                end = j
                continue
            break
        return end
    depth, seen = 0, False
    for j in range(index, len(lines)):
        stripped = re.sub(r"(['\"`])(?:\\.|(?!\1).)*\1", "", lines[j])
        for char in stripped:
            if char in "{(":
                depth += 1
                seen = True
            elif char in "})":
                depth -= 1
        if seen and depth <= 0:
            return j
        if not seen and j > index:
            return index
    return index


@lru_cache(maxsize=16)
def definitions(repo: Path) -> dict[str, tuple[Span, ...]]:
    """Every function and method definition in the repository, by name."""
    found: dict[str, list[Span]] = {}
    for path, lines in source_files(repo):
        python = path.endswith(".py")
        for index in range(len(lines)):
            hit = _definition_at(lines, index, python)
            if hit:
                found.setdefault(hit[0], []).append(Span(path, index + 1, _end_of(lines, index, python) + 1, hit[0]))
    return {name: tuple(spans) for name, spans in found.items()}


def _lines(repo: Path, path: str) -> tuple[str, ...]:
    return dict(source_files(repo)).get(path, ())


def handler_span(repo: Path, path: str, line: int) -> Span:
    """The handler a route definition at `path:line` runs: the decorated def or the inline callback."""
    lines = _lines(repo, path)
    python = path.endswith(".py")
    index = line - 1
    if python:
        for j in range(index, min(index + 8, len(lines))):
            hit = _definition_at(lines, j, True)
            if hit:
                return Span(path, line, _end_of(lines, j, True) + 1, hit[0])
        return Span(path, line, line)
    return Span(path, line, _end_of(lines, index, False) + 1) if 0 <= index < len(lines) else Span(path, line, line)


def called_names(repo: Path, span: Span) -> list[tuple[str, str]]:
    """(owner, name) of what `span` calls, in order of appearance, without the generic ones.

    The owner is the module or object before the dot (`articles.feed` → 'articles'), or ''.
    """
    lines = _lines(repo, span.path)[span.start - 1 : span.end]
    names: list[tuple[str, str]] = []
    # A one-line registration (`re_path(..., articles.collection)`) names its handler without calling it.
    single = span.start == span.end
    for number, text in enumerate(lines):
        text = _STRING.sub('""', text)  # "^api/user/?$" names no function
        found = (
            list(_REFERENCE.finditer(text))
            if single
            else sorted([*_CALL.finditer(text), *_OWNED.finditer(text)], key=lambda m: m.start())
        )
        for m in found:
            name = m["name"]
            if number == 0 and name in _VERBS:
                continue  # `router.get('/articles', ...)` registers, it does not call a `get` of the app's
            if name == span.name and not m["owner"]:
                continue  # the definition's own name (a recursive call or the assignment itself)
            if name not in _GENERIC and name not in _JS_NOT_NAMES and name not in [n for _, n in names]:
                names.append((m["owner"] or "", name))
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
                    if not any(c.path == t.path and c.covers(t.start) for c in chain + following)
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


def grep(repo: Path, pattern: re.Pattern[str], *, limit: int = 3) -> list[Span]:
    """Lines matching `pattern`; a match on a definition line covers the whole definition."""
    hits: list[Span] = []
    for path, lines in source_files(repo.resolve()):
        python = path.endswith(".py")
        for index, text in enumerate(lines):
            if text.lstrip().startswith(_COMMENTS) or not pattern.search(text):
                continue
            definition = _definition_at(lines, index, python)
            end = _end_of(lines, index, python) + 1 if definition else index + 1
            hits.append(Span(path, index + 1, end, definition[0] if definition else ""))
            if len(hits) >= limit:
                return hits
    return hits
