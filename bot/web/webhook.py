"""POST /webhook: verify, parse, route, queue; answer within milliseconds.

Signature first (401 when missing or wrong), then shape (400 when the body
is not a JSON object or lacks what the event's handler needs), then the
delivery id claim so a redelivered delivery is acknowledged but not redone.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from gidgethub.sansio import Event

from bot import signature
from bot.context import AppContext
from bot.events import MalformedPayload
from bot.metrics import WEBHOOKS
from bot.routers import router as event_router
from bot.routers.intake import Intake
from bot.store import DELIVERY_TTL_S

log = logging.getLogger(__name__)
router = APIRouter()


def _answer(status: int, event: str, outcome: str, **body: object) -> JSONResponse:
    WEBHOOKS.labels(event=event or "-", outcome=outcome).inc()
    return JSONResponse({"outcome": outcome, **body}, status_code=status)


@router.post("/webhook")
async def webhook(request: Request) -> JSONResponse:
    ctx: AppContext = request.app.state.ctx
    body = await request.body()
    event = request.headers.get("x-github-event", "")
    if not signature.verify(
        body, request.headers.get("x-hub-signature-256"), ctx.settings.webhook_secret.get_secret_value()
    ):
        return _answer(401, event, "bad_signature")
    delivery = request.headers.get("x-github-delivery", "")
    if not event or not delivery:
        return _answer(400, event, "malformed", detail="X-GitHub-Event and X-GitHub-Delivery are required")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _answer(400, event, "malformed", detail="body is not JSON")
    if not isinstance(data, dict):
        return _answer(400, event, "malformed", detail="body is not a JSON object")
    if not await ctx.store.claim(f"delivery:{delivery}", DELIVERY_TTL_S):
        return _answer(200, event, "duplicate", delivery=delivery)
    intake = Intake(ctx)
    try:
        await event_router.dispatch(Event(data, event=event, delivery_id=delivery), intake)
    except MalformedPayload as exc:
        await ctx.store.release(f"delivery:{delivery}")
        return _answer(400, event, "malformed", detail=str(exc))
    except Exception:
        await ctx.store.release(f"delivery:{delivery}")  # let GitHub's redelivery try again
        log.exception("delivery %s (%s) could not be queued", delivery, event)
        return _answer(500, event, "error")
    outcome = "queued" if intake.queued else "ignored"
    return _answer(202 if intake.queued else 200, event, outcome, delivery=delivery, jobs=intake.queued)
