"""Validate response bodies against the OpenAPI contract's components.

The contract (`data/openapi.yml`, a copy of the Conduit OpenAPI 3.0 document)
is served to jsonschema as one resource, so its internal `$ref`s resolve as
written. OpenAPI 3.0 has no JSON `null` type; fields a suite declares
nullable (e.g. `User.bio`) and fields marked `nullable: true` accept null.
"""

from __future__ import annotations

import copy
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_URI = "urn:conduit:openapi"


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class SchemaSet:
    """Validators for the response and schema components of one OpenAPI document."""

    def __init__(self, document: dict[str, Any], nullable: tuple[str, ...] = ()) -> None:
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        doc = copy.deepcopy(document)
        _open_nullable(doc)
        for field in nullable:
            schema_name, _, prop = field.partition(".")
            node = doc["components"]["schemas"][schema_name]["properties"][prop]
            node["type"] = [node["type"], "null"] if isinstance(node.get("type"), str) else node.get("type")
        self._doc = doc
        self._registry = Registry().with_resource(_URI, DRAFT202012.create_resource(doc))
        self._formats = FormatChecker()
        self._formats.checks("date-time")(_is_datetime)
        self._validator_cls = Draft202012Validator
        self._validators: dict[str, Any] = {}

    def pointer(self, component: str) -> str:
        """The JSON pointer of a named component: a response body schema, else a schema."""
        components = self._doc.get("components", {})
        response = components.get("responses", {}).get(component)
        if response and "application/json" in response.get("content", {}):
            return f"#/components/responses/{component}/content/application~1json/schema"
        if component in components.get("schemas", {}):
            return f"#/components/schemas/{component}"
        raise KeyError(f"no OpenAPI component {component!r}")

    def validate(self, component: str, instance: Any) -> str | None:
        """None when `instance` is valid, else a one-line description of the first error."""
        from jsonschema.exceptions import best_match

        validator = self._validators.get(component)
        if validator is None:
            validator = self._validator_cls(
                {"$ref": _URI + self.pointer(component)}, registry=self._registry, format_checker=self._formats
            )
            self._validators[component] = validator
        error = best_match(validator.iter_errors(instance))
        if error is None:
            return None
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "body"
        return f"{where.lstrip('.')}: {error.message}"[:300]


def _open_nullable(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _open_nullable(value)
    elif isinstance(node, list):
        for value in node:
            _open_nullable(value)


@lru_cache(maxsize=8)
def load_schemas(source: str = "openapi.yml", nullable: tuple[str, ...] = ()) -> SchemaSet:
    """The SchemaSet of an OpenAPI document shipped in `conduit_suite/data/`."""
    text = resources.files("conduit_suite").joinpath("data", source).read_text()
    return SchemaSet(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), nullable)
