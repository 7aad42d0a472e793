"""What daprd calls: the `reminders` subscription and retry job triggers."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import Outcome, job_router, require_dapr_caller, subscriber_reply
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


async def _retry(request: Request, name: str, data: Any) -> Outcome:
    return await _service(request).retry(name, data)


router.include_router(job_router(_retry, prefix=RETRY_JOB_PREFIX))  # delivery retries
