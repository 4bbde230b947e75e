"""Errors the use cases raise; the routes map each kind to an HTTP status."""
from __future__ import annotations


class ConduitError(Exception):
    """Base: carries the messages that go into `errors.body`."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class ValidationFailed(ConduitError):
    """Input is missing, malformed or clashes with existing data (422)."""


class NotAuthenticated(ConduitError):
    """No usable credentials for an operation that needs them (401)."""


class Forbidden(ConduitError):
    """The caller may not change someone else's resource (403)."""


class NotFound(ConduitError):
    """The article, profile or comment does not exist (404)."""
