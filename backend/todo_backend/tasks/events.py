"""What the task domain publishes: one CloudEvent per change, into the outbox."""

from sqlalchemy.ext.asyncio import AsyncSession

from todo_backend.outbox import writer
from todo_backend.tasks.models import Task
from todo_backend.tasks.schemas import TaskPublic
from todo_common.events import (
    TASK_EVENTS_TOPIC,
    TASK_UPDATES_TOPIC,
    CloudEvent,
    TaskEventData,
    TaskEventType,
    TaskSnapshot,
    new_event,
)

EVENT_SOURCE = "todo-chatbot/backend"
# Domain consumers (reminders) read task-events; clients' sync (websocket) reads task-updates.
TOPICS = (TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC)


def task_snapshot(task: Task) -> TaskSnapshot:
    return TaskSnapshot.model_validate(TaskPublic.model_validate(task), from_attributes=True)


async def record_task_event(
    session: AsyncSession,
    *,
    event_type: TaskEventType,
    task: Task,
    changed_fields: list[str] | None = None,
) -> CloudEvent:
    """Add the event to the outbox, in the caller's transaction; the caller commits."""
    data = TaskEventData(
        user_id=task.owner_id,
        seq=await writer.next_seq(session, user_id=task.owner_id),
        task=task_snapshot(task),
        changed_fields=changed_fields or [],
        occurrence_key=task.occurrence_key,
    )
    event = new_event(
        source=EVENT_SOURCE, type=event_type, subject=task.id, data=data.model_dump(mode="json")
    )
    await writer.append(session, event, topics=TOPICS, user_id=data.user_id, seq=data.seq)
    return event
