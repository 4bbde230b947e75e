"""The rules of `data/conduit-behaviour.md` and the OpenAPI names a suite may cite.

A rule of the behaviour document is a list item that starts with its id in
backticks (`` - `errors.envelope` Failed validations answer ... ``); a rule
whose text says "Beyond the spec" goes beyond the RealWorld specification.
A citation is `behaviour:<rule id>`, `openapi:<operationId or component>`, or
`openapi` alone (the operation the assertion checks). Loading a suite
resolves every citation here, so a suite cannot cite a rule that does not
exist, and its beyond-the-spec rules sit in the `beyond_spec` aspect only.

The document is read with a small line parser rather than a Markdown library:
the format is one list item per rule, and its line numbers are kept for
reports that point at the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

DOCUMENT = "conduit-behaviour.md"
BEHAVIOUR = "behaviour"
OPENAPI = "openapi"
_RULE = re.compile(r"^- `([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)`\s+(.*)$")
_BEYOND = "Beyond the spec"
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    line: int
    beyond_spec: bool

    @property
    def statement(self) -> str:
        """The rule's first sentence without its parenthetical remarks, for one-line reports."""
        first = _SENTENCE_END.split(self.text, maxsplit=1)[0]
        return _PARENTHESES.sub("", first).strip()


@dataclass(frozen=True)
class Citation:
    """What one assertion follows: a behaviour rule or an OpenAPI operation/component."""

    source: str  # BEHAVIOUR or OPENAPI
    name: str
    beyond_spec: bool
    statement: str

    @property
    def ref(self) -> str:
        return f"{self.source}:{self.name}"


class CitationError(ValueError):
    """A citation that names nothing in the behaviour document or the OpenAPI contract."""


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    """Every rule of the behaviour document by id."""
    text = resources.files("conduit_suite").joinpath("data", DOCUMENT).read_text()
    return parse_rules(text)


def parse_rules(text: str) -> dict[str, Rule]:
    """Rules from the document's text: `- \\`id\\` text`, continued on indented lines."""
    found: dict[str, Rule] = {}
    current: tuple[str, int, list[str]] | None = None

    def close() -> None:
        if current is not None:
            rule_id, line, parts = current
            body = " ".join(parts)
            found[rule_id] = Rule(rule_id, body, line, _BEYOND in body)

    for number, line in enumerate(text.splitlines(), start=1):
        match = _RULE.match(line)
        if match:
            close()
            if match.group(1) in found:
                raise CitationError(f"{DOCUMENT}:{number}: rule {match.group(1)!r} is defined twice")
            current = (match.group(1), number, [match.group(2).strip()])
        elif current is not None and line.startswith("  ") and line.strip():
            current[2].append(line.strip())
        else:
            close()
            current = None
    close()
    return found


@lru_cache(maxsize=1)
def openapi_names() -> dict[str, str]:
    """operationIds (stated as their `METHOD path`) and component names (no statement) of the shipped contract."""
    text = resources.files("conduit_suite").joinpath("data", "openapi.yml").read_text()
    doc = yaml.load(text, Loader=_Loader)
    names: dict[str, str] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if "operationId" in op:
                names[op["operationId"]] = f"{method.upper()} {path}"
    for kind in ("schemas", "responses"):
        for name in doc.get("components", {}).get(kind, {}):
            names.setdefault(name, "")
    return names


def cite(ref: str, operation: str) -> Citation:
    """Resolve `ref` for an assertion checking `operation`; CitationError when it names nothing."""
    source, _, name = ref.partition(":")
    source, name = source.strip(), name.strip()
    if source == OPENAPI:
        name = name or operation
        statement = openapi_names().get(name)
        if statement is None:
            raise CitationError(f"cites {ref!r}: the OpenAPI contract has no operation or component {name!r}")
        return Citation(OPENAPI, name, False, statement)
    if source == BEHAVIOUR:
        rule = rules().get(name)
        if rule is None:
            raise CitationError(f"cites {ref!r}: {DOCUMENT} has no rule {name!r}")
        return Citation(BEHAVIOUR, name, rule.beyond_spec, rule.statement)
    raise CitationError(f"cites {ref!r}: expected 'openapi[:NAME]' or 'behaviour:RULE'")


def statement(ref: str) -> str:
    """The one-line statement of a resolved citation (`openapi:X` or `behaviour:X`); '' when unknown."""
    try:
        return cite(ref, "").statement
    except CitationError:
        return ""
