"""check_run: "Re-run" from the checks tab, or our buttons (requested_action): Re-run and Re-run strict.

A monorepo's check runs are named `decaycheck / NAME`: re-running one
re-evaluates that app alone.
"""

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.checkrun import RERUN_ACTION, RERUN_STRICT_ACTION
from bot.events import from_check_run
from bot.routers.intake import Intake

router = Router()


def _ours(event: Event, intake: Intake) -> tuple[bool, str | None]:
    """Whether the check run is one of ours, and which app it is for (None: the repository's one check)."""
    run = event.data.get("check_run")
    name = run.get("name") if isinstance(run, dict) else None
    base = intake.ctx.settings.check_name
    if name == base:
        return True, None
    if isinstance(name, str) and name.startswith(f"{base} / ") and len(name) > len(base) + 3:
        return True, name[len(base) + 3 :]
    return False, None


@router.register("check_run", action="rerequested")
async def run_rerequested(event: Event, intake: Intake) -> None:
    ours, app = _ours(event, intake)
    if ours:
        await intake.evaluate(from_check_run(event.data, event.delivery_id, app=app))


@router.register("check_run", action="requested_action")
async def run_requested_action(event: Event, intake: Intake) -> None:
    action = (event.data.get("requested_action") or {}).get("identifier")
    ours, app = _ours(event, intake)
    if ours and action in (RERUN_ACTION["identifier"], RERUN_STRICT_ACTION["identifier"]):
        strict = action == RERUN_STRICT_ACTION["identifier"]
        await intake.evaluate(from_check_run(event.data, event.delivery_id, app=app, strict=strict))
