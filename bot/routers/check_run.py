"""check_run: "Re-run" from the checks tab, or the Re-run button (requested_action) on our run."""

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.checkrun import RERUN_ACTION
from bot.events import from_check_run
from bot.routers.intake import Intake

router = Router()


def _ours(event: Event, intake: Intake) -> bool:
    run = event.data.get("check_run")
    return isinstance(run, dict) and run.get("name") == intake.ctx.settings.check_name


@router.register("check_run", action="rerequested")
async def run_rerequested(event: Event, intake: Intake) -> None:
    if _ours(event, intake):
        await intake.evaluate(from_check_run(event.data, event.delivery_id))


@router.register("check_run", action="requested_action")
async def run_requested_action(event: Event, intake: Intake) -> None:
    action = event.data.get("requested_action") or {}
    if _ours(event, intake) and action.get("identifier") == RERUN_ACTION["identifier"]:
        await intake.evaluate(from_check_run(event.data, event.delivery_id))
