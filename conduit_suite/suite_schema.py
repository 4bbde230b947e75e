"""The suite format's JSON Schema (`data/suite.schema.json`) and `validate`, every error with file:line.

The schema describes the structure (keys, kinds, arities); loading the suite
(`suite.parse_suite_text`) then checks what a schema cannot: groups that
exist, unique names and texts, and variables that are set before they are
read. `validate` reports all structural errors at once, else the first
semantic one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from conduit_suite.suite import SuiteError, parse_suite_text
from conduit_suite.yaml_lines import line_of

MAX_ERRORS = 50


@lru_cache(maxsize=1)
def suite_schema() -> dict[str, Any]:
    """The JSON Schema of the suite format."""
    return json.loads(resources.files("conduit_suite").joinpath("data", "suite.schema.json").read_text())


def validate(
    text: str, *, source: str = "suite.yml", provided: tuple[str, ...] = (), contract: bool = False
) -> list[SuiteError]:
    """Every problem of a suite file, each naming `source` and a line; [] when it loads.

    `contract`: check it as a built-in suite, against the Conduit contract."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        root = data = None
    if root is not None:
        from jsonschema import Draft202012Validator

        errors = sorted(Draft202012Validator(suite_schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))
        first: dict[tuple[str, ...], Any] = {}
        for error in errors:  # one error per item: the first the schema finds says enough
            first.setdefault(tuple(map(str, error.absolute_path)), error)
        if first:
            return [_schema_error(e, root, source) for e in list(first.values())[:MAX_ERRORS]]
    try:
        parse_suite_text(text, source=source, provided=provided, contract=contract)
    except SuiteError as exc:
        return [exc]
    return []


def _schema_error(error: Any, root: yaml.Node, source: str) -> SuiteError:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
    if error.validator == "oneOf" and error.schema is suite_schema()["$defs"]["assertion"]:
        message = "an assertion names exactly one kind (status, has, equals, ...)"
    return SuiteError(f"{where or 'suite'}: {message}", file=source, line=line_of(root, tuple(error.absolute_path)))
