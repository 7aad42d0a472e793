"""Event contracts: CloudEvents 1.0 envelopes and their `data` payloads.

These pydantic models are the single source of the JSON Schemas in `docs/events/`
(`python -m todo_common.events` rewrites them), so a service in another language can
produce or consume any topic from the schema alone.
"""

import json
import sys
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from todo_common.correlation import current_correlation_id
from todo_common.telemetry import trace_headers

TASK_EVENTS_TOPIC = "task-events"
TASK_UPDATES_TOPIC = "task-updates"
REMINDERS_TOPIC = "reminders"


class TaskEventType(StrEnum):
    CREATED = "task.created"
    UPDATED = "task.updated"
    COMPLETED = "task.completed"
    DELETED = "task.deleted"


REMINDER_DUE = "reminder.due"


# The contract's limits on a task's fields (docs/api.md), in one place: the REST schemas
# refuse more and the table's columns are sized to them, so every TaskSnapshot is within.
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
TAG_MAX_LENGTH = 32
MAX_TAGS = 20
RECURRENCE_MAX_LENGTH = 500
USER_ID_MAX_LENGTH = 128
OCCURRENCE_KEY_MAX_LENGTH = 200


class TaskSnapshot(BaseModel):
    """The task as the REST API shows it (contract's Task JSON)."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    description: str | None = None
    completed: bool
    priority: Literal["low", "medium", "high"]
    tags: list[str]
    due_at: datetime | None
    remind_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    recurrence: str | None


class TaskEventData(BaseModel):
    """`data` of every `task.*` event on `task-events` and `task-updates`."""

    user_id: str
    seq: int = Field(ge=1, description="Increasing per user, assigned by the backend")
    task: TaskSnapshot
    changed_fields: list[str] = Field(default_factory=list)
    occurrence_key: str | None = Field(
        None, description="Set on a task created as the next occurrence of a recurring task"
    )


class ReminderDueData(BaseModel):
    """`data` of `reminder.due` events on `reminders` and, for clients, `task-updates`."""

    user_id: str
    task: TaskSnapshot
    remind_at: datetime
    reminder_id: str = Field(description="Stable per (task, remind_at): the dedupe key")
    seq: int | None = Field(
        None,
        ge=1,
        description="The user's event seq, set on `task-updates` by the backend's outbox "
        "(none on `reminders`)",
    )


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 structured-mode envelope with our extension attributes."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = Field(None, description="The X-Correlation-ID that caused it")
    traceparent: str | None = None
    data: dict[str, Any]


class EventLogPage(BaseModel):
    """A page of one user's `task-updates` events after a seq, read back from the backend's
    outbox (`GET /internal/users/{user_id}/events`): how a reconnecting client resumes."""

    events: list[CloudEvent]
    oldest_seq: int | None = Field(description="The oldest seq still kept; None: no events")
    latest_seq: int = Field(description="The user's latest assigned seq (0: none yet)")


def new_event(
    *,
    source: str,
    type: str,
    data: dict[str, Any],
    subject: str | None = None,
    id: str | None = None,
) -> CloudEvent:
    """An event caused by the work in hand: it carries the current correlation id and
    trace context, so consumers continue both. `id` only when it must be deterministic
    (a retried trigger publishing the same event again)."""
    return CloudEvent(
        **({"id": id} if id else {}),
        source=source,
        type=type,
        subject=subject,
        data=data,
        correlationid=current_correlation_id(),
        traceparent=trace_headers().get("traceparent"),
    )


EVENT_SCHEMAS: dict[str, type[BaseModel]] = {
    "cloudevent": CloudEvent,
    "task-event-data": TaskEventData,
    "reminder-due-data": ReminderDueData,
}


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schemas(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, model in EVENT_SCHEMAS.items():
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(json_schema(model), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/events"))
