"""GET /healthz and GET /metrics."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter()


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    ctx = request.app.state.ctx
    queue = "redis" if ctx.settings.redis_url else "in-process"
    return JSONResponse({"status": "ok", "queue": queue})


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
