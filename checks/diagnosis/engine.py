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

from checks.diagnosis.code import Span, call_chain, grep, handler_span
from checks.diagnosis.http import Request, is_success, status_code, wants_empty_body
from checks.diagnosis.locate import locate_route, resource_files
from checks.diagnosis.logs import LogError, parse_log
from checks.diagnosis.model import Category, Diagnosis, DiagnosisInput, Evidence, RootCause, Subcategory, classification
from checks.diagnosis.signatures import Signature, classify

_HINTS = Path(__file__).with_name("hints.yml")
_PLACES = Path(__file__).with_name("places.yml")
_MAX_EVIDENCE = 8
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
        self._next_error = 0
        self.causes: dict[str, _Cause] = {}
        self.cause_of_request: dict[str, _Cause] = {}

    # -- assembling -------------------------------------------------------------------------

    def cause(
        self, key: str, category: Category, subcategory: Subcategory | None, label: str, request: Request | None
    ) -> _Cause:
        index = request.index if request else -1
        found = self.causes.get(key)
        if found is None:
            found = self.causes[key] = _Cause(key, category, subcategory, label, index)
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

    def take_log_error(self) -> tuple[LogError, Signature | None] | None:
        """Server errors are paired with log errors in the order both happened."""
        if self._next_error < len(self.classified):
            pair = self.classified[self._next_error]
            self._next_error += 1
            return pair
        return self.classified[-1] if self.classified else None

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

    def read_request(self, request: Request) -> None:
        status = request.status
        expected = request.expected_status()
        if status is None:
            pair = self.take_log_error() if self.errors else None
            if pair and pair[1]:
                self.from_log(request, *pair)
                return
            cause = self.cause(
                "no-response", "other", None, "the server stopped answering (crashed or hung during the suite)", request
            )
            if pair:
                self.log_evidence(cause, pair[0])
            self.request_evidence(cause, request, request.error or "no response", locate=len(cause.requests) == 1)
            return
        if status >= 500:
            pair = self.take_log_error()
            if pair is not None:
                self.from_log(request, *pair)
                return
            cause = self.cause(
                "5xx-silent",
                "logic_error",
                "business_logic_defect",
                "handlers fail with server errors that leave nothing in the log",
                request,
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
            )
            self.request_evidence(cause, request, "redirected", locate=True)
            return
        if status in (401, 403) and request.sent_auth is not False and not (expected and not is_success(expected)):
            cause = self.cause(
                "token-rejected",
                "logic_error",
                "auth_misconfiguration",
                "the server rejects the token it issued (header scheme, secret or lookup)",
                request,
            )
            self.request_evidence(cause, request, "token rejected")
            self.attach_log(cause, "auth_misconfiguration")
            return
        if status in (404, 405, 501) and (expected is None or is_success(expected)):
            cause = self.cause(
                f"missing:{request.resource}",
                "incomplete_implementation",
                None,
                f"requests on {request.resource} are not served",
                request,
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
            )
            self.request_evidence(cause, request, "empty body rejected", locate=True)
            self.attach_log(cause, "framework_idiosyncrasy")
            return
        if expected is not None and not is_success(status) and is_success(expected):
            cause = self.cause(
                "rejects-valid", "logic_error", "business_logic_defect", "valid requests are rejected", request
            )
            self.request_evidence(cause, request, f"expected {status_code(expected)}", locate=True)
            return
        if expected is not None and is_success(status) and not is_success(expected):
            self.from_missing_error(request, status_code(expected))
            return
        if not request.body_is_json:
            cause = self.cause("not-json", "schema_format_error", None, "responses are not JSON", request)
            self.request_evidence(cause, request, "body is not JSON", locate=True)
            return
        self.from_assertions(request)

    def from_log(self, request: Request, error: LogError, signature: Signature | None) -> None:
        if signature is None:
            cause = self.cause(
                f"log:{error.type}",
                "logic_error",
                "business_logic_defect",
                f"the server fails with {error.type or 'an error'}",
                request,
            )
        else:
            cause = self.cause(
                f"log:{signature.id}", signature.category, signature.subcategory, signature.label, request
            )
        self.log_evidence(cause, error)

    def from_missing_error(self, request: Request, expected: int | None) -> None:
        """The server said yes where it should have said no."""
        if expected in (401, 403):
            cause = self.cause(
                f"unguarded:{expected}",
                "logic_error",
                "auth_misconfiguration",
                "writes are not protected (missing authentication or ownership checks)",
                request,
            )
        elif expected == 404:
            cause = self.cause(
                "not-deleted",
                "logic_error",
                "state_propagation_failure",
                "deleted or unknown resources are still served",
                request,
            )
        else:
            cause = self.cause(
                f"unvalidated:{expected}",
                "logic_error",
                "business_logic_defect",
                "invalid or duplicate input is accepted",
                request,
            )
        self.request_evidence(cause, request, f"expected {expected}", locate=True)

    def from_assertions(self, request: Request) -> None:
        texts = request.failure_texts() or ["(assertions failed)"]
        hints = _hints()
        votes = Counter(next((i for i, h in enumerate(hints) if h.applies(t, request)), len(hints) - 1) for t in texts)
        hint = hints[min(votes, key=lambda i: (-votes[i], i))]
        key = f"assert:{hint.category}:{hint.subcategory}"
        cause = self.cause(key, hint.category, hint.subcategory, hint.label, request)
        self.request_evidence(cause, request, "; ".join(texts[:3]), locate=True)

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

    def add_places(self) -> None:
        """Point causes that no traceback placed at the code that does their job (see places.yml)."""
        if self.repo is None:
            return
        for key, cause in self.causes.items():
            if key.startswith("missing:") and cause.category == "incomplete_implementation":
                for path in resource_files(self.repo, key.split(":", 1)[1]):
                    cause.add_evidence(
                        Evidence(kind="code", path=path, message=f"{path} should serve {key.split(':', 1)[1]}")
                    )
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
        for error, _signature in self.classified[-3:]:
            self.log_evidence(cause, error)
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
        )


def diagnose(evidence: DiagnosisInput, *, repo: Path | None = None) -> Diagnosis:
    """The ranked root causes behind `evidence`; `repo` lets log frames and routes map to files."""
    return _Diagnoser(evidence, repo).diagnose()
