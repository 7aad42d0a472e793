from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import ValidationError

from todo_backend.deps import SessionDep, StateDep
from todo_backend.outbox.event_log import read_event_log
from todo_backend.outbox.reminder_events import ReminderLogged, log_reminder
from todo_common.dapr.app import require_dapr_caller
from todo_common.errors import InvalidInputError
from todo_common.events import REMINDER_DUE, CloudEvent, EventLogPage, ReminderDueData

# Sidecar-only (websocket resume, notification's in-app reminders; service invocation):
# not in the public OpenAPI.
router = APIRouter(
    prefix="/internal",
    tags=["internal"],
    dependencies=[Depends(require_dapr_caller)],
    include_in_schema=False,
)


@router.get("/users/{user_id}/events", response_model=EventLogPage)
async def user_event_log(
    session: SessionDep,
    user_id: str,
    after_seq: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> EventLogPage:
    """The user's `task-updates` events after `after_seq`, in order (websocket resume)."""
    return await read_event_log(session, user_id=user_id, after_seq=after_seq, limit=limit)


@router.post("/users/{user_id}/reminders", response_model=ReminderLogged)
async def log_in_app_reminder(
    state: StateDep, session: SessionDep, user_id: str, event: CloudEvent
) -> ReminderLogged:
    """Put a `reminder.due` into the user's event log with their next seq (notification's
    in-app channel); idempotent on the event id."""
    if event.type != REMINDER_DUE:
        raise InvalidInputError(f"expected a {REMINDER_DUE} event, got {event.type!r}")
    try:
        reminder = ReminderDueData.model_validate(event.data)
    except ValidationError as exc:
        raise InvalidInputError(f"invalid reminder data: {exc.errors()[0]['msg']}") from exc
    if reminder.user_id != user_id:
        raise InvalidInputError("the reminder is for another user")
    logged = await log_reminder(session, event, reminder)
    if not logged.duplicate:
        state.relay.wake()
    return logged
