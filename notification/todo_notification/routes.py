"""What daprd calls: the `reminders` subscription and retry job triggers."""

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import job_response, require_dapr_caller, subscriber_reply
from todo_common.events import CloudEvent
from todo_notification.deliveries import RETRY_JOB_PREFIX
from todo_notification.service import NotificationService

REMINDERS_ROUTE = "/events/reminders"

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_dapr_caller)])


def _service(request: Request) -> NotificationService:
    service: NotificationService = request.app.state.notifications
    return service


@router.post(REMINDERS_ROUTE)
async def on_reminder(request: Request, event: CloudEvent) -> dict[str, str]:
    # Idempotent: one delivery record per (event id, channel), created first-write-wins.
    with correlation_scope(event.correlationid):
        outcome = await _service(request).handle_reminder(event)
    return subscriber_reply(outcome)


@router.post("/job/{name}")
async def on_job(request: Request, name: str, body: Any = Body(None)) -> JSONResponse:
    """Dapr Jobs trigger for a delivery retry; 5xx makes the scheduler try it again."""
    if not name.startswith(RETRY_JOB_PREFIX):
        # 404 is final for the scheduler: a job we do not know is not retried.
        return JSONResponse({"detail": f"unknown job {name}"}, status_code=404)
    return job_response(await _service(request).retry(name, body))
