"""What daprd calls: the `task-events` subscription and reminder job triggers."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import Outcome, job_router, require_dapr_caller, subscriber_reply
from todo_common.events import CloudEvent
from todo_reminders.service import ReminderService

TASK_EVENTS_ROUTE = "/events/task-events"
# Every task event except the creation of a task without a reminder (most tasks), which
# ReminderService would ignore anyway: daprd drops those before they reach the app.
TASK_EVENTS_WANTED = 'event.type != "task.created" || event.data.task.remind_at != null'

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_dapr_caller)])


def _service(request: Request) -> ReminderService:
    service: ReminderService = request.app.state.reminders
    return service


@router.post(TASK_EVENTS_ROUTE)
async def on_task_event(request: Request, event: CloudEvent) -> dict[str, str]:
    # Idempotent: per-task `seq` orders changes; jobs are overwritten, occurrences keyed.
    with correlation_scope(event.correlationid):
        outcome = await _service(request).handle_task_event(event)
    return subscriber_reply(outcome)


async def _fire(request: Request, name: str, data: Any) -> Outcome:
    return await _service(request).fire(name, data)


router.include_router(job_router(_fire))  # reminder-<task id> jobs
