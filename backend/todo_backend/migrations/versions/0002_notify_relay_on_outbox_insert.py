"""notify the outbox relays when events are committed (PostgreSQL only)

Every replica's relay LISTENs on `outbox_event`; the one holding the relay lock then
publishes at once, whichever replica committed the change. SQLite runs in one process,
whose relay is woken in-process, so it gets nothing here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION outbox_event_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('outbox_event', '');
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_notify()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event")
    op.execute("DROP FUNCTION IF EXISTS outbox_event_notify()")
