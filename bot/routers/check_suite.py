"""check_suite: GitHub asks for checks on a pushed commit (fork PRs included) or a re-run."""

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.events import from_check_suite
from bot.routers.intake import Intake

router = Router()


@router.register("check_suite", action="requested")
async def suite_requested(event: Event, intake: Intake) -> None:
    await intake.evaluate(from_check_suite(event.data, event.delivery_id, rerun=False))


@router.register("check_suite", action="rerequested")
async def suite_rerequested(event: Event, intake: Intake) -> None:
    await intake.evaluate(from_check_suite(event.data, event.delivery_id, rerun=True))
