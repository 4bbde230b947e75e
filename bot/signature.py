"""Webhook authenticity: `X-Hub-Signature-256` is an HMAC-SHA256 of the raw body."""

from __future__ import annotations

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """The header value GitHub sends for `body` (also used by tests to sign deliveries)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` signs `body` with `secret`; compared in constant time.

    An empty secret never verifies: an App without a secret must not accept
    unsigned deliveries by accident.
    """
    if not secret or not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().encode())
