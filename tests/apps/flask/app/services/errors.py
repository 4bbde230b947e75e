"""Domain errors; the routes layer maps each to an HTTP status."""


class ServiceError(Exception):
    """Base of every error a use case reports to its caller."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class ValidationFailed(ServiceError):
    """Input missing, malformed or conflicting (HTTP 422)."""


class Unauthenticated(ServiceError):
    """No valid credentials (HTTP 401)."""


class Forbidden(ServiceError):
    """Authenticated, but not allowed to touch this resource (HTTP 403)."""


class NotFound(ServiceError):
    """The article, profile or comment does not exist (HTTP 404)."""
