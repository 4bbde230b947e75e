"""GET /runs/{id} (the check run's details_url) and /runs/{id}.json."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from checks.render import checkrun as rendering
from checks.report import Report

router = APIRouter()

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>decaycheck · {repo} @ {sha}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f6f8fa;padding:1rem;overflow:auto;white-space:pre-wrap}}
.k{{color:#57606a}}</style></head>
<body><h1>decaycheck</h1>
<p><span class="k">repository</span> {repo} · <span class="k">commit</span> <code>{sha}</code>
{pr} · <span class="k">state</span> <strong>{state}</strong> · <span class="k">conclusion</span> <strong>{conclusion}</strong></p>
<h2>{title}</h2>
<pre>{summary}</pre>
<pre>{text}</pre>
<p><a href="{run_id}.json">Report JSON</a></p>
</body></html>"""


async def _load(request: Request, run_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    store = request.app.state.ctx.store
    run = await store.get_run(run_id)
    if run is None:
        raise HTTPException(404, "no such run")
    return run, await store.get_report(run_id)


@router.get("/runs/{run_id}.json")
async def run_json(run_id: str, request: Request) -> JSONResponse:
    run, report = await _load(request, run_id)
    return JSONResponse({"run": run, "report": report})


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(run_id: str, request: Request) -> HTMLResponse:
    run, report = await _load(request, run_id)
    title, summary, text = run.get("note") or run.get("state", ""), "", ""
    if report is not None:
        parsed = Report.model_validate(report)
        title, summary, text = rendering.title_of(parsed), rendering.summary_of(parsed), rendering.text_of(parsed)
    e = html.escape
    pr = f'· <span class="k">pull request</span> #{run["pr_number"]}' if run.get("pr_number") else ""
    return HTMLResponse(
        PAGE.format(
            repo=e(run["repo"]),
            sha=e(run["head_sha"]),
            pr=pr,
            state=e(run.get("state", "")),
            conclusion=e(str(run.get("conclusion") or "—")),
            title=e(title),
            summary=e(summary),
            text=e(text),
            run_id=e(run_id),
        )
    )
