"""From evidence to ranked root causes, deterministically.

Three sources, read separately and then joined:
- the log: errors with their innermost repository frame and its callers (`logs`, `signatures`);
- the requests: statuses, failed assertions, and the suite's dependency graph (`http`);
- the verifiers' findings.
Where no traceback places a cause, the repository's source does: the route
serving a failed request and the definitions its handler calls (`locate`,
`code`), or the lines that do the cause's job (`places.yml`).

The upstream cause wins. Requests form a graph (login before everything
authenticated, create before read, slug before every article request): a
failed request whose inputs came from an earlier failed request is a
consequence of it, not a cause of its own. Causes are grouped by what they
are (a log signature, a status pattern, a kind of assertion), ranked by how
early in the suite they first bite, and the first is the headline.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from checks.diagnosis.code import Span, call_chain, enclosing, grep, handler_span, project
from checks.diagnosis.http import Request, is_success, status_code, suite_texts, wants_empty_body
from checks.diagnosis.locate import locate_route, resource_files, routes_modules
from checks.diagnosis.logs import LogError, parse_log
from checks.diagnosis.model import (
    Alternative,
    Category,
    Diagnosis,
    DiagnosisInput,
    Evidence,
    RootCause,
    Subcategory,
    classification,
)
from checks.diagnosis.signatures import Signature, classify
from checks.diagnosis.startup import startup_spots

_HINTS = Path(__file__).with_name("hints.yml")
_PLACES = Path(__file__).with_name("places.yml")
_MAX_EVIDENCE = 8
_NO_TOKEN_OPERATIONS = {"CreateUser", "Login"}
# A suite check on a shape only (compat's kind): presence, type, schema, capture.
_SHAPE = re.compile(r"^(has |status is|body matches|token was captured|[\w.\[\]*]+ is (an?|a non-empty) \w+$)")
# A value check on one field: `user.bio equals "..."`, `profile.following equals true`.
_VALUE_FIELD = re.compile(r"^[\w.]*?(\w+) equals ")
# Where auth lives: the files and functions that issue, read or check tokens and the current user.
_TOGGLE_OPERATIONS = {
    "CreateArticleFavorite",
    "DeleteArticleFavorite",
    "FollowUserByUsername",
    "UnfollowUserByUsername",
}
_TOGGLE_VALUE = re.compile(r"\b(favorited|favoritesCount|following)\b")
_DRIVER_FILE = re.compile(
    r"node_modules/(sequelize/lib/dialects|knex/lib/dialects|pg|pg-pool|sqlite3|better-sqlite3|mysql2)/"
    r"|site-packages/(sqlalchemy/(dialects|engine|pool)|psycopg2?|asyncpg|aiosqlite|django/db/backends)/"
)
_AUTH_FILE = re.compile(r"(^|/)(auth\w*|security|jwt\w*|tokens?|authentication|passport)\.\w+$|(^|/)auth/", re.I)
_AUTH_FUNCTION = re.compile(
    r"current_?user|get_?user_?from|decode_?token|verify_?token|read_?token|authenticat|issue_?token|create_?token|"
    r"sign_?token|create_access_token|jwt|require_?auth|login_required|viewer",
    re.I,
)
_CALLERS = 2  # repository frames kept beyond the innermost one


@dataclass(frozen=True)
class _Hint:
    pattern: re.Pattern[str]
    category: Category
    subcategory: Subcategory | None
    label: str
    when: str | None = None

    def applies(self, text: str, request: Request) -> bool:
        m = self.pattern.search(text)
        if m is None:
            return False
        if self.when == "indexed_list_empty":
            return bool(m.groups()) and m.group(1) in request.empty_lists
        return True


@lru_cache(maxsize=1)
def _hints() -> tuple[_Hint, ...]:
    return tuple(
        _Hint(
            re.compile(r["pattern"], re.IGNORECASE),
            *classification(r["category"], r.get("subcategory")),
            r["label"],
            r.get("when"),
        )
        for r in yaml.safe_load(_HINTS.read_text())
    )


@dataclass(frozen=True)
class _Place:
    pattern: re.Pattern[str]
    why: str


@lru_cache(maxsize=1)
def _places() -> dict[str, _Place]:
    return {
        key: _Place(re.compile(row["pattern"]), row["why"]) for key, row in yaml.safe_load(_PLACES.read_text()).items()
    }


@dataclass
class _Cause:
    """A root cause being assembled: the requests it explains and the evidence for it."""

    key: str
    category: Category
    subcategory: Subcategory | None
    label: str
    first_index: int
    requests: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)
    confidence: float = 0.5
    decided_by: str = ""
    alternatives: list[Alternative] = field(default_factory=list)

    def add_evidence(self, item: Evidence, *, first: bool = False) -> None:
        """Keep up to _MAX_EVIDENCE items of each kind, so many requests do not crowd out the code they point at.

        `first` puts the item before the others of its kind (dropping the last one when full): a place
        named by the cause's own table outranks the definitions a handler happens to call.
        """
        if item in self.evidence:
            return
        same = [e for e in self.evidence if e.kind == item.kind]
        if first and same:
            self.evidence.insert(self.evidence.index(same[0]), item)
            if len(same) >= _MAX_EVIDENCE:
                self.evidence.remove(same[-1])
        elif len(same) < _MAX_EVIDENCE:
            self.evidence.append(item)


class _Diagnoser:
    def __init__(self, evidence: DiagnosisInput, repo: Path | None) -> None:
        self.input = evidence
        self.repo = repo
        self.requests = [Request.of(i, r) for i, r in enumerate(evidence.requests)]
        self.by_name = {r.name: r for r in self.requests}
        self.errors = parse_log(evidence.server_log, repo=repo)
        self.classified: list[tuple[LogError, Signature | None]] = [(e, classify(e)) for e in self.errors]
        self._used: set[int] = set()
        self.packages = (
            {i.package for f in project(repo.resolve()).files.values() for i in f.imports if i.package}
            if repo is not None
            else set()
        )
        self.unserved = self._unserved_families()
        self.causes: dict[str, _Cause] = {}
        self.cause_of_request: dict[str, _Cause] = {}

    # -- assembling -------------------------------------------------------------------------

    def cause(
        self,
        key: str,
        category: Category,
        subcategory: Subcategory | None,
        label: str,
        request: Request | None,
        *,
        confidence: float = 0.5,
        decided_by: str = "",
        alternatives: tuple[tuple[str, str | None, str], ...] = (),
    ) -> _Cause:
        """The cause `key` (created on first use), now also explaining `request`.

        `confidence` and `decided_by` say how firmly and by what the cell was decided;
        `alternatives` are (category, subcategory, why) readings the evidence leaves open.
        """
        index = request.index if request else -1
        found = self.causes.get(key)
        if found is None:
            found = self.causes[key] = _Cause(key, category, subcategory, label, index)
            found.confidence, found.decided_by = confidence, decided_by
            found.alternatives = [
                Alternative(category=c, subcategory=s, why=why)  # type: ignore[arg-type]
                for c, s, why in alternatives
            ]
        if request is not None:
            found.requests.append(request.name)
            self.cause_of_request[request.name] = found
            found.first_index = min(found.first_index, index) if found.first_index >= 0 else index
        return found

    def log_evidence(self, cause: _Cause, error: LogError) -> None:
        frame = error.repo_frame
        message = f"{error.type}: {error.message}".strip(": ")[:300]
        cause.add_evidence(
            Evidence(
                kind="log", message=message, path=frame.path if frame else None, line=frame.line if frame else None
            )
        )
        for caller in error.chain[1 : 1 + _CALLERS]:
            where = f" in {caller.function}" if caller.function else ""
            cause.add_evidence(
                Evidence(
                    kind="log",
                    message=f"called from {caller.path}:{caller.line}{where}",
                    path=caller.path,
                    line=caller.line,
                )
            )
        if self.repo is not None:  # the definitions the frames sit in: a defect a line or two away is still covered
            spans = [enclosing(self.repo, f.path, f.line) for f in error.chain[: 1 + _CALLERS]]
            self.code_evidence(cause, [s for s in spans if s is not None], "the frame's definition")

    def code_evidence(self, cause: _Cause, spans: list[Span], why: str, *, first: bool = False) -> None:
        for span in reversed(spans) if first else spans:
            name = f" {span.name}" if span.name else ""
            cause.add_evidence(
                Evidence(
                    kind="code",
                    message=f"{why}:{name} {span.path}:{span.start}".strip(),
                    path=span.path,
                    line=span.start,
                    end_line=span.end if span.end > span.start else None,
                ),
                first=first,
            )

    def request_evidence(self, cause: _Cause, request: Request, message: str, *, locate: bool = False) -> None:
        """The request, and with `locate` the route serving it and the definitions its handler calls."""
        path = line = end = None
        chain: list[Span] = []
        if locate and self.repo is not None:
            found = locate_route(self.repo, request.method, request.path)
            if found:
                path, line = found
                handler = handler_span(self.repo, path, line)
                end = handler.end if handler.end > line else None
                if not any(e.kind == "code" and e.request is None for e in cause.evidence):
                    words = request.response_keys if cause.category == "schema_format_error" else frozenset()
                    chain = call_chain(
                        self.repo, path, line, topic=request.resource, method=request.method, words=words
                    )[1:]
        cause.add_evidence(
            Evidence(
                kind="request",
                request=request.name,
                path=path,
                line=line,
                end_line=end,
                message=f"{request.method} {request.path} → {request.status}: {message}",
            )
        )
        self.code_evidence(cause, chain, "called by the handler")

    # -- reading ----------------------------------------------------------------------------

    def take_log_error(self, request: Request | None = None) -> tuple[LogError, Signature | None] | None:
        """The log error behind a failed request: the one its access line names, else the next in order.

        Errors logged before the server answered its first request (while it was still starting, e.g.
        creating its tables) are not blamed for a later failure; they count only when nothing else does.
        """
        unused = [i for i, (e, _s) in enumerate(self.classified) if i not in self._used and not e.during_startup]
        if request is not None:
            for i in unused:
                access = self.classified[i][0].access
                if access and access[0] == request.method and _path_matches(request.path, access[1]):
                    self._used.add(i)
                    return self.classified[i]
        if unused:
            self._used.add(unused[0])
            return self.classified[unused[0]]
        during_suite = [pair for pair in self.classified if not pair[0].during_startup]
        return during_suite[-1] if during_suite else None

    def upstream_of(self, request: Request) -> Request | None:
        """The earliest failed request this one depends on, directly or through others, if it blocks."""
        seen: set[str] = set()
        stack = list(request.depends_on)
        found: Request | None = None
        while stack:
            name = stack.pop()
            if name in seen or name not in self.by_name:
                continue
            seen.add(name)
            dep = self.by_name[name]
            if dep.failed and self.blocks(dep, request):
                if found is None or dep.index < found.index:
                    found = dep
            stack.extend(dep.depends_on)
        return found

    @staticmethod
    def blocks(dep: Request, request: Request) -> bool:
        """A failed dependency explains a later failure when it produced nothing usable."""
        if dep.status is None or not is_success(dep.status):
            return True
        if request.used_missing_value:
            return True
        return not dep.body_is_json

    def diagnose(self) -> Diagnosis:
        if self.input.startup not in ("ok", "not_run"):
            return Diagnosis.from_causes([self.startup_cause()])
        for request in self.requests:
            if not request.failed:
                continue
            upstream = self.upstream_of(request)
            if upstream is not None and upstream.name in self.cause_of_request:
                self.cause_of_request[upstream.name].consequences.append(request.name)
                self.cause_of_request[request.name] = self.cause_of_request[upstream.name]
                continue
            self.read_request(request)
        self.consolidate_missing_routes()
        self.add_places()
        causes = sorted(self.causes.values(), key=lambda c: (c.first_index, -len(c.requests)))
        ranked = [self.finish(c) for c in causes if c.requests]
        ranked += self.finding_causes()
        return Diagnosis.from_causes(ranked)

    def _unserved_families(self) -> set[str]:
        """Resources for which every request answered 404/405: the routes do not exist, whatever was expected."""
        families: dict[str, list[Request]] = defaultdict(list)
        for r in self.requests:
            families[r.resource].append(r)
        return {
            name
            for name, family in families.items()
            if family and all(r.status in (404, 405) for r in family) and any(r.failed for r in family)
        }

    def read_request(self, request: Request) -> None:
        status = request.status
        expected = request.expected_status()
        wants_error = expected is not None and not is_success(expected)
        if status is None:
            pair = self.take_log_error(request) if self.errors else None
            if pair and pair[1]:
                self.from_log(request, *pair)
                return
            cause = self.cause(
                "no-response",
                "other",
                None,
                "the server stopped answering (crashed or hung during the suite)",
                request,
                confidence=0.7 if pair is None else 0.55,
                decided_by="requests got no response",
            )
            if pair:
                self.log_evidence(cause, pair[0])
            self.request_evidence(cause, request, request.error or "no response", locate=len(cause.requests) == 1)
            return
        if status == 429:
            cause = self.cause(
                "rate-limited",
                "logic_error",
                "framework_idiosyncrasy",
                "a rate limiter answers the suite with 429 Too Many Requests (its limit is below one run's requests)",
                request,
                confidence=0.9,
                decided_by="429 Too Many Requests responses",
            )
            self.request_evidence(cause, request, "rate limited")
            return
        if status == 501:
            cause = self.cause(
                f"not-implemented:{request.resource}",
                "incomplete_implementation",
                None,
                f"requests on {request.resource} are not implemented (501)",
                request,
                confidence=0.85,
                decided_by="501 Not Implemented",
            )
            self.request_evidence(cause, request, "not implemented", locate=True)
            return
        if status >= 500:
            pair = self.take_log_error(request)
            if pair is not None:
                self.from_log(request, *pair)
                return
            writes = request.method in ("POST", "PUT", "DELETE")
            cause = self.cause(
                "5xx-silent",
                "logic_error",
                "database_runtime_error" if writes else "business_logic_defect",
                "writes fail with server errors that leave nothing in the log (a swallowed database error?)"
                if writes
                else "handlers fail with server errors that leave nothing in the log",
                request,
                confidence=0.35,
                decided_by="500 responses with no error in the log",
                alternatives=(
                    (
                        "logic_error",
                        "business_logic_defect" if writes else "database_runtime_error",
                        "a 500 that logs nothing can be the handler's own code"
                        if writes
                        else "a 500 that logs nothing can be a swallowed database error",
                    ),
                ),
            )
            self.request_evidence(cause, request, "server error", locate=True)
            return
        if 300 <= status < 400:
            cause = self.cause(
                "redirect",
                "logic_error",
                "framework_idiosyncrasy",
                "the framework redirects API paths (trailing slashes?)",
                request,
                confidence=0.8,
                decided_by=f"{status} redirects on API paths",
            )
            self.request_evidence(cause, request, "redirected", locate=True)
            return
        if status in (401, 403) and not wants_error and not request.status_was_expected:
            self.from_refusal(request, status)
            return
        unserved = status in (404, 405) and request.resource in self.unserved
        if status in (404, 405, 501) and (expected is None or is_success(expected) or unserved):
            declared = self.repo is not None and locate_route(self.repo, request.method, request.path)
            if "koa" in self.packages and declared and not (request.excerpt and request.body_is_json):
                cause = self.cause(
                    "koa-unset-body",
                    "logic_error",
                    "framework_idiosyncrasy",
                    "Koa answers 404 on a route that exists: the handler sets ctx.body after it returned "
                    "(a promise not awaited)",
                    request,
                    confidence=0.7 if request.excerpt else 0.5,
                    decided_by="404 from a route the code declares, in a Koa app",
                    alternatives=()
                    if request.excerpt
                    else (("logic_error", "incorrect_query_logic", "the lookup behind the route may find nothing"),),
                )
                self.request_evidence(cause, request, "404 from a declared route", locate=True)
                return
            cause = self.cause(
                f"missing:{request.resource}",
                "incomplete_implementation",
                None,
                f"requests on {request.resource} are not served",
                request,
                confidence=0.8 if unserved else 0.6,
                decided_by=f"{status} on every request to {request.resource}" if unserved else f"{status} responses",
            )
            self.request_evidence(cause, request, "not served", locate=True)
            return
        if status in (400, 415, 422) and wants_empty_body(request):
            cause = self.cause(
                "empty-body",
                "logic_error",
                "framework_idiosyncrasy",
                "the framework rejects the empty JSON body of POST/DELETE favorite and follow",
                request,
                confidence=0.8,
                decided_by=f"{status} on the bodiless favorite/follow requests",
            )
            self.request_evidence(cause, request, "empty body rejected", locate=True)
            self.attach_log(cause, "framework_idiosyncrasy")
            return
        if status == 422 and request.operation in ("CreateUser", "Login") and self.user_envelope_unread():
            self.envelope_unread(request)
            return
        if expected is not None and not is_success(status) and is_success(expected):
            cause = self.cause(
                "rejects-valid",
                "logic_error",
                "business_logic_defect",
                "valid requests are rejected",
                request,
                confidence=0.45,
                decided_by=f"{status} where the suite expected {status_code(expected)}",
            )
            self.request_evidence(cause, request, f"expected {status_code(expected)}", locate=True)
            return
        if expected is not None and is_success(status) and not is_success(expected):
            self.from_missing_error(request, status_code(expected))
            return
        if (
            status in (401, 403)
            and request.sent_auth
            and expected is not None
            and status_code(expected) not in (401, 403)
        ):
            self.from_refusal(
                request, status
            )  # a token refused where another error was due: the token, not the envelope
            return
        texts = request.failure_texts()
        if (
            400 <= status < 500
            and texts
            and request.status_was_expected
            and all("GenericErrorModel" in x or "status" in x for x in texts)
        ):
            cause = self.cause(
                "error-envelope",
                "schema_format_error",
                None,
                'error responses lack the Conduit error envelope ({"errors": {...}})',
                request,
                confidence=0.8,
                decided_by="error responses with the right status but not the errors envelope",
            )
            self.request_evidence(cause, request, "; ".join(texts[:3]))
            return
        if not request.body_is_json:
            cause = self.cause(
                "not-json",
                "schema_format_error",
                None,
                "responses are not JSON",
                request,
                confidence=0.7,
                decided_by="response bodies that are not JSON",
            )
            self.request_evidence(cause, request, "body is not JSON", locate=True)
            return
        self.from_assertions(request)

    def user_envelope_unread(self) -> bool:
        """Both registration and login answer 422 to valid bodies: the `{"user": {...}}` envelope is not read."""
        ops = {r.operation for r in self.requests if r.status == 422 and r.operation in ("CreateUser", "Login")}
        valid = [r for r in self.requests if r.operation == "Login" and r.status == 422]
        return ops == {"CreateUser", "Login"} and any(
            r.expected_status() is None or is_success(r.expected_status()) for r in valid
        )

    def envelope_unread(self, request: Request) -> None:
        cause = self.cause(
            "request-envelope",
            "schema_format_error",
            None,
            'request bodies are read flat: registration and login reject the {"user": {...}} envelope with 422',
            request,
            confidence=0.6,
            decided_by="422 on valid registration and login bodies",
            alternatives=(("logic_error", "business_logic_defect", "a validation rule may reject valid users"),),
        )
        self.request_evidence(cause, request, "valid body rejected", locate=True)

    def from_refusal(self, request: Request, status: int) -> None:
        """401/403 where the suite expected success: a token the server will not take, or a route guarded wrongly."""
        if status == 403 and request.operation in _NO_TOKEN_OPERATIONS and request.method != "GET":
            cause = self.cause(
                "csrf",
                "logic_error",
                "framework_idiosyncrasy",
                "a framework default (CSRF protection) refuses the API's POSTs, even registration and login",
                request,
                confidence=0.75,
                decided_by="403 on registration/login, which take no token",
            )
            self.request_evidence(cause, request, "refused without a token being involved")
            self.attach_log(cause, "framework_idiosyncrasy")
            return
        if request.sent_auth is False and request.method == "GET":
            cause = self.cause(
                "public-route-auth",
                "logic_error",
                "auth_misconfiguration",
                "a public route demands a token (reads that need no login are refused)",
                request,
                confidence=0.8,
                decided_by=f"{status} on a public read sent without a token",
            )
            self.request_evidence(cause, request, "public read refused", locate=True)
            return
        cause = self.cause(
            "token-rejected",
            "logic_error",
            "auth_misconfiguration",
            "the server rejects the token it issued (header scheme, secret or lookup)",
            request,
            confidence=0.75,
            decided_by=f"{status} on requests that carried the token",
        )
        self.request_evidence(cause, request, "token rejected")
        self.attach_log(cause, "auth_misconfiguration")

    def from_log(self, request: Request, error: LogError, signature: Signature | None) -> None:
        generic = signature is None or signature.id == "attribute-or-type"
        if generic and self.in_auth_code(error):
            cause = self.cause(
                "log:auth-code",
                "logic_error",
                "auth_misconfiguration",
                f"the token or current-user code fails ({error.type or 'an error'})",
                request,
                confidence=0.75,
                decided_by="the innermost repository frames are in the token/current-user code",
            )
        elif generic and self.in_driver_code(error):
            cause = self.cause(
                "log:driver-code",
                "logic_error",
                "database_runtime_error",
                f"the ORM's database driver layer fails ({error.type or 'an error'}): the driver or dialect is misused",
                request,
                confidence=0.65,
                decided_by="the innermost frame is in the ORM's dialect/driver code",
            )
        elif signature is None:
            cause = self.cause(
                f"log:{error.type}",
                "logic_error",
                "business_logic_defect",
                f"the server fails with {error.type or 'an error'}",
                request,
                confidence=0.4,
                decided_by="an error the signature table does not know",
            )
        else:
            strong = signature.id != "attribute-or-type"
            cause = self.cause(
                f"log:{signature.id}",
                signature.category,
                signature.subcategory,
                signature.label,
                request,
                confidence=(0.9 if strong else 0.7) if error.repo_frame else (0.8 if strong else 0.55),
                decided_by=f"the log's {error.type or 'error'} (signature {signature.id})",
            )
            for name in signature.dependency if self.repo is not None else ():
                declared = project(self.repo.resolve()).dependency([name])  # type: ignore[union-attr]
                if declared is not None:
                    cause.add_evidence(
                        Evidence(
                            kind="code",
                            path=declared.path,
                            line=declared.line,
                            message=f"{declared.name} is declared here ({declared.path}:{declared.line})",
                        ),
                        first=True,
                    )
        self.log_evidence(cause, error)
        if error.repo_frame is None:  # every frame is a library's: the handler of the failing route called it
            self.request_evidence(cause, request, "failed inside a library", locate=True)

    @staticmethod
    def in_driver_code(error: LogError) -> bool:
        """Whether the error is raised inside an ORM's dialect or a database driver, not the app's own code."""
        if not error.frames:
            return False
        innermost = error.frames[0] if error.language == "node" else error.frames[-1]
        return _DRIVER_FILE.search(innermost.path) is not None

    def in_auth_code(self, error: LogError) -> bool:
        """Whether the innermost repository frames are where tokens and the current user are handled."""
        return any(_AUTH_FILE.search(f.path) or _AUTH_FUNCTION.search(f.function or "") for f in error.chain[:2])

    def from_missing_error(self, request: Request, expected: int | None) -> None:
        """The server said yes where it should have said no."""
        if expected in (401, 403) or (expected == 422 and request.operation == "Login"):
            what = "a wrong password is accepted" if request.operation == "Login" else None
            cause = self.cause(
                f"unguarded:{expected}" if what is None else "login-accepts",
                "logic_error",
                "auth_misconfiguration",
                what or "writes are not protected (missing authentication or ownership checks)",
                request,
                confidence=0.75,
                decided_by=f"success where the suite expected {expected}",
            )
        elif expected == 404:
            cause = self.cause(
                "not-deleted",
                "logic_error",
                "state_propagation_failure",
                "deleted or unknown resources are still served",
                request,
                confidence=0.7,
                decided_by="success where the suite expected 404",
            )
            deleted = self.earlier_delete(request)
            if deleted is not None:
                self.request_evidence(cause, deleted, "answered, but the resource is still there", locate=True)
        else:
            cause = self.cause(
                f"unvalidated:{expected}",
                "logic_error",
                "business_logic_defect",
                "invalid or duplicate input is accepted",
                request,
                confidence=0.65,
                decided_by=f"success where the suite expected {expected}",
            )
        self.request_evidence(cause, request, f"expected {expected}", locate=True)

    def from_assertions(self, request: Request) -> None:
        texts = request.failure_texts()
        if not texts:
            self.from_counts(request)
            return
        if self.typed_wrong(request):
            cause = self.cause(
                "assert:types",
                "schema_format_error",
                None,
                "fields have the wrong JSON type",
                request,
                confidence=0.8,
                decided_by="failed assertions whose actual value has another JSON type than expected",
            )
            self.request_evidence(cause, request, "; ".join(texts[:3]), locate=True)
            return
        lost, write = self.written_earlier(request)
        if lost and write is not None:
            cause = self.cause(
                "assert:lost-write",
                "logic_error",
                "state_propagation_failure",
                f"a change the server answered does not show in later reads ({', '.join(sorted(lost))})",
                request,
                confidence=0.75,
                decided_by=f"a read after the successful {write.method} {write.path} shows the old value",
            )
            self.request_evidence(cause, write, "answered, but the change did not stick", locate=True)
            self.request_evidence(cause, request, "; ".join(texts[:3]))
            return
        if request.status is not None and 400 <= request.status < 500 and any("GenericErrorModel" in x for x in texts):
            cause = self.cause(
                "error-envelope",
                "schema_format_error",
                None,
                'error responses lack the Conduit error envelope ({"errors": {...}})',
                request,
                confidence=0.8,
                decided_by="error responses with the right status but not the errors envelope",
            )
            self.request_evidence(cause, request, "; ".join(texts[:3]))
            return
        hints = _hints()
        votes = Counter(next((i for i, h in enumerate(hints) if h.applies(t, request)), len(hints) - 1) for t in texts)
        hint = hints[min(votes, key=lambda i: (-votes[i], i))]
        key = f"assert:{hint.category}:{hint.subcategory}"
        cause = self.cause(
            key,
            hint.category,
            hint.subcategory,
            hint.label,
            request,
            confidence=0.45 if hint.pattern.pattern == "." else 0.7,
            decided_by="the failed assertions' texts",
        )
        self.request_evidence(cause, request, "; ".join(texts[:3]), locate=True)

    def from_counts(self, request: Request) -> None:
        """A 2xx with failed assertions and no details (study-level evidence): what the suite's checks allow."""
        checks = suite_texts(request)
        failed = request.total - request.passed
        if request.status is not None and 400 <= request.status < 500 and request.status not in (401, 403, 404, 405):
            cause = self.cause(
                "rejects-valid",
                "logic_error",
                "business_logic_defect",
                "valid requests are rejected",
                request,
                confidence=0.45,
                decided_by=f"{request.status} on a request of the suite's happy path",
            )
            self.request_evidence(cause, request, f"{request.status} on a valid request", locate=True)
            return
        items = [text for text in checks if "[0]" in text]
        if items and failed == len(items):
            cause = self.cause(
                "assert:logic_error:incorrect_query_logic",
                "logic_error",
                "incorrect_query_logic",
                "lists come back empty where items were expected (a filter, join or paging drops rows)",
                request,
                confidence=0.6,
                decided_by="exactly the suite's checks on the first item failed: the list was empty",
                alternatives=(
                    ("schema_format_error", None, "item fields missing from every item fail the same checks"),
                ),
            )
        elif request.operation in _TOGGLE_OPERATIONS and 0 < failed <= len(
            [text for text in checks if _TOGGLE_VALUE.search(text) and not _SHAPE.match(text)]
        ):
            cause = self.cause(
                "assert:logic_error:state_propagation_failure",
                "logic_error",
                "state_propagation_failure",
                "a change does not show in later responses (counts, flags or updates do not move)",
                request,
                confidence=0.55,
                decided_by="only the suite's checks on the toggled flag or count failed on a 2xx",
                alternatives=(("logic_error", "business_logic_defect", "the toggle rule itself may be wrong"),),
            )
        elif checks and all(_SHAPE.match(text) for text in checks):
            cause = self.cause(
                "assert:schema_format_error:None",
                "schema_format_error",
                None,
                "responses miss fields or have the wrong types (the suite checks only shapes here)",
                request,
                confidence=0.65,
                decided_by=f"{failed} of the suite's shape checks failed on a 2xx",
            )
        else:
            cause = self.cause(
                "assert:counts",
                "logic_error",
                "business_logic_defect",
                "responses carry wrong values",
                request,
                confidence=0.35,
                decided_by="failed counts only, no assertion details",
                alternatives=(
                    ("logic_error", "state_propagation_failure", "values may be lost between requests"),
                    ("logic_error", "incorrect_query_logic", "lists may be filtered or paged wrongly"),
                ),
            )
        self.request_evidence(cause, request, f"{failed} of {request.total} assertions failed", locate=True)

    @staticmethod
    def typed_wrong(request: Request) -> bool:
        """A number or flag the server answers as a string (`"favoritesCount": "0"`)."""
        return any(
            isinstance(f.get("expected"), (int, float, bool)) and isinstance(f.get("actual"), str)
            for f in request.failures
        )

    def written_earlier(self, request: Request) -> tuple[set[str], Request | None]:
        """Fields a GET reads wrong that an earlier successful write answered right, and the last such write."""
        if request.method != "GET":
            return set(), None
        fields = {m[1] for t in request.failure_texts() if (m := _VALUE_FIELD.match(t))}
        found: set[str] = set()
        last: Request | None = None
        for earlier in self.requests[: request.index]:
            if earlier.method == "GET" or earlier.failed or earlier.status is None or not is_success(earlier.status):
                continue
            checked = {m[1] for t in suite_texts(earlier) if (m := _VALUE_FIELD.match(t))}
            if fields & checked:
                found |= fields & checked
                last = earlier
        return found, last

    def earlier_delete(self, request: Request) -> Request | None:
        """The last successful DELETE before `request` on the same resource."""
        deletes = [
            r
            for r in self.requests[: request.index]
            if r.method == "DELETE" and r.status is not None and is_success(r.status) and r.resource == request.resource
        ]
        return deletes[-1] if deletes else None

    def attach_log(self, cause: _Cause, subcategory: str) -> None:
        for error, signature in self.classified:
            if signature is not None and signature.subcategory == subcategory:
                self.log_evidence(cause, error)
                return

    def consolidate_missing_routes(self) -> None:
        """A 404 on one item of a resource that otherwise works is a lookup bug, not a missing route."""
        for key, cause in list(self.causes.items()):
            if not key.startswith("missing:"):
                continue
            resource = key.split(":", 1)[1]
            family = [r for r in self.requests if r.resource == resource]
            if any(r.status is not None and is_success(r.status) for r in family):
                cause.category, cause.subcategory = "logic_error", "incorrect_query_logic"
                cause.label = f"{resource} lookups answer 404 for resources that exist"
                cause.decided_by = f"404 on some {resource} requests while others succeed"
                if not any(r.url for r in family):  # no concrete URLs: a lost identifier looks the same
                    cause.confidence = 0.5
                    cause.alternatives = [
                        Alternative(
                            category="logic_error",
                            subcategory="state_propagation_failure",
                            why="the identifier may not reach the later requests (null/undefined in their paths)",
                        )
                    ]

    def add_places(self) -> None:
        """Point causes that no traceback placed at the code that does their job (see places.yml)."""
        if self.repo is None:
            return
        for key, cause in self.causes.items():
            if key.startswith("missing:") and cause.category == "incomplete_implementation":
                resource = key.split(":", 1)[1]
                for path in resource_files(self.repo, resource) or routes_modules(self.repo)[:1]:
                    cause.add_evidence(Evidence(kind="code", path=path, message=f"{path} should serve {resource}"))
            place = _places().get(key)
            if place is not None:
                self.code_evidence(cause, grep(self.repo, place.pattern), place.why, first=True)

    def startup_cause(self) -> RootCause:
        label = {
            "install_failed": "the dependencies do not install",
            "start_failed": "the server exits during startup",
            "health_timeout": "the server never becomes healthy",
        }.get(self.input.startup, "the server does not start")
        cause = _Cause("startup", "server_startup_failure", None, label, -1)
        cause.confidence, cause.decided_by = 0.9, f"startup: {self.input.startup}"
        for error, _signature in self.classified[-3:]:
            self.log_evidence(cause, error)
        if self.repo is not None:
            for spot in startup_spots(self.repo, self.input.startup, self.input.server_log):
                cause.add_evidence(spot, first=True)
        if not cause.evidence:
            tail = [line for line in self.input.server_log.strip().splitlines() if line.strip()][-3:]
            cause.add_evidence(Evidence(kind="startup", message=" | ".join(tail)[-300:] or self.input.startup))
        return self.finish(cause)

    def finding_causes(self) -> list[RootCause]:
        by_constraint: dict[str, list[dict]] = defaultdict(list)
        for finding in self.input.findings:
            if finding.get("severity", "error") == "error":
                by_constraint[str(finding.get("constraint", "constraint"))].append(finding)
        causes = []
        for constraint, findings in by_constraint.items():
            evidence = [
                Evidence(
                    kind="finding",
                    message=f"{f.get('rule')}: {f.get('message')}",
                    path=f.get("path"),
                    line=f.get("line"),
                )
                for f in findings[:_MAX_EVIDENCE]
            ]
            causes.append(
                RootCause(
                    category="constraint_violation",
                    summary=f"The declared {constraint} constraint is not kept: {len(findings)} finding(s); "
                    f"first: {findings[0].get('message')}",
                    evidence=evidence,
                    confidence=0.95,
                    decided_by=f"{len(findings)} verifier finding(s) on the {constraint} constraint",
                )
            )
        return causes

    def finish(self, cause: _Cause) -> RootCause:
        # What points at a line comes first (a reader, and the report's short list, look there); order kept otherwise.
        cause.evidence.sort(key=lambda e: not (e.path and e.line))
        explained = len(cause.requests) + len(cause.consequences)
        where = next((f" at {e.path}:{e.line}" for e in cause.evidence if e.path and e.line), "")
        summary = cause.label[0].upper() + cause.label[1:]
        if cause.requests:
            summary += f"{where}. First seen on {cause.requests[0]}; explains {explained} failed request(s)"
            if cause.consequences:
                summary += f", {len(cause.consequences)} of them downstream of it"
        else:
            summary += where
        return RootCause(
            category=cause.category,
            subcategory=cause.subcategory,
            summary=summary + ".",
            evidence=cause.evidence,
            consequences=cause.consequences,
            confidence=round(cause.confidence, 2),
            decided_by=cause.decided_by,
            alternatives=cause.alternatives,
        )


def diagnose(evidence: DiagnosisInput, *, repo: Path | None = None) -> Diagnosis:
    """The ranked root causes behind `evidence`; `repo` lets log frames and routes map to files."""
    return _Diagnoser(evidence, repo).diagnose()


def _path_matches(template: str, path: str) -> bool:
    """Whether a concrete path (from an access line) is an instance of a path template."""
    pattern = re.sub(r"\\\{[^}/]+\\\}", "[^/]+", re.escape(template.split("?")[0]))
    return re.fullmatch(pattern, path) is not None
