"""One gidgethub router per event family; `router` combines them for the webhook.

Handlers stay thin: they turn a payload into an `EvaluationRequest` (or a
record) and hand it to the `Intake`, which queues it.
"""

from gidgethub.routing import Router

from bot.routers import check_run, check_suite, installation, pull_request

router = Router(pull_request.router, check_suite.router, check_run.router, installation.router)

__all__ = ["router"]
