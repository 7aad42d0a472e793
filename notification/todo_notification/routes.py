"""What daprd calls: the `reminders` subscription and retry job triggers."""

from typing import Any

from fastapi import APIRouter, Request

from todo_common.dapr.app import Outcome, job_router, topic_router
from todo_common.events import CloudEvent
from todo_notification.deliveries import RETRY_JOB_PREFIX
from todo_notification.service import NotificationService

REMINDERS_ROUTE = "/events/reminders"


def _service(request: Request) -> NotificationService:
    service: NotificationService = request.app.state.notifications
    return service


async def _deliver(request: Request, event: CloudEvent) -> Outcome:
    # Idempotent: one delivery record per (event id, channel), created first-write-wins.
    return await _service(request).handle_reminder(event)


async def _retry(request: Request, name: str, data: Any) -> Outcome:
    return await _service(request).retry(name, data)


router = APIRouter()
router.include_router(topic_router(REMINDERS_ROUTE, _deliver))
router.include_router(job_router(_retry, prefix=RETRY_JOB_PREFIX))  # delivery retries
