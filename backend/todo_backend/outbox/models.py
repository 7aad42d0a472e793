from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from todo_backend.db import UTCDateTime, utcnow
from todo_common.events import USER_ID_MAX_LENGTH


class OutboxEvent(SQLModel, table=True):
    """One publication: an event bound for one topic.

    The row is inserted in the same transaction as the change it describes, so an
    event exists if and only if the change committed.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (
        Index("ix_outbox_pending", "published_at", "next_attempt_at", "id"),
        Index("ix_outbox_user_log", "user_id", "topic", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, index=True)
    topic: str = Field(max_length=64)
    # Published rows are kept for a while as each user's event log (websocket resume).
    user_id: str | None = Field(default=None, max_length=128)
    seq: int | None = None
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)


class UserSequence(SQLModel, table=True):
    """The last event `seq` handed out per user (events are ordered per user)."""

    __tablename__ = "user_sequence"

    user_id: str = Field(primary_key=True, max_length=USER_ID_MAX_LENGTH)
    last_seq: int = 0


OUTBOX_TABLE = SQLModel.metadata.tables["outbox_event"]
