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

import hashlib
import shlex
import subprocess
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import verifiers
from checks import config as config_mod
from checks import gate, newman, runtimes
from checks import suites as suites_mod
from checks.diagnosis import DiagnosisInput, diagnose
from checks.render.annotations import build_annotations
from checks.report import ConfigSource, Report
from checks.sandbox import InstallSpec, PodSpec, SandboxBackend, SandboxUnavailable, get_backend
from checks.workspace import Workspace
from conduit_suite.plan import SuitePlan
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
    repo: Path,
    *,
    config_file: Path | None = None,
    on_progress: Progress | None = None,
    sandbox: str | SandboxBackend | None = None,
    base: config_mod.BaseConfig | None = None,
    app: str | None = None,
    add_suites: tuple[config_mod.SuiteName, ...] = (),
    keep_workspace: bool = False,
    repository: str | None = None,
) -> Report:
    """The report for the checkout at `repo` (see module docstring for what never raises).

    `sandbox` names a backend (`checks.sandbox.BACKENDS`; default `$DECAYCHECK_SANDBOX`, else local)
    or is one: any `SandboxBackend`, such as the scripted one the pipeline's tests use.
    `base`: the config the repository's `extends` names (fetched by the caller);
    `app`: which app of a monorepo's `apps:`; `add_suites`: suites run on top of
    the configured ones (the "Re-run strict" button); `keep_workspace` leaves the private copy
    (installed dependencies, logs) in place to debug an install; `repository` names the repository the
    checkout is of (e.g. `owner/name`): its installs share one dependency cache. Without it the
    checkout's remote, else its folder, names it.
    """
    say = _reporter(on_progress)
    clock = _Clock()
    report = Report(repo_path=str(repo), app=app)
    t0 = time.monotonic()
    resolved: config_mod.Resolved | None = None
    try:
        if not repo.is_dir():
            report.error = f"{repo} is not a folder"
            return report
        report.head_sha = _head_sha(repo)
        with clock.phase("config"):
            try:
                resolved = config_mod.resolve(repo, config_file, base=base, app=app)
                resolved.config.suites += [s for s in add_suites if s not in resolved.config.suites]
                plans = suites_mod.plans(repo, resolved)
            except config_mod.ConfigError as exc:
                report.config_error = str(exc)
                say(f"config error: {exc}")
                return report
        cfg = resolved.config
        report.config_sources = [ConfigSource(key=k, value=v, source=s) for k, v, s in resolved.sources]
        report.annotations_max = cfg.annotations.max
        report.annotation_levels = list(cfg.annotations.levels)
        _evaluate(repo, resolved, plans, report, clock, say, sandbox, cache_key(repo, repository), keep_workspace)
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
    repo: Path,
    resolved: config_mod.Resolved,
    plans: list[SuitePlan],
    report: Report,
    clock: _Clock,
    say: Progress,
    sandbox: str | SandboxBackend | None,
    deps_key: str,
    keep_workspace: bool = False,
) -> None:
    cfg = resolved.config
    report.constraints = resolved.constraints.declared()
    report.suite = next((p.id for p in plans if p.kind != "openapi"), plans[0].id)
    say(
        f"config: {resolved.source or 'defaults'}; {resolved.runtime} app in {cfg.app.path}, "
        f"{resolved.database}, suites {', '.join(p.id for p in plans)}"
    )
    tool_paths: list[Path] = []
    try:
        backend = sandbox if isinstance(sandbox, SandboxBackend) else get_backend(sandbox)
        backend.check()
        runtimes.check_host(resolved.runtime, resolved.app_dir)
        if any(p.kind == "postman" for p in plans):
            runner = newman.ensure()
            tool_paths.extend(runner.folders)
            for planned in plans:
                if planned.kind == "postman":
                    planned.newman = runner.argv()
    except (SandboxUnavailable, runtimes.RuntimeUnavailable, newman.NewmanUnavailable) as exc:
        report.error = str(exc)
        return
    profile = runtimes.PROFILES[resolved.runtime]
    limits = cfg.limits.limits()

    # An app inside a workspace (npm, yarn, pnpm, uv) installs from the workspace root, with its lockfile.
    member = resolved.app_dir.relative_to(resolved.install_root).as_posix()
    with Workspace(resolved.install_root, keep=keep_workspace) as ws:
        if keep_workspace:
            say(f"workspace kept at {ws.root} (app/: the installed copy, run/: what the sandbox wrote)")
        app_copy = ws.app / member if member != "." else ws.app
        if member != ".":
            say(
                f"{cfg.app.path} is a member of the workspace at {_shown(resolved.install_root, repo)}: installing there"
            )
        try:
            plan = runtimes.install_plan(
                resolved.runtime,
                ws.app,
                cfg.app.install,
                cfg.app.env,
                python=cfg.app.python,
                node=cfg.app.node,
                as_of=_commit_date(repo) if cfg.app.dependencies_as_of == "commit" else None,
            )
        except runtimes.RuntimeUnavailable as exc:
            report.error = str(exc)
            return
        if member != ".":  # a member's own (unhoisted) tools come after none of the root's
            plan.env["PATH"] = f"{runtimes.WORKSPACE}/{member}/node_modules/.bin:{plan.env['PATH']}"
        report.install = f"from {plan.source} on {plan.toolchain}"
        if "UV_EXCLUDE_NEWER" in plan.env:
            report.install += f", dependencies as of {plan.env['UV_EXCLUDE_NEWER']}"
        say(f"installing from {plan.source} on {plan.toolchain} ({plan.commands[-1]})")
        with clock.phase("install"):
            installed = backend.install(
                ws.app,
                ws.run,
                InstallSpec(
                    runtime=resolved.runtime,
                    version=plan.version,
                    commands=plan.commands,
                    env=plan.env,
                    ro_paths=plan.ro_paths,
                    trusted=plan.trusted,
                    cache_key=deps_key,
                    limits=limits,
                ),
            )
        evidence: RuntimeEvidence | None = None
        results: list[SuiteResult] = []
        full_log = ""
        if not installed.ok:
            report.startup = "install_failed"
            report.server_log_tail = installed.log_tail
            cause = runtimes.installer_error(ws.app)
            if cause:  # the installer's own log is in the workspace, not on the screen: quote it
                report.server_log_tail += "\n[the installer's log]\n" + cause
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
                version=plan.version,
                database=resolved.database,
                start=cfg.app.start if member == "." else f"cd {shlex.quote(member)} && {cfg.app.start}",
                port=resolved.port,
                api_prefix=cfg.app.api_prefix,
                health_path=cfg.app.health_path,
                ready=cfg.app.ready,
                suites=[p.id for p in plans],
                suite_plans={p.id: p.model_dump_json() for p in plans if p.kind != "builtin"},
                env=plan.env,
                ro_paths=plan.ro_paths,
                suite_tools=tool_paths,
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
            report.server_log_tail = _relative_paths(pod.server_log_tail, member)
            full_log = _relative_paths(pod.server_log or pod.server_log_tail, member)
            evidence = report.evidence = pod.evidence
            results = [SuiteResult.model_validate(s) for s in pod.suites]
            if pod.suite_errors:
                say("suite errors: " + "; ".join(f"{k}: {v[:200]}" for k, v in pod.suite_errors.items()))
            if pod.startup == "ok" and (pod.suite_errors or not results):
                # A configured suite that did not run leaves the gate nothing to judge it by: the results
                # of those that ran are kept, but the evaluation was not carried out in full.
                errors = pod.suite_errors or {"suites": "none ran"}
                report.error = "the suite runner failed: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
            if pod.app_exit_code is not None and pod.startup == "ok":
                exited = f"\n[the server exited with code {pod.app_exit_code} during the suite]"
                report.server_log_tail += exited
                full_log += exited

        say("verifying constraints")
        with clock.phase("verify"):
            report.findings = verifiers.verify(
                app_copy,
                resolved.constraints,
                runtime=judged_runtime(report.startup, results, evidence),
                layers=cfg.layers,
                waivers=cfg.waivers,
            )
        report.compliant = not report.open_findings
        report.with_suites(results)

        say("diagnosing")
        with clock.phase("diagnose"):
            report.diagnosis = diagnose(
                DiagnosisInput(
                    requests=_requests_for_diagnosis(results),
                    server_log=full_log or report.server_log_tail,
                    startup=report.startup if report.startup != "not_run" else "ok",
                    findings=[f.model_dump() for f in report.open_findings],  # a waived finding is no root cause
                ),
                repo=app_copy,
            )
        report.app_path = app_path = str(resolved.app_dir.relative_to(repo.resolve()))
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


def _relative_paths(log: str, member: str = ".") -> str:
    """Tracebacks name files under the sandbox mount; make them relative to the app folder."""
    if member != ".":
        log = log.replace(f"{runtimes.WORKSPACE}/{member}/", "")
    return log.replace(f"{runtimes.WORKSPACE}/", "")


def _shown(path: Path, repo: Path) -> str:
    rel = path.relative_to(repo.resolve()).as_posix()
    return "the repository root" if rel == "." else rel


def _commit_date(repo: Path) -> str:
    """The head commit's date (ISO 8601, UTC) for `dependencies_as_of: commit`; raises when there is no commit."""
    try:
        res = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%cI"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise runtimes.RuntimeUnavailable(f"app.dependencies_as_of: commit: git failed: {exc}") from None
    stamp = res.stdout.strip()
    if res.returncode != 0 or not stamp:
        raise runtimes.RuntimeUnavailable("app.dependencies_as_of: commit: the checkout has no commit to date")
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cache_key(repo: Path, repository: str | None = None) -> str:
    """The dependency cache a checkout's installs share: one per repository (named, else its remote, else its
    folder)."""
    if repository:
        return hashlib.sha256(repository.lower().encode()).hexdigest()[:16]
    try:
        res = subprocess.run(
            ["git", "-C", str(repo), "config", "--get", "remote.origin.url"], capture_output=True, text=True, timeout=10
        )
        remote = res.stdout.strip() if res.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        remote = ""
    if remote:
        parts = urllib.parse.urlsplit(remote if "://" in remote else "ssh://" + remote.replace(":", "/", 1))
        identity = f"{(parts.hostname or '').lower()}{parts.path.removesuffix('.git').lower()}"
    else:
        identity = str(repo.resolve())
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _head_sha(repo: Path) -> str | None:
    try:
        res = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None
