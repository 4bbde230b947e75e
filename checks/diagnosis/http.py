"""Read the suite's requests for what they say about the server, one request at a time.

The inputs are the report's request records (or another harness's recording
of the same shape): method, path template, status or null, passed/total, and
optionally the failed assertions with expected and actual values. Nothing
here looks at the log; `engine` joins the two.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from conduit_suite.suite import load_suite, suite_names

MISSING_VALUE = re.compile(r"/(undefined|null|None|%7B\w+%7D|\{\w+\})(/|$|\?)")
_EMPTY_LIST = re.compile(r'"(\w+)"\s*:\s*\[\s*\]')
_STATUS_WORDS = re.compile(r"\bstatus\b", re.IGNORECASE)
_EMPTY_BODY_OPERATIONS = {
    "CreateArticleFavorite",
    "DeleteArticleFavorite",
    "FollowUserByUsername",
    "UnfollowUserByUsername",
}


@dataclass
class Request:
    """The diagnosis's view of one request record; tolerant of missing keys."""

    index: int
    name: str
    operation: str
    method: str
    path: str
    url: str
    status: int | None
    passed: int
    total: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    excerpt: str = ""
    sent_auth: bool | None = None
    depends_on: list[str] = field(default_factory=list)
    error: str | None = None

    @classmethod
    def of(cls, index: int, record: dict[str, Any]) -> Request:
        spec = _suite_requests().get(str(record.get("name") or ""))
        sent_auth = record.get("sent_auth")
        if sent_auth is None and spec is not None:  # a recording without it: the suite says whether it sent one
            sent_auth = spec.auth is not None
        return cls(
            index=index,
            name=str(record.get("name") or f"#{index + 1}"),
            operation=str(record.get("operation") or (spec.operation if spec else "")),
            method=str(record.get("method") or "GET").upper(),
            path=str(record.get("path") or ""),
            url=str(record.get("url") or ""),
            status=record.get("status"),
            passed=int(record.get("passed") or 0),
            total=int(record.get("total") or 0),
            failures=list(record.get("failures") or []),
            excerpt=str(record.get("response_excerpt") or ""),
            sent_auth=sent_auth,
            depends_on=list(record.get("depends_on") or []),
            error=record.get("error"),
        )

    @property
    def failed(self) -> bool:
        return self.passed < self.total

    @property
    def resource(self) -> str:
        """The resource family a path belongs to, e.g. 'comments' for /api/articles/{slug}/comments/{id}."""
        statics = [s for s in self.path.split("?")[0].split("/") if s and not s.startswith(("{", ":", "<"))]
        statics = [s for s in statics if s not in ("api",)]
        return statics[-1] if statics else "/"

    @property
    def used_missing_value(self) -> bool:
        """The URL carries a placeholder for a value an earlier request should have provided."""
        return bool(self.url and MISSING_VALUE.search(self.url))

    @property
    def body_is_json(self) -> bool:
        if not self.excerpt:
            return True  # nothing recorded: assume the harness would have said
        text = self.excerpt.strip()
        if not text:
            return False
        if text[0] not in "{[":
            return False
        try:
            json.loads(text)
        except ValueError:
            return not text.endswith(("</html>", "</HTML>"))  # a truncated excerpt is still JSON-ish
        return True

    @property
    def empty_lists(self) -> set[str]:
        """Keys of the response that hold an empty list (`"articles": []`), read from the excerpt."""
        return set(_EMPTY_LIST.findall(self.excerpt))

    @property
    def response_keys(self) -> frozenset[str]:
        """Keys of the response's objects two levels deep ({"article": {"slug": ...}} → article, slug)."""
        try:
            body = json.loads(self.excerpt)
        except ValueError:
            return frozenset(re.findall(r'"(\w+)"\s*:', self.excerpt))
        keys: set[str] = set()
        for value in (body, *(body.values() if isinstance(body, dict) else ())):
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, dict):
                keys.update(k for k in value if isinstance(k, str))
        return frozenset(keys)

    def expected_status(self) -> Any:
        """The status a failed status assertion wanted, if one failed."""
        for failure in self.failures:
            text = str(failure.get("assertion", ""))
            expected = failure.get("expected")
            if _STATUS_WORDS.search(text) and expected is not None:
                return expected
        return None

    @property
    def status_was_expected(self) -> bool:
        """Failures were recorded, the suite checks the status here, and the status check is not among them."""
        if not self.failures:
            return False
        checks_status = any(_STATUS_WORDS.search(text) for text in suite_texts(self))
        return checks_status and not any(_STATUS_WORDS.search(str(f.get("assertion", ""))) for f in self.failures)

    def failure_texts(self) -> list[str]:
        return [str(f.get("assertion", "")) for f in self.failures]


@lru_cache(maxsize=1)
def _suite_requests() -> dict[str, Any]:
    """The built-in suites' requests by name: what a recording that kept only names and counts still tells."""
    found: dict[str, Any] = {}
    for name in suite_names():
        for spec in load_suite(name).requests:
            found.setdefault(spec.name, spec)
    return found


def suite_texts(request: Request) -> list[str]:
    """The assertion texts the built-in suite checks on a request of this name (none for other suites)."""
    spec = _suite_requests().get(request.name.split(": ", 1)[-1])
    return [a.text for a in spec.assertions] if spec is not None else []


def is_success(status: Any) -> bool:
    if isinstance(status, int):
        return 200 <= status < 300
    if isinstance(status, (list, tuple)):
        return any(is_success(s) for s in status)
    if isinstance(status, str):
        return status.startswith("2")
    return False


def status_code(status: Any) -> int | None:
    if isinstance(status, int):
        return status
    if isinstance(status, (list, tuple)) and status:
        return status_code(status[0])
    if isinstance(status, str) and status[:3].isdigit():
        return int(status[:3])
    return None


def wants_empty_body(request: Request) -> bool:
    return request.operation in _EMPTY_BODY_OPERATIONS or request.path.endswith(("/favorite", "/follow"))
