"""A scripted sandbox backend: the backend contract (`checks.sandbox.base`) with no isolation and no processes.

The test says what each step returns, raises or reports, and the pipeline runs
unchanged around it (config, workspace, verifiers, diagnosis, gate, report),
so its mapping of outcomes to reports and check runs is tested in milliseconds:

    backend = FakeBackend(install=InstallResult(ok=False, exit_code=1, log_tail="No matching distribution"))
    report = evaluate(repo, sandbox=backend)

    FakeBackend(pod=pod_result(suite_run("compat", no_response_from="Register"), app_exit_code=3))
    FakeBackend(pod=SandboxUnavailable("pod failed: ..."))      # a step that raises
    FakeBackend(events=["server starting"])                     # what on_event reports, in order

A step's script is its result, an exception to raise, or a callable given the
spec. The backend records what the pipeline handed it (`installs`, `pods`,
the app folder's files) and checks the contract's promises: the install runs
before the pod, both see the same private copy of the app, and nothing is
left running when a step returns or raises (`running` is 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checks.sandbox import InstallResult, InstallSpec, PodResult, PodSpec, SandboxBackend, SandboxUnavailable
from checks.sandbox.base import OnEvent
from conduit_suite import load_suite
from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult

Step = Any  # a result, an exception instance to raise, or a callable (spec) -> result

DEFAULT_EVENTS = ("database ready in 0.01 s", "server starting", "server ok (0.01 s)")


class FakeBackend(SandboxBackend):
    name = "fake"

    def __init__(
        self,
        *,
        unavailable: str | None = None,
        install: Step = None,
        pod: Step = None,
        events: Iterable[str] = DEFAULT_EVENTS,
    ) -> None:
        self.unavailable = unavailable
        self.install_step: Step = install if install is not None else InstallResult(ok=True, exit_code=0, seconds=0.01)
        self.pod_step: Step = pod if pod is not None else pod_result(suite_run("compat"))
        self.events = list(events)
        self.installs: list[InstallSpec] = []
        self.pods: list[PodSpec] = []
        self.apps: list[Path] = []
        self.app_files: set[str] = set()
        self.running = 0

    def check(self) -> None:
        if self.unavailable is not None:
            raise SandboxUnavailable(self.unavailable)

    def install(self, app: Path, work: Path, spec: InstallSpec, on_event: OnEvent | None = None) -> InstallResult:
        assert app.is_dir() and work.is_dir(), "the pipeline hands over existing folders"
        self.installs.append(spec)
        self.apps.append(app)
        self.app_files = {str(p.relative_to(app)) for p in app.rglob("*") if p.is_file()}
        return InstallResult.model_validate(self._play(self.install_step, spec))

    def run_pod(self, app: Path, work: Path, spec: PodSpec, on_event: OnEvent | None = None) -> PodResult:
        assert self.installs, "the pod runs only after an install"
        assert app == self.apps[-1], "install and pod see the same copy of the app"
        self.pods.append(spec)
        self.running += 1
        try:
            for message in self.events:
                if on_event is not None:
                    on_event(message)
            return PodResult.model_validate(self._play(self.pod_step, spec))
        finally:
            self.running -= 1  # a real backend ends every process here, whatever happened

    @staticmethod
    def _play(step: Step, spec: Any) -> dict[str, Any]:
        """The step's result as plain data (each call gets its own copy), or what it raises."""
        if isinstance(step, BaseException):
            raise step
        result = step(spec) if callable(step) else step
        return result.model_dump() if hasattr(result, "model_dump") else dict(result)


def suite_run(
    name: str = "compat",
    *,
    failing: Iterable[str] = (),
    no_response_from: str | None = None,
    error: str = "cannot connect: [Errno 111] Connection refused",
) -> dict[str, Any]:
    """A SuiteResult (as the pod returns it: JSON) for the shipped suite `name`, every assertion passing
    except `failing` (assertion ids '<request>: <assertion>' or whole request names); from the request
    `no_response_from` on, no response came (`error`), as when the server died mid-suite."""
    failing = set(failing)
    spec = load_suite(name)
    names = [r.name for r in spec.requests]
    unknown = {f for f in failing if f not in names and f.split(": ", 1)[0] not in names}
    assert not unknown and (no_response_from is None or no_response_from in names), (unknown, no_response_from)
    dead = False
    requests: list[RequestResult] = []
    for request in spec.requests:
        dead = dead or request.name == no_response_from
        failures = []
        for assertion in request.assertions:
            ident = f"{request.name}: {assertion.text}"
            if dead or ident in failing or request.name in failing:
                failures.append(
                    AssertionFailure(
                        id=ident,
                        assertion=assertion.text,
                        operation=assertion.operation,
                        expected=assertion.args[0] if assertion.args else None,
                        actual=error if dead else "something else",
                        kind=assertion.kind,
                        aspect=assertion.aspect,
                        cites=assertion.cites,
                    )
                )
        requests.append(
            RequestResult(
                name=request.name,
                operation=request.operation,
                method=request.method,
                path="/api" + request.path,
                status=None if dead else 200,
                error=error if dead else None,
                passed=len(request.assertions) - len(failures),
                total=len(request.assertions),
                failures=failures,
                aspects=request.aspect_totals,
                operations=request.operation_totals,
            )
        )
    result = SuiteResult(suite=spec.name, base_url="http://127.0.0.1:8080", api_prefix="/api", requests=requests)
    return result.model_dump()


def pod_result(*suites: dict[str, Any], **fields: Any) -> PodResult:
    """A pod that started and ran `suites`; `fields` override any PodResult field."""
    base: dict[str, Any] = {
        "startup": "ok",
        "timings": {"db": 0.01, "start": 0.02, "suite": 0.03},
        "suites": list(suites),
        "server_log": "serving on 0.0.0.0:8080\n",
        "server_log_tail": "serving on 0.0.0.0:8080\n",
    }
    return PodResult(**{**base, **fields})
