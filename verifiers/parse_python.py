"""Python source to the language-neutral model, with libcst and its position metadata."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from verifiers.model import Call, Import, SourceFile, StringLiteral


def _string_value(node: cst.BaseExpression) -> str | None:
    """The text of a string constant; f-string placeholders become `{}` so SQL shapes survive."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # a malformed escape: keep the raw text
            return node.value
        return value if isinstance(value, str) else value.decode("latin-1")
    if isinstance(node, cst.ConcatenatedString):
        left, right = _string_value(node.left), _string_value(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in node.parts)
    return None


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, out: SourceFile) -> None:
        super().__init__()
        self.out = out
        self.keys: dict[int, str] = {}
        self.conditions: list[str] = []
        self._blank = cst.Module(body=[])

    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    # conditions ----------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        self.conditions.append(self._blank.code_for_node(node.test))

    def leave_If(self, original_node: cst.If) -> None:
        self.conditions.pop()

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.conditions.append(self._blank.code_for_node(node.test))

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self.conditions.pop()

    # imports -------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        line, col = self._pos(node)
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            bound = alias.evaluated_alias or name.split(".")[0]
            self.out.imports.append(Import(module=name, line=line, column=col, bindings=(bound,),
                                           conditions=tuple(self.conditions)))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        line, col = self._pos(node)
        module = get_full_name_for_node(node.module) if node.module is not None else ""
        dots = "." * len(node.relative)
        names: tuple[str, ...] = ()
        bindings: tuple[str, ...] = ()
        if not isinstance(node.names, cst.ImportStar):
            names = tuple(get_full_name_for_node(a.name) or "" for a in node.names)
            bindings = tuple(a.evaluated_alias or n for a, n in zip(node.names, names))
        self.out.imports.append(Import(module=dots + (module or ""), line=line, column=col,
                                       names=names, bindings=bindings, conditions=tuple(self.conditions)))
        return False

    # context for string literals ----------------------------------------
    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = _string_value(node.key)
        if key is not None:
            self.keys[id(node.value)] = key

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.keys[id(node.value)] = node.keyword.value

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            name = get_full_name_for_node(node.targets[0].target)
            if name:
                self.keys[id(node.value)] = name.rsplit(".", 1)[-1]

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = get_full_name_for_node(node.target)
        if name and node.value is not None:
            self.keys[id(node.value)] = name.rsplit(".", 1)[-1]

    def visit_Expr(self, node: cst.Expr) -> bool:
        # A bare string statement is a docstring or comment-like text, not data.
        return not isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))

    def _string(self, node: cst.BaseExpression) -> bool:
        value = _string_value(node)
        if value is not None:
            line, col = self._pos(node)
            self.out.strings.append(StringLiteral(value=value, line=line, column=col, key=self.keys.get(id(node)),
                                                  conditions=tuple(self.conditions)))
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        return self._string(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return self._string(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self._string(node)
        return True  # expressions inside an f-string may hold calls

    # calls -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = _callee_of_chain(node.func)
        line, col = self._pos(node)
        first = node.args[0].value if node.args and node.args[0].keyword is None else None
        first_string = _string_value(first) if first is not None else None
        keywords = tuple(a.keyword.value for a in node.args if a.keyword is not None)
        self.out.calls.append(Call(callee=callee, line=line, column=col, first_string=first_string,
                                   first_is_string=first_string is not None, keywords=keywords,
                                   conditions=tuple(self.conditions)))


def _callee_of_chain(func: cst.BaseExpression) -> str:
    """`db.session.query(User).filter` -> `db.session.query().filter`: call chains keep their shape."""
    if isinstance(func, cst.Attribute):
        return f"{_callee_of_chain(func.value)}.{func.attr.value}"
    if isinstance(func, cst.Call):
        return f"{_callee_of_chain(func.func)}()"
    return get_full_name_for_node(func) or "?"


def parse_python(path: str, source: str) -> SourceFile:
    """Parse one Python file; a syntax error yields an empty model with `parse_error` set."""
    out = SourceFile(path=path, language="python")
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        out.parse_error = f"line {exc.raw_line}: {exc.message}"
        return out
    MetadataWrapper(module, unsafe_skip_copy=True).visit(_Collector(out))
    return out
