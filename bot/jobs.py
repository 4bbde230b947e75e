"""The App's work, as queue jobs: dispatch an event, evaluate a commit, reap stale runs.

`dispatch` runs once per delivery: it deduplicates on (repository, head SHA,
config), opens the check run as queued, supersedes the PR's older run and
queues `evaluate`. `evaluate` marks the run in progress, fetches the commit,
calls `checks.pipeline.evaluate` and completes the check run from the Report.
Every completion goes through one claim so a run completes exactly once,
whoever gets there first (the worker, a superseding push, or the reaper).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bot import checkrun
from bot.context import AppContext
from bot.events import EvaluationRequest
from bot.fetch import fetch_commit
from bot.metrics import EVALUATION_SECONDS, JOBS
from bot.store import RUN_TTL_S
from checks import gate
from checks.config import GateConfig
from checks.render import checkrun as rendering
from checks.report import Report

log = logging.getLogger(__name__)

EVAL_CLAIM_TTL_S = 24 * 3600


class Superseded(Exception):
    """Raised from the progress callback to stop an evaluation a newer push made moot."""


def evaluate_job_id(prefix: str, run_id: str) -> str:
    return f"{prefix}:evaluate:{run_id}"


def _pr_key(run: dict[str, Any]) -> str | None:
    if not run.get("pr_number"):
        return None
    return f"{run['repo']}#{run['pr_number']}" + (f"/{run['app']}" if run.get("app") else "")


async def _save(ctx: AppContext, run: dict[str, Any], **changes: Any) -> dict[str, Any]:
    run.update(changes, updated_at=time.time())
    await ctx.store.put_run(run["run_id"], run)
    return run


async def finalize(ctx: AppContext, run: dict[str, Any], bodies: list[dict[str, Any]], *, state_note: str) -> bool:
    """Complete the run's check run with `bodies` unless something else completed it first."""
    if not await ctx.store.claim(f"final:{run['run_id']}", RUN_TTL_S):
        return False
    conclusion = bodies[0].get("conclusion")
    try:
        for body in bodies:
            await ctx.github.update_check_run(run["installation_id"], run["repo"], run["check_run_id"], body)
    finally:
        await _save(ctx, run, state="completed", conclusion=conclusion, note=state_note)
        await ctx.store.set_active(run["run_id"], False)
        JOBS.labels(outcome=conclusion or "unknown").inc()
    return True


async def cancel_superseded(ctx: AppContext, run_id: str, by: dict[str, Any]) -> bool:
    run = await ctx.store.get_run(run_id)
    if run is None or run.get("state") == "completed" or run["head_sha"] == by["head_sha"]:
        return False
    await ctx.store.claim(f"superseded:{run_id}", RUN_TTL_S)
    await ctx.store.release(run["eval_key"])
    body = checkrun.simple_completion(
        "cancelled",
        "Superseded by a newer push",
        f"A newer commit ({by['head_sha'][:12]}) of this pull request is being evaluated instead: "
        f"{ctx.details_url(by['run_id'])}",
    )
    return await finalize(ctx, run, [body], state_note=f"superseded by {by['run_id']}")


def check_name(ctx: AppContext, app: str | None) -> str:
    """`decaycheck`, or `decaycheck / NAME` for one app of a monorepo."""
    return ctx.settings.check_name if app is None else f"{ctx.settings.check_name} / {app}"


async def _targets(
    ctx: AppContext, req: EvaluationRequest, config_text: str | None
) -> list[tuple[str | None, str | None]]:
    """(app, why it is not evaluated or None) for each check run to open: one, or one per app of `apps:`.

    An app is evaluated when the PR touches its paths (or when nothing tells:
    no base commit, the comparison failed); one a PR leaves alone completes
    neutral at once, so no check stays pending.
    """
    from checks.config import ConfigError, parse

    try:
        apps = parse(config_text).apps if config_text else []
    except ConfigError:
        apps = []  # the evaluation reports the error on the repository's one check run
    if not apps:
        return [(None, None)]
    if req.app is not None:
        apps = [a for a in apps if a.name == req.app] or apps
    changed: list[str] | None = None
    if req.base_sha and not req.app:
        try:
            changed = await ctx.github.changed_files(req.installation_id, req.repo, req.base_sha, req.head_sha)
        except Exception:
            log.warning(
                "delivery %s: could not compare %s...%s; evaluating every app",
                req.delivery_id,
                req.base_sha,
                req.head_sha,
                exc_info=True,
            )
    out: list[tuple[str | None, str | None]] = []
    for app in apps:
        if changed is not None and not app.touched_by(changed):
            out.append((app.name, f"This pull request changes no file under {', '.join(app.watched())}."))
        else:
            out.append((app.name, None))
    return out


async def dispatch(ctx: AppContext, payload: dict[str, Any]) -> list[str]:
    """Open the check runs the request asks for and queue their evaluations; the run ids queued."""
    req = EvaluationRequest.model_validate(payload)
    found = await ctx.github.file(req.installation_id, req.repo, ctx.settings.config_path, req.head_sha)
    config_key, config_text = found if found else ("default", None)
    queued = []
    for app, untouched in await _targets(ctx, req, config_text):
        if untouched is not None:
            await _untouched(ctx, req, app, untouched)
            continue
        run_id = await _open(ctx, req, app, config_key)
        if run_id is not None:
            queued.append(run_id)
    return queued


async def _untouched(ctx: AppContext, req: EvaluationRequest, app: str | None, why: str) -> None:
    """An app the PR does not touch: its check run completes neutral at once (once per commit)."""
    if not await ctx.store.claim(f"untouched:{req.repo}@{req.head_sha}#{app}", EVAL_CLAIM_TTL_S):
        return
    await ctx.github.create_check_run(
        req.installation_id,
        req.repo,
        {
            "name": check_name(ctx, app),
            "head_sha": req.head_sha,
            **checkrun.simple_completion("neutral", "Not touched by this pull request", why),
        },
    )


async def _open(ctx: AppContext, req: EvaluationRequest, app: str | None, config_key: str) -> str | None:
    """Open one queued check run and queue its evaluation; None when deduplicated."""
    eval_key = f"eval:{req.repo}@{req.head_sha}#{config_key}"
    if app is not None:
        eval_key += f"#app:{app}"
    if req.rerun:
        eval_key += f"#rerun:{req.delivery_id}" + ("#strict" if req.strict else "")
    if not await ctx.store.claim(eval_key, EVAL_CLAIM_TTL_S):
        log.info("delivery %s: %s already evaluated or queued", req.delivery_id, eval_key)
        return None
    run_id = uuid.uuid4().hex
    try:
        created = await ctx.github.create_check_run(
            req.installation_id,
            req.repo,
            {
                "name": check_name(ctx, app),
                "head_sha": req.head_sha,
                "status": "queued",
                "external_id": run_id,
                "details_url": ctx.details_url(run_id),
                "output": {
                    "title": "Queued",
                    "summary": "Waiting for a worker to evaluate this commit"
                    + (" with the strict suite." if req.strict else "."),
                },
            },
        )
    except Exception:
        await ctx.store.release(eval_key)  # the job's retry must find the key free
        raise
    run = {
        "run_id": run_id,
        "repo": req.repo,
        "installation_id": req.installation_id,
        "clone_url": req.clone_url,
        "head_sha": req.head_sha,
        "pr_number": req.pr_number,
        "rerun": req.rerun,
        "app": app,
        "strict": req.strict,
        "check_name": check_name(ctx, app),
        "delivery_id": req.delivery_id,
        "event": req.event,
        "eval_key": eval_key,
        "check_run_id": created["id"],
        "state": "queued",
        "attempts": 0,
        "created_at": time.time(),
    }
    await _save(ctx, run)
    await ctx.store.set_active(run_id, True)
    pr_key = _pr_key(run)
    if pr_key and not req.rerun:  # a re-run asks for one more evaluation; it does not move the PR's head
        previous = await ctx.store.swap_latest(pr_key, run_id)
        if previous and previous != run_id:
            await cancel_superseded(ctx, previous, run)
    assert ctx.queue is not None
    await ctx.queue.enqueue("evaluate", run_id, evaluate_job_id(ctx.settings.redis_prefix, run_id))
    return run_id


async def _superseded(ctx: AppContext, run: dict[str, Any]) -> bool:
    return await ctx.store.claimed(f"superseded:{run['run_id']}")


def nothing_to_evaluate(checkout: Path, config_path: str) -> str | None:
    """Why the commit holds nothing to evaluate, or None.

    A repository with its own config is always evaluated (it promised an app);
    without one, the defaults expect a runtime manifest at the root.
    """
    from checks.config import RUNTIME_MANIFESTS

    if (checkout / config_path).is_file():
        return None
    if any((checkout / name).is_file() for name, _runtime in RUNTIME_MANIFESTS):
        return None
    names = ", ".join(name for name, _runtime in RUNTIME_MANIFESTS)
    return f"no {config_path} and none of {names} at the repository root"


def _evaluate_blocking(ctx: AppContext, run_id: str, checkout: Path, stop: threading.Event, **options: Any) -> Any:
    from checks.pipeline import evaluate

    hook = ctx.settings.progress_hook

    def on_progress(message: str) -> None:
        if hook is not None:
            hook(run_id, message)
        if stop.is_set():
            raise Superseded()

    return evaluate(checkout, sandbox=ctx.settings.sandbox, on_progress=on_progress, **options)


def extends_target(repo: str, extends: str) -> str:
    """The repository an `extends:` names: `org` is the owner's `.github`, `NAME` a sibling, `OWNER/NAME` itself."""
    owner = repo.split("/", 1)[0]
    if extends == "org":
        return f"{owner}/.github"
    return extends if "/" in extends else f"{owner}/{extends}"


async def _org_defaults(ctx: AppContext, run: dict[str, Any], checkout: Path) -> tuple[Any, str | None]:
    """(BaseConfig or None, config error) for the config the checkout's `extends:` names, fetched from GitHub."""
    from checks.config import BaseConfig, ConfigError, parse

    path = checkout / ctx.settings.config_path
    try:
        extends = parse(path.read_text(encoding="utf-8", errors="replace")).extends if path.is_file() else None
    except ConfigError:
        return None, None  # the evaluation reports it
    if not extends:
        return None, None
    target = extends_target(run["repo"], extends)
    found = await ctx.github.file(run["installation_id"], target, ctx.settings.config_path)
    if found is None:
        return None, (
            f"{ctx.settings.config_path}: extends: {extends}: {target} has no {ctx.settings.config_path} "
            "(or the App is not installed on it)"
        )
    return BaseConfig(name=f"{target}:{ctx.settings.config_path}", text=found[1]), None


async def _watch_supersede(ctx: AppContext, run: dict[str, Any], stop: threading.Event) -> None:
    while not stop.is_set():
        if await _superseded(ctx, run):
            stop.set()
            return
        await asyncio.sleep(1.0)


def heartbeat_key(run_id: str) -> str:
    return f"heartbeat:{run_id}"


async def _heartbeat(ctx: AppContext, run_id: str) -> None:
    """Tell the reaper this run's worker is alive."""
    ttl = ctx.settings.heartbeat_ttl_s
    while True:
        await ctx.store.touch(heartbeat_key(run_id), ttl)
        await asyncio.sleep(max(0.5, ttl / 3))


async def lost_runs(ctx: AppContext) -> list[dict[str, Any]]:
    """Runs marked in progress whose worker stopped beating (killed, machine lost)."""
    lost = []
    for run_id in await ctx.store.active_runs():
        run = await ctx.store.get_run(run_id)
        if (
            run is not None
            and run.get("state") == "in_progress"
            and time.time() - run.get("updated_at", 0) > ctx.settings.heartbeat_ttl_s
            and not await ctx.store.claimed(heartbeat_key(run_id))
        ):
            lost.append(run)
    return lost


async def evaluate(ctx: AppContext, run_id: str) -> str:
    """Evaluate one run's commit and complete its check run; returns the conclusion.

    The heartbeat runs from before the run is marked in progress until after
    its check run is completed, so the reaper never hands a live job over.
    """
    run = await ctx.store.get_run(run_id)
    if run is None:
        return "missing"
    if run.get("state") == "completed":
        return run.get("conclusion") or "completed"
    if await _superseded(ctx, run):
        return "cancelled"
    beat = asyncio.create_task(_heartbeat(ctx, run_id))
    try:
        return await _evaluate_run(ctx, run)
    finally:
        beat.cancel()
        await ctx.store.release(heartbeat_key(run_id))


async def _evaluate_run(ctx: AppContext, run: dict[str, Any]) -> str:
    run_id = run["run_id"]
    started = time.time()
    await _save(ctx, run, state="in_progress", attempts=run.get("attempts", 0) + 1, started_at=started)
    workdir = Path(tempfile.mkdtemp(prefix="decaycheck-run-", dir=ctx.settings.workdir))
    stop = threading.Event()
    watcher = asyncio.create_task(_watch_supersede(ctx, run, stop))
    try:
        await ctx.github.update_check_run(
            run["installation_id"],
            run["repo"],
            run["check_run_id"],
            {
                "status": "in_progress",
                "started_at": checkrun.now_iso(),
                "output": {
                    "title": "Evaluating",
                    "summary": f"Attempt {run['attempts']}: fetching and evaluating {run['head_sha'][:12]}.",
                },
            },
        )
        token = await ctx.github.installation_token(run["installation_id"])
        checkout = await asyncio.to_thread(fetch_commit, run["clone_url"], run["head_sha"], token, workdir / "repo")
        del token
        reason = nothing_to_evaluate(checkout, ctx.settings.config_path)
        report = None
        if not reason:
            base, config_error = await _org_defaults(ctx, run, checkout)
            if config_error is not None:
                report = gate.apply(GateConfig(), Report(repo_path=str(checkout), config_error=config_error))
            else:
                report = await asyncio.to_thread(
                    _evaluate_blocking,
                    ctx,
                    run_id,
                    checkout,
                    stop,
                    base=base,
                    app=run.get("app"),
                    add_suites=("strict",) if run.get("strict") else (),
                    repository=run["repo"],
                )
    except Superseded:
        return "cancelled"
    except asyncio.CancelledError:
        # a job timeout completes the run; a worker shutting down leaves it for the next worker
        if time.time() - started >= ctx.settings.job_timeout_s - 1:
            await asyncio.shield(
                finalize(
                    ctx,
                    run,
                    [
                        checkrun.simple_completion(
                            "timed_out",
                            "Evaluation timed out",
                            f"The evaluation did not finish within {ctx.settings.job_timeout_s} s.",
                        )
                    ],
                    state_note="timed out",
                )
            )
        raise
    except Exception as exc:  # the check must say why, not stay in progress
        log.exception("run %s failed", run_id)
        await ctx.store.release(run["eval_key"])
        await finalize(
            ctx,
            run,
            [
                checkrun.simple_completion(
                    "failure",
                    "decaycheck could not evaluate this commit",
                    f"The evaluation stopped with an error:\n\n```\n{type(exc).__name__}: {exc}\n```\n"
                    "Use Re-run to try again.",
                )
            ],
            state_note=f"error: {exc}",
        )
        return "failure"
    finally:
        stop.set()
        watcher.cancel()
        shutil.rmtree(workdir, ignore_errors=True)
    if await _superseded(ctx, run):
        return "cancelled"
    EVALUATION_SECONDS.observe(time.time() - started)
    if report is None:
        assert reason is not None
        outcome = rendering.neutral_outcome(reason)
    else:
        report.head_sha = report.head_sha or run["head_sha"]
        await ctx.store.put_report(run_id, report.model_dump(mode="json"))
        outcome = rendering.outcome_of(report, ctx.settings.max_annotations)
    await finalize(ctx, run, checkrun.completion_bodies(outcome, ctx.details_url(run_id)), state_note=outcome.title)
    return outcome.conclusion


async def cancel_all(ctx: AppContext, reason: str) -> list[str]:
    """Complete every open run as cancelled (an in-process service stopping takes its queue with it)."""
    cancelled = []
    for run_id in await ctx.store.active_runs():
        run = await ctx.store.get_run(run_id)
        if run is not None and run.get("state") != "completed":
            body = checkrun.simple_completion("cancelled", "Evaluation cancelled", f"{reason} Use Re-run to try again.")
            if await finalize(ctx, run, [body], state_note=reason):
                cancelled.append(run_id)
    return cancelled


async def reap(ctx: AppContext) -> list[str]:
    """Complete runs no worker finished in time (worker lost for good, retries exhausted)."""
    reaped = []
    now = time.time()
    for run_id in await ctx.store.active_runs():
        run = await ctx.store.get_run(run_id)
        if run is None or run.get("state") == "completed":
            await ctx.store.set_active(run_id, False)
            continue
        assert ctx.settings.stale_after_s is not None
        if now - run.get("created_at", now) > ctx.settings.stale_after_s:
            body = checkrun.simple_completion(
                "timed_out",
                "Evaluation abandoned",
                f"No worker completed this evaluation within {ctx.settings.stale_after_s} s. Use Re-run to try again.",
            )
            await ctx.store.release(run["eval_key"])
            if await finalize(ctx, run, [body], state_note="reaped"):
                reaped.append(run_id)
    return reaped
