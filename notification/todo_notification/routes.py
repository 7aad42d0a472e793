"""What daprd calls: the `reminders` subscription and retry job triggers."""

from fastapi import APIRouter, Request

from todo_common.dapr.app import job_router, topic_router
from todo_notification.deliveries import RETRY_JOB_PREFIX
from todo_notification.service import NotificationService

REMINDERS_ROUTE = "/events/reminders"


def _service(request: Request) -> NotificationService:
    service: NotificationService = request.app.state.notifications
    return service


router = APIRouter()
# Idempotent: one delivery record per (event id, channel), created first-write-wins.
router.include_router(
    topic_router(REMINDERS_ROUTE, lambda request, event: _service(request).handle_reminder(event))
)
router.include_router(  # delivery retries
    job_router(
        lambda request, name, data: _service(request).retry(name, data), prefix=RETRY_JOB_PREFIX
    )
)
