"""What the task domain publishes: one CloudEvent per change, into the outbox."""

from functools import cache

from sqlalchemy import bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import col

from todo_backend.db import utcnow
from todo_backend.outbox.models import OUTBOX_TABLE
from todo_backend.tasks.models import Task, UserSequence
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


@cache
def _next_seq_statement(dialect: str) -> ReturningInsert[int]:
    upsert_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        upsert_insert(UserSequence)
        .values(user_id=bindparam("user_id"), last_seq=1)
        .on_conflict_do_update(
            index_elements=["user_id"], set_={"last_seq": UserSequence.last_seq + 1}
        )
        .returning(col(UserSequence.last_seq))
    )


async def next_seq(session: AsyncSession, *, user_id: str) -> int:
    """Atomically take the user's next event sequence number inside the current transaction."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    result = await session.execute(_next_seq_statement(dialect), {"user_id": user_id})
    return int(result.scalar_one())


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
        seq=await next_seq(session, user_id=task.owner_id),
        task=task_snapshot(task),
        changed_fields=changed_fields or [],
        occurrence_key=task.occurrence_key,
    )
    event = new_event(
        source=EVENT_SOURCE, type=event_type, subject=task.id, data=data.model_dump(mode="json")
    )
    payload = event.model_dump_json(exclude_none=True)
    now = utcnow()
    rows = [
        {
            "event_id": event.id,
            "topic": topic,
            "payload": payload,
            "user_id": data.user_id,
            "seq": data.seq,
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for topic in TOPICS
    ]
    await session.execute(insert(OUTBOX_TABLE), rows)
    return event
