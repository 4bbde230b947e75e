"""JavaScript and TypeScript source to the language-neutral model, with tree-sitter.

One query per grammar picks out imports, requires, calls, constructions and
string literals in a single pass inside the C library; Python only touches
the captured nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query

from verifiers.model import Call, Definition, Import, SourceFile, StringLiteral
from verifiers.model import Language as SourceLanguage

_QUERY = """
(import_statement source: (string) @import)
(export_statement source: (string) @import)
(call_expression) @call
(new_expression) @call
(string) @string
(template_string) @string
(function_declaration) @function
(generator_function_declaration) @function
(method_definition) @function
(arrow_function) @function
(function_expression) @function
(class_declaration) @class
"""


@cache
def _grammar(kind: str) -> tuple[Parser, Query]:
    language = Language(
        {
            "javascript": tree_sitter_javascript.language,
            "typescript": tree_sitter_typescript.language_typescript,
            "tsx": tree_sitter_typescript.language_tsx,
        }[kind]()
    )
    return Parser(language), language.query(_QUERY)


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _string_value(node: Node) -> str:
    """Contents without the quotes; template substitutions are kept as `${...}` text."""
    return _text(node)[1:-1]


def _dotted(node: Node | None) -> str:
    """`knex('users').where` -> `knex().where`; anything that is not a name chain becomes `?`."""
    if node is None:
        return "?"
    kind = node.type
    if kind in ("identifier", "property_identifier", "this", "super", "private_property_identifier"):
        return _text(node)
    if kind == "member_expression":
        return f"{_dotted(node.child_by_field_name('object'))}.{_text(node.child_by_field_name('property'))}"
    if kind == "call_expression":
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if (
            function is not None
            and function.type == "identifier"
            and _text(function) == "require"
            and args is not None
            and args.named_children
            and args.named_children[0].type == "string"
        ):
            return f"require({_text(args.named_children[0])})"  # require('fastify')({...}) keeps its module
        return f"{_dotted(function)}()"
    if kind in ("parenthesized_expression", "non_null_expression", "await_expression"):
        return _dotted(node.named_children[0]) if node.named_children else "?"
    return "?"


def _key_of(node: Node) -> str | None:
    """The property, variable or assignment target a string is the value of."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "pair" and parent.child_by_field_name("value") == node:
        key = parent.child_by_field_name("key")
        if key is None:
            return None
        return _string_value(key) if key.type == "string" else _text(key)
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return _text(name) if name is not None else None
    if parent.type == "assignment_expression":
        return _dotted(parent.child_by_field_name("left")).rsplit(".", 1)[-1]
    return None


def _conditions(node: Node) -> tuple[str, ...]:
    """Tests of the enclosing `if` statements and ternaries, innermost first."""
    found: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type in ("if_statement", "ternary_expression"):
            test = parent.child_by_field_name("condition")
            if test is not None:
                found.append(_text(test))
        parent = parent.parent
    return tuple(found)


def _language_of(path: str) -> tuple[SourceLanguage, str]:
    if path.endswith(".tsx"):
        return "typescript", "tsx"
    if path.endswith((".ts", ".mts", ".cts")):
        return "typescript", "typescript"
    return "javascript", "javascript"


def parse_js(path: str, source: str) -> SourceFile:
    language, grammar = _language_of(path)
    parser, query = _grammar(grammar)
    out = SourceFile(path=path, language=language)
    tree = parser.parse(source.encode("utf-8"))
    if tree.root_node.has_error:
        out.parse_error = "syntax error"
    captures = query.captures(tree.root_node)
    for node in captures.get("import", []):
        row, col = node.parent.start_point if node.parent is not None else node.start_point
        out.imports.append(
            Import(
                module=_string_value(node),
                line=row + 1,
                column=col + 1,
                bindings=_bindings(node.parent),
                conditions=_conditions(node),
            )
        )
    for node in captures.get("call", []):
        _call(node, out)
    for node in captures.get("string", []):
        if node.parent is not None and node.parent.type in ("import_statement", "export_statement"):
            continue
        row, col = node.start_point
        out.strings.append(
            StringLiteral(
                value=_string_value(node), line=row + 1, column=col + 1, key=_key_of(node), conditions=_conditions(node)
            )
        )
    for kind in ("function", "class"):
        for node in captures.get(kind, []):
            out.definitions.append(
                Definition(_definition_name(node), node.start_point[0] + 1, node.end_point[0] + 1, kind)
            )
    out.definitions.sort(key=lambda d: (d.line, -d.end_line))
    out.imports.sort(key=lambda i: (i.line, i.column))
    out.calls.sort(key=lambda c: (c.line, c.column))
    out.strings.sort(key=lambda s: (s.line, s.column))
    return out


def _definition_name(node: Node) -> str:
    """A declaration's own name, else the variable, property or assignment target it is the value of; '' if none."""
    name = node.child_by_field_name("name")
    if name is not None:
        return _text(name)
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return _text(target) if target is not None else ""
    if parent is not None and parent.type == "pair":
        key = parent.child_by_field_name("key")
        return (_string_value(key) if key.type == "string" else _text(key)) if key is not None else ""
    if parent is not None and parent.type == "assignment_expression":
        return _dotted(parent.child_by_field_name("left")).rsplit(".", 1)[-1]
    return ""


def _call(node: Node, out: SourceFile) -> None:
    func = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    args = node.child_by_field_name("arguments")
    row, col = node.start_point
    first = None
    keywords: list[str] = []
    if args is not None:
        if args.type == "template_string":  # tagged template: sql`SELECT ...`
            first = args
        else:
            named = [c for c in args.named_children if c.type != "comment"]
            first = named[0] if named else None
            for child in named:
                if child.type == "object":
                    keywords.extend(
                        _text(p.child_by_field_name("key"))
                        for p in child.named_children
                        if p.type == "pair" and p.child_by_field_name("key") is not None
                    )
    first_string = _string_value(first) if first is not None and first.type in ("string", "template_string") else None
    if func is not None and func.type == "import":
        callee = "import"
    else:
        callee = _dotted(func)
    if callee in ("require", "import") and first_string is not None:
        holder = node.parent
        if holder is not None and holder.type == "await_expression":
            holder = holder.parent
        out.imports.append(
            Import(
                module=first_string,
                line=row + 1,
                column=col + 1,
                bindings=_bindings(holder),
                conditions=_conditions(node),
            )
        )
        return
    out.calls.append(
        Call(
            callee=callee,
            line=row + 1,
            column=col + 1,
            first_string=first_string,
            keywords=tuple(keywords),
            conditions=_conditions(node),
        )
    )


def _bindings(node: Node | None) -> tuple[str, ...]:
    """Local names an import statement or `const x = require(...)` declarator binds."""
    if node is None:
        return ()
    if node.type == "import_statement":
        names: list[str] = []
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    names.append(_text(part))
                elif part.type == "namespace_import":
                    names.extend(_text(c) for c in part.named_children if c.type == "identifier")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                        if alias is not None:
                            names.append(_text(alias))
        return tuple(names)
    if node.type == "variable_declarator":
        name = node.child_by_field_name("name")
        if name is None:
            return ()
        if name.type == "identifier":
            return (_text(name),)
        return tuple(_text(c) for c in _walk(name) if c.type in ("shorthand_property_identifier_pattern", "identifier"))
    return ()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.named_children)
