"""Writing events into the outbox, inside the caller's transaction (the caller commits).

A domain calls `next_seq` for the user's next event number, builds its CloudEvent with
it, then `append` writes one row per topic. The outbox knows nothing of any domain.
"""

from collections.abc import Sequence
from functools import cache

from sqlalchemy import bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import col

from todo_backend.db import utcnow
from todo_backend.outbox.models import OUTBOX_TABLE, UserSequence
from todo_common.events import CloudEvent


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


def outbox_rows(
    event: CloudEvent, *, topics: Sequence[str], user_id: str, seq: int
) -> list[dict[str, object]]:
    """The rows that publish `event` once on each topic (the relay sends them in order)."""
    payload = event.model_dump_json(exclude_none=True)
    now = utcnow()
    return [
        {
            "event_id": event.id,
            "topic": topic,
            "payload": payload,
            "user_id": user_id,
            "seq": seq,
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for topic in topics
    ]


async def append(
    session: AsyncSession, event: CloudEvent, *, topics: Sequence[str], user_id: str, seq: int
) -> None:
    """Add the event to the outbox for each topic, in the caller's transaction."""
    await session.execute(
        insert(OUTBOX_TABLE), outbox_rows(event, topics=topics, user_id=user_id, seq=seq)
    )
