"""In-app reminders join the user's event log: notification hands each `reminder.due` to
the backend, which gives it the user's next `seq` and publishes it on `task-updates`
through the outbox, so a client that was away gets it on resume like any task event."""

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from todo_backend.outbox import writer
from todo_backend.outbox.models import OutboxEvent
from todo_common.events import TASK_UPDATES_TOPIC, CloudEvent, ReminderDueData


class ReminderLogged(BaseModel):
    seq: int
    duplicate: bool = False


async def _logged_seq(session: AsyncSession, event_id: str) -> int | None:
    return (
        await session.execute(
            select(col(OutboxEvent.seq)).where(
                col(OutboxEvent.event_id) == event_id,
                col(OutboxEvent.topic) == TASK_UPDATES_TOPIC,
            )
        )
    ).scalar()


async def log_reminder(
    session: AsyncSession, event: CloudEvent, reminder: ReminderDueData
) -> ReminderLogged:
    """Append the reminder once per event id (a redelivery gets the first one's seq)."""
    # Taking the seq first locks the user's sequence row until commit, so two concurrent
    # deliveries of one reminder are serialised and the second sees the first's row.
    seq = await writer.next_seq(session, user_id=reminder.user_id)
    existing = await _logged_seq(session, event.id)
    if existing is not None:
        await session.rollback()  # hands the seq back: no hole in the user's log
        return ReminderLogged(seq=existing, duplicate=True)
    data = reminder.model_copy(update={"seq": seq}).model_dump(mode="json")
    logged = event.model_copy(update={"data": data})
    await writer.append(
        session, logged, topics=(TASK_UPDATES_TOPIC,), user_id=reminder.user_id, seq=seq
    )
    await session.commit()
    return ReminderLogged(seq=seq)
