"""What daprd calls: the `task-events` subscription and reminder job triggers."""

from typing import Any

from fastapi import APIRouter, Request

from todo_common.dapr.app import Outcome, job_router, topic_router
from todo_common.events import CloudEvent
from todo_reminders.service import ReminderService

TASK_EVENTS_ROUTE = "/events/task-events"
# Every task event except the creation of a task without a reminder (most tasks), which
# ReminderService would ignore anyway: daprd drops those before they reach the app.
TASK_EVENTS_WANTED = 'event.type != "task.created" || event.data.task.remind_at != null'


def _service(request: Request) -> ReminderService:
    service: ReminderService = request.app.state.reminders
    return service


async def _track(request: Request, event: CloudEvent) -> Outcome:
    # Idempotent: per-task `seq` orders changes; jobs are overwritten, occurrences keyed.
    return await _service(request).handle_task_event(event)


async def _fire(request: Request, name: str, data: Any) -> Outcome:
    return await _service(request).fire(name, data)


router = APIRouter()
router.include_router(topic_router(TASK_EVENTS_ROUTE, _track))
router.include_router(job_router(_fire))  # reminder-<task id> jobs
