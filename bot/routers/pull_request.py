"""pull_request: evaluate the head of a PR when it opens or changes."""

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.events import from_pull_request
from bot.routers.intake import Intake

router = Router()


@router.register("pull_request", action="opened")
@router.register("pull_request", action="synchronize")
@router.register("pull_request", action="reopened")
@router.register("pull_request", action="ready_for_review")
async def evaluate_head(event: Event, intake: Intake) -> None:
    await intake.evaluate(from_pull_request(event.data, event.delivery_id))
