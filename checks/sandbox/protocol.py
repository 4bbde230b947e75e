"""The pod protocol: the typed events both in-pod supervisors send, and what the host accepts of them.

The in-pod side (`pod_shared.supervise`, standard library only, shared by the
local `pod_driver.py` and the Docker `docker_pod_runner.py`) writes one JSON
object per line on its stdout:

    db_ready{seconds}                 the database answers (local: the host then starts the app)
    startup{status, reason, seconds}  exactly once: the health check's outcome
    suite_done{suite, result}         at most once per suite asked for: its SuiteResult JSON
    suite_error{suite, message}       ... or why it did not run
    evidence{tables, sqlite_files, collected, note}
    done{timings}                     exactly once, last
    error{message}                    the pod itself failed

`PodEvents` validates every line against these models and folds them. The
stream travels on a channel the app has no handle to, and the host still
accepts nothing out of protocol: a second startup or done, a suite it did not
ask for or twice, a malformed event, or no done at all is a `ProtocolError`,
which fails the evaluation with an error, never a pass.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from checks.sandbox.base import SandboxUnavailable, Startup


class DbReady(BaseModel):
    event: Literal["db_ready"]
    seconds: float = 0.0


class StartupEvent(BaseModel):
    event: Literal["startup"]
    status: Startup
    reason: str = ""
    seconds: float = 0.0


class SuiteDone(BaseModel):
    event: Literal["suite_done"]
    suite: str
    result: dict[str, Any]


class SuiteFailed(BaseModel):
    event: Literal["suite_error"]
    suite: str
    message: str


class EvidenceEvent(BaseModel):
    event: Literal["evidence"]
    tables: dict[str, int] = Field(default_factory=dict)
    sqlite_files: list[str] = Field(default_factory=list)
    collected: bool = True
    note: str = ""


class Done(BaseModel):
    event: Literal["done"]
    timings: dict[str, float] = Field(default_factory=dict)


class Failed(BaseModel):
    event: Literal["error"]
    message: str


PodEvent = Annotated[
    DbReady | StartupEvent | SuiteDone | SuiteFailed | EvidenceEvent | Done | Failed, Field(discriminator="event")
]
_EVENT: TypeAdapter[PodEvent] = TypeAdapter(PodEvent)


class ProtocolError(SandboxUnavailable):
    """The pod said something the protocol does not allow."""


def describe(event: PodEvent) -> str:
    """A progress line for people."""
    if isinstance(event, DbReady):
        return f"database ready in {event.seconds:.2f} s"
    if isinstance(event, StartupEvent):
        return f"server {event.status}" + (f": {event.reason}" if event.reason else "") + f" ({event.seconds:.2f} s)"
    if isinstance(event, SuiteDone):
        return f"suite {event.suite} done"
    if isinstance(event, SuiteFailed):
        return f"suite {event.suite} failed to run"
    if isinstance(event, Failed):
        return f"pod error: {event.message[:200]}"
    return event.event


class PodEvents:
    """One pod's event stream, validated and folded."""

    def __init__(self, suites: list[str]) -> None:
        self.asked = list(suites)
        self.db: DbReady | None = None
        self.startup: StartupEvent | None = None
        self.suites: dict[str, SuiteDone | SuiteFailed] = {}
        self.evidence: EvidenceEvent | None = None
        self.done: Done | None = None
        self.failure: Failed | None = None

    def take(self, line: bytes | str) -> PodEvent | None:
        """The line's event, folded in; None for a line that is not JSON (diagnostics on the same stream)."""
        text = line.strip()
        if not text:
            return None
        try:
            event = _EVENT.validate_json(text)
        except ValidationError as exc:
            if text[:1] in (b"{", "{"):
                raise ProtocolError(f"pod failed: a malformed event: {exc.errors()[0]['msg']}") from None
            return None
        if self.done is not None:
            raise ProtocolError(f"pod failed: an event after the end ({event.event})")
        if isinstance(event, DbReady):
            self._once("db_ready", self.db)
            self.db = event
        elif isinstance(event, StartupEvent):
            self._once("startup", self.startup)
            self.startup = event
        elif isinstance(event, SuiteDone | SuiteFailed):
            if event.suite not in self.asked or event.suite in self.suites:
                raise ProtocolError(f"pod failed: a result for suite {event.suite[:50]!r} that was not asked for")
            self.suites[event.suite] = event
        elif isinstance(event, EvidenceEvent):
            self._once("evidence", self.evidence)
            self.evidence = event
        elif isinstance(event, Done):
            self.done = event
        else:
            self.failure = event
        return event

    @staticmethod
    def _once(name: str, seen: object) -> None:
        if seen is not None:
            raise ProtocolError(f"pod failed: a second {name} event")

    def result(self) -> dict[str, Any]:
        """The PodResult fields the events carry; the stream must have ended with `done` after a startup."""
        if self.failure is not None:
            raise SandboxUnavailable(f"pod failed: {self.failure.message[-3000:]}")
        if self.startup is None or self.done is None:
            raise ProtocolError("pod failed: the pod ended without a result")
        timings = {"db": self.db.seconds if self.db else 0.0, "start": self.startup.seconds, **self.done.timings}
        evidence = self.evidence.model_dump(exclude={"event"}) if self.evidence else None
        return {
            "startup": self.startup.status,
            "reason": self.startup.reason,
            "timings": {k: round(v, 4) for k, v in timings.items()},
            "suites": [e.result for s, e in self.suites.items() if isinstance(e, SuiteDone)],
            "suite_errors": {s: e.message for s, e in self.suites.items() if isinstance(e, SuiteFailed)},
            "evidence": evidence,
        }
