"""Several backend processes on one PostgreSQL: one outbox relay at a time (advisory lock),
woken by PostgreSQL NOTIFY whichever process committed the change."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, receive_until, ws_connect
from todo_backend.outbox.models import OUTBOX_TABLE
from todo_common.events import (
    TASK_UPDATES_TOPIC,
    CloudEvent,
    TaskEventData,
    TaskEventType,
    TaskSnapshot,
)

pytestmark = pytest.mark.e2e

CHANGES = 30


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("workers")
    config = make_stack_config(
        tmp,
        postgres.create_database(f"workers_{uuid.uuid4().hex[:8]}"),
        nlu_model=False,
        # A poll far beyond the test's patience: only a NOTIFY can wake the relay in time.
        app_env={"backend": {"BACKEND_OUTBOX_POLL_SECONDS": "120"}},
        backend_workers=2,
        services=("backend", "websocket"),
    )
    with Stack(config) as running:
        yield running


def test_changes_from_every_worker_arrive_in_order_without_waiting_for_a_poll(
    stack: Stack,
) -> None:
    user = f"workers-{uuid.uuid4().hex[:6]}"
    # A new connection per request, so that both workers take some of them.
    with ws_connect(stack, user) as ws, api_client(stack, user, Connection="close") as api:
        for i in range(CHANGES):
            assert api.post("/api/tasks", json={"title": f"task {i}"}).status_code == 201
        received: list[int] = []
        while len(received) < CHANGES:
            message = receive_until(ws, lambda m: m.get("type") == "task.created", timeout=20)
            received.append(message["seq"])

    assert received == list(range(1, CHANGES + 1))


async def insert_outbox_row(database_url: str, event: CloudEvent, user_id: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            row = {
                "event_id": event.id,
                "topic": TASK_UPDATES_TOPIC,
                "payload": event.model_dump_json(exclude_none=True),
                "user_id": user_id,
                "seq": 1,
                "created_at": event.time,
                "next_attempt_at": event.time,
                "attempts": 0,
            }
            await connection.execute(insert(OUTBOX_TABLE), row)
    finally:
        await engine.dispose()


def test_an_event_committed_by_another_process_is_relayed_without_a_poll(stack: Stack) -> None:
    """As if another replica committed it: nothing in the backend's processes wakes their
    relays except PostgreSQL's NOTIFY (the poll is two minutes away)."""
    user = f"elsewhere-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    task = TaskSnapshot(
        id=str(uuid.uuid4()), title="from another replica", completed=False, priority="low",
        tags=[], due_at=None, remind_at=None, completed_at=None, created_at=now,
        updated_at=now, recurrence=None,
    )  # fmt: skip
    event = CloudEvent(
        source="todo-chatbot/backend",
        type=TaskEventType.CREATED,
        subject=task.id,
        time=now,
        data=TaskEventData(user_id=user, seq=1, task=task).model_dump(mode="json"),
    )
    with ws_connect(stack, user) as ws:
        asyncio.run(insert_outbox_row(stack.config.database_url, event, user))
        message = receive_until(ws, lambda m: m.get("type") == "task.created", timeout=20)

    assert message["data"]["id"] == task.id
