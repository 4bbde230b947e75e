"""GET /runs/{id} (the check run's details_url) and /runs/{id}.json.

The page is `checks.render.html.details_page` over the run's report; it is
served with its Content-Security-Policy (no script at all) and headers that
keep browsers from sniffing, framing or leaking the URL onward.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from checks.render.html import Page, content_security_policy, details_page
from checks.report import Report

router = APIRouter()


def page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


async def _load(request: Request, run_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    store = request.app.state.ctx.store
    run = await store.get_run(run_id)
    if run is None:
        raise HTTPException(404, "no such run")
    return run, await store.get_report(run_id)


@router.get("/runs/{run_id}.json")
async def run_json(run_id: str, request: Request) -> JSONResponse:
    run, report = await _load(request, run_id)
    return JSONResponse({"run": run, "report": report}, headers={"X-Content-Type-Options": "nosniff"})


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(run_id: str, request: Request) -> HTMLResponse:
    run, report = await _load(request, run_id)
    settings = request.app.state.ctx.settings
    sha = str(run.get("head_sha", ""))
    page = Page(
        repo=str(run.get("repo", "")),
        sha=sha,
        state=str(run.get("state", "")),
        conclusion=str(run.get("conclusion") or "—"),
        pr_number=run["pr_number"] if isinstance(run.get("pr_number"), int) else None,
        check_name=str(run.get("check_name") or ""),
        note=str(run.get("note") or ""),
        blob_url=f"{settings.web_url}/{run.get('repo', '')}/blob/{sha}",
        json_href=f"{run_id}.json",
    )
    parsed = Report.model_validate(report) if report is not None else None
    return HTMLResponse(details_page(page, parsed), headers=page_headers())
