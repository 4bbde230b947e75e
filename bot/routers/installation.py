"""installation and installation_repositories: recorded, nothing to evaluate."""

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.routers.intake import Intake

router = Router()


@router.register("installation")
@router.register("installation_repositories")
async def installation_changed(event: Event, intake: Intake) -> None:
    await intake.installation(event.event, event.data.get("action"), event.data)
