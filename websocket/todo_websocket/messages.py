"""What clients receive: `{type, seq, data, correlation_id, ts}` (see docs/api.md)."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from todo_common.events import REMINDER_DUE, CloudEvent, ReminderDueData, TaskEventData


class ServerMessage(BaseModel):
    type: str
    seq: int | None
    data: dict[str, Any]
    correlation_id: str | None
    ts: datetime = Field(default_factory=lambda: datetime.now(UTC))


def message_from_event(event: CloudEvent) -> tuple[str, ServerMessage]:
    """Return (user id, client message) for a task or reminder event."""
    if event.type == REMINDER_DUE:
        reminder = ReminderDueData.model_validate(event.data)
        data = reminder.model_dump(mode="json", exclude={"user_id", "seq"})
        return reminder.user_id, ServerMessage(
            type=event.type, seq=reminder.seq, data=data, correlation_id=event.correlationid
        )
    task_event = TaskEventData.model_validate(event.data)
    return task_event.user_id, ServerMessage(
        type=event.type,
        seq=task_event.seq,
        data=task_event.task.model_dump(mode="json"),
        correlation_id=event.correlationid,
        ts=event.time,
    )
