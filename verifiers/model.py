"""The language-neutral view of a source file that every rule reads.

Each file is parsed once (Python with `ast`, JavaScript/TypeScript with
tree-sitter) into these few facts, so rules are written once for both
runtimes and never touch a syntax tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["python", "javascript", "typescript"]

# Every fact carries `conditions`: the source text of the `if`/ternary tests
# it sits under, so a rule can tell `if url.startswith("sqlite"): ...` (the
# app choosing a driver from its configuration) from a hard-wired choice.


@dataclass(frozen=True, slots=True)
class Import:
    """An import or require. `module` is the text as written (`./repo`, `app.services`, `flask`).

    `package` is the top-level external package name when the import leaves
    the repository (`flask`, `@hono/node-server`); `target` is the
    repository-relative path of the imported file when it stays inside.
    `names` are the names imported from the module, `bindings` the local
    names they are bound to in the importing file.
    """

    module: str
    line: int
    column: int
    names: tuple[str, ...] = ()
    bindings: tuple[str, ...] = ()
    package: str | None = None
    target: str | None = None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Call:
    """A call such as `db.session.execute("...")`: the callee as dotted text and its leading arguments."""

    callee: str
    line: int
    column: int
    first_string: str | None = None
    keywords: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StringLiteral:
    """A string constant; `key` is the dict key, object property or keyword argument it is the value of."""

    value: str
    line: int
    column: int
    key: str | None = None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Definition:
    """A function, method or class, with the lines it spans (a Python definition's span starts at its decorators).

    `name` is '' for an anonymous function, such as a route's inline callback;
    a function assigned to a name or a property (`const list = async () => ...`,
    `list: function () {}`) takes that name.
    """

    name: str
    line: int
    end_line: int
    kind: Literal["function", "class", "binding"] = "function"

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line


@dataclass(slots=True)
class SourceFile:
    path: str
    language: Language
    imports: list[Import] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    strings: list[StringLiteral] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    parse_error: str | None = None

    @property
    def runtime(self) -> str:
        return "python" if self.language == "python" else "node"
