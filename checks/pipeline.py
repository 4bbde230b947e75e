"""One evaluation of a checkout, end to end: config → workspace → install → pod → verify → diagnose → gate.

`evaluate` always returns a Report: a malformed config sets `config_error`, a
failure of the evaluation itself (host tool missing, sandbox failure, a bug)
sets `error`; neither raises. An exception raised by the `on_progress`
callback does propagate, after everything the run started is cleaned up: it
is how a caller cancels an evaluation (e.g. one a newer push made moot). The
checkout is never modified: everything runs on a private copy of the app
folder, deleted at the end.
"""

from __future__ import annotations

import subprocess
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import verifiers
from checks import config as config_mod
from checks import gate, runtimes
from checks.diagnosis import DiagnosisInput, diagnose
from checks.render.annotations import build_annotations
from checks.report import Report
from checks.sandbox import InstallSpec, Limits, PodSpec, SandboxUnavailable, get_backend
from checks.workspace import Workspace
from conduit_suite.result import SuiteResult
from verifiers.runtime import RuntimeEvidence

Progress = Callable[[str], None]


class _Cancelled(Exception):
    """Carries an exception raised by the caller's progress callback past the internal-error handler."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def _reporter(on_progress: Progress | None) -> Progress:
    def say(message: str) -> None:
        if on_progress is not None:
            try:
                on_progress(message)
            except Exception as exc:
                raise _Cancelled(exc) from exc

    return say


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.monotonic() - t0, 4)


def evaluate(
    repo: Path, *, config_file: Path | None = None, on_progress: Progress | None = None, sandbox: str | None = None
) -> Report:
    """The report for the checkout at `repo` (see module docstring for what never raises)."""
    say = _reporter(on_progress)
    clock = _Clock()
    report = Report(repo_path=str(repo))
    t0 = time.monotonic()
    resolved: config_mod.Resolved | None = None
    try:
        if not repo.is_dir():
            report.error = f"{repo} is not a folder"
            return report
        report.head_sha = _head_sha(repo)
        with clock.phase("config"):
            try:
                resolved = config_mod.resolve(repo, config_file)
            except config_mod.ConfigError as exc:
                report.config_error = str(exc)
                say(f"config error: {exc}")
                return report
        _evaluate(repo, resolved, report, clock, say, sandbox)
    except _Cancelled as cancelled:
        raise cancelled.original from None
    except Exception as exc:  # the report must say what went wrong, never a traceback on the caller
        report.error = f"internal error: {type(exc).__name__}: {exc}"
        report.server_log_tail = report.server_log_tail or traceback.format_exc(limit=8)[-4000:]
    finally:
        clock.timings["total"] = round(time.monotonic() - t0, 4)
        report.timings = clock.timings
        gate.apply(resolved.config.gate if resolved else config_mod.GateConfig(), report)
    return report


def _evaluate(
    repo: Path, resolved: config_mod.Resolved, report: Report, clock: _Clock, say: Progress, sandbox: str | None
) -> None:
    cfg = resolved.config
    report.constraints = resolved.constraints.declared()
    report.suite = cfg.suites[0]
    say(
        f"config: {resolved.source or 'defaults'}; {resolved.runtime} app in {cfg.app.path}, "
        f"{resolved.database}, suites {', '.join(cfg.suites)}"
    )
    try:
        backend = get_backend(sandbox)
        backend.check()
        runtimes.check_host(resolved.runtime, resolved.app_dir)
    except (SandboxUnavailable, runtimes.RuntimeUnavailable) as exc:
        report.error = str(exc)
        return
    profile = runtimes.PROFILES[resolved.runtime]
    limits = Limits(
        install_s=cfg.limits.install_s,
        start_s=cfg.limits.start_s,
        suite_s=cfg.limits.suite_s,
        memory_mb=cfg.limits.memory_mb,
        pids=cfg.limits.pids,
        log_bytes=cfg.limits.log_kb * 1024,
    )

    with Workspace(resolved.app_dir) as ws:
        plan = runtimes.install_plan(resolved.runtime, ws.app, cfg.app.install, cfg.app.env)
        say(f"installing ({plan.commands[-1 - len(profile.finish)]})")
        with clock.phase("install"):
            installed = backend.install(
                ws.app,
                ws.run,
                InstallSpec(
                    runtime=resolved.runtime,
                    commands=plan.commands,
                    env=plan.env,
                    ro_paths=plan.ro_paths,
                    limits=limits,
                ),
            )
        evidence: RuntimeEvidence | None = None
        results: list[SuiteResult] = []
        full_log = ""
        if not installed.ok:
            report.startup = "install_failed"
            report.server_log_tail = installed.log_tail
            report.startup_detail = (
                f"install did not finish within {limits.install_s:g} s"
                if installed.timed_out
                else f"install exited with code {installed.exit_code}"
            )
            say(f"install failed (exit {installed.exit_code}{', timed out' if installed.timed_out else ''})")
        else:
            say(f"installed in {installed.seconds:.1f} s; starting the pod")
            spec = PodSpec(
                runtime=resolved.runtime,
                database=resolved.database,
                start=cfg.app.start,
                port=resolved.port,
                api_prefix=cfg.app.api_prefix,
                health_path=cfg.app.health_path,
                suites=list(cfg.suites),
                env=plan.env,
                ro_paths=plan.ro_paths,
                frozen_dirs=list(profile.frozen_dirs),
                cache_dirs=list(profile.run_cache_dirs),
                limits=limits,
            )
            t_pod = time.monotonic()
            try:
                pod = backend.run_pod(ws.app, ws.run, spec, on_event=say)
            except SandboxUnavailable as exc:
                report.error = f"sandbox: {exc}"
                return
            for phase in ("db", "start", "suite"):
                if phase in pod.timings:
                    clock.timings[phase] = pod.timings[phase]
            clock.timings["pod"] = round(time.monotonic() - t_pod, 4)
            report.startup = pod.startup
            report.startup_detail = pod.reason
            report.server_log_tail = _relative_paths(pod.server_log_tail)
            full_log = _relative_paths(pod.server_log or pod.server_log_tail)
            evidence = report.evidence = pod.evidence
            results = [SuiteResult.model_validate(s) for s in pod.suites]
            if pod.startup == "ok" and not results:
                report.error = "the suite runner failed: " + "; ".join(f"{k}: {v}" for k, v in pod.suite_errors.items())
            elif pod.suite_errors:
                say("suite errors: " + "; ".join(f"{k}: {v[:200]}" for k, v in pod.suite_errors.items()))
            if pod.app_exit_code is not None and pod.startup == "ok":
                exited = f"\n[the server exited with code {pod.app_exit_code} during the suite]"
                report.server_log_tail += exited
                full_log += exited

        say("verifying constraints")
        with clock.phase("verify"):
            report.findings = verifiers.verify(
                ws.app, resolved.constraints, runtime=judged_runtime(report.startup, results, evidence)
            )
        report.compliant = not report.findings
        report.with_suites(results)

        say("diagnosing")
        with clock.phase("diagnose"):
            report.diagnosis = diagnose(
                DiagnosisInput(
                    requests=_requests_for_diagnosis(results),
                    server_log=full_log or report.server_log_tail,
                    startup=report.startup if report.startup != "not_run" else "ok",
                    findings=[f.model_dump() for f in report.findings],
                ),
                repo=ws.app,
            )
        app_path = str(resolved.app_dir.relative_to(repo.resolve()))
        report.annotations = build_annotations(report.findings, report.diagnosis, app_path=app_path)


def judged_runtime(
    startup: str, results: list[SuiteResult], evidence: RuntimeEvidence | None
) -> RuntimeEvidence | None:
    """Runtime database evidence is judged only when the server started and the suite ran against it.

    A server that never started wrote no tables; saying it "stored its data elsewhere" would be noise.
    """
    return evidence if startup == "ok" and results else None


def _requests_for_diagnosis(results: list[SuiteResult]) -> list[dict]:
    """Every suite's requests, in the order they ran; later suites' names are prefixed so they stay unique
    (in `depends_on` and `blocked_by` too, so the dependency graph holds across suites)."""
    requests: list[dict] = []
    for index, result in enumerate(results):
        prefix = f"{result.suite}: " if index else ""
        for request in result.requests:
            record = request.model_dump()
            record["name"] = prefix + request.name
            record["depends_on"] = [prefix + name for name in request.depends_on]
            record["blocked_by"] = [prefix + name for name in request.blocked_by]
            for failure in record["failures"]:
                if failure["blocked_by"] is not None:
                    failure["blocked_by"] = prefix + failure["blocked_by"]
            requests.append(record)
    return requests


def _relative_paths(log: str) -> str:
    """Tracebacks name files under the sandbox mount; make them relative to the app folder."""
    return log.replace(f"{runtimes.WORKSPACE}/", "")


def _head_sha(repo: Path) -> str | None:
    try:
        res = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None
