"""The fixed set of aspects a suite's assertions are scored by.

An aspect is one kind of behaviour (status codes, the error envelope,
filters, ...). Every assertion of a suite that requires aspects names one, so
a report can say "error envelope: 6 responses deviate" instead of one number
that mixes a single stylistic choice with thirty bugs. The set is small and
fixed on purpose: scores are comparable across suites and servers, and a
gate can choose among them (`gate: {strict_aspects: [...]}`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Aspect:
    name: str
    label: str
    description: str


_ASPECTS = (
    Aspect("status_codes", "status codes", "the status of successful requests, validation failures and unknown ids"),
    Aspect(
        "error_envelope", "error envelope", 'error bodies of the spec\'s 422 responses are {"errors": {"body": [...]}}'
    ),
    Aspect("shapes", "shapes", "bodies match the OpenAPI schemas and field types"),
    Aspect("values", "values", "a response carries the values sent and the resource's own"),
    Aspect("auth", "auth", "missing or invalid tokens get 401; other users' resources get 403"),
    Aspect("filters", "filters", "tag, author, favorited and feed filters select the right articles"),
    Aspect("pagination", "pagination", "limit and offset select the right page"),
    Aspect("ordering", "ordering", "lists are newest first"),
    Aspect("state", "state across requests", "what a request changes is what later requests see, for every user"),
    Aspect("deletes", "deletes", "deleted articles and comments are gone, refused deletes leave them"),
    Aspect(
        "beyond_spec",
        "beyond the spec",
        "behaviour docs/conduit-behaviour.md fixes where the RealWorld specification is silent",
    ),
)

ASPECTS: dict[str, Aspect] = {a.name: a for a in _ASPECTS}
ASPECT_NAMES: tuple[str, ...] = tuple(ASPECTS)
# The one aspect for assertions that follow a rule going beyond the spec (marked so in conduit-behaviour.md).
BEYOND_SPEC = "beyond_spec"


def label(name: str) -> str:
    """The aspect's name as people read it ('error envelope'); unknown names as they are."""
    aspect = ASPECTS.get(name)
    return aspect.label if aspect else name
