"""Each user's recent events, read back from the outbox (for WebSocket resume)."""

from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from todo_backend.db import utcnow
from todo_backend.outbox.models import OutboxEvent, UserSequence
from todo_common.events import TASK_UPDATES_TOPIC, CloudEvent, EventLogPage


async def read_event_log(
    session: AsyncSession, *, user_id: str, after_seq: int, limit: int
) -> EventLogPage:
    user_rows = (col(OutboxEvent.user_id) == user_id, col(OutboxEvent.topic) == TASK_UPDATES_TOPIC)
    rows = (
        await session.execute(
            select(col(OutboxEvent.payload))
            .where(*user_rows, col(OutboxEvent.seq) > after_seq)
            .order_by(col(OutboxEvent.seq))
            .limit(limit)
        )
    ).scalars()
    oldest = (
        await session.execute(select(func.min(col(OutboxEvent.seq))).where(*user_rows))
    ).scalar()
    latest = (
        await session.execute(
            select(col(UserSequence.last_seq)).where(col(UserSequence.user_id) == user_id)
        )
    ).scalar()
    return EventLogPage(
        events=[CloudEvent.model_validate_json(payload) for payload in rows],
        oldest_seq=oldest,
        latest_seq=latest or 0,
    )


async def prune_event_log(session: AsyncSession, *, retention: timedelta) -> int:
    """Delete published rows older than the retention window; returns how many."""
    result = await session.execute(
        delete(OutboxEvent).where(
            col(OutboxEvent.published_at).is_not(None),
            col(OutboxEvent.published_at) < utcnow() - retention,
        )
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
