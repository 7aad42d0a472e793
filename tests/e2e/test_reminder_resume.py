"""A reminder that fires while none of the user's clients is connected is not lost: it is in
the user's event log with a seq (the backend's outbox), and `resume` replays it once."""

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, log_lines, receive_json, ws_connect

pytestmark = pytest.mark.e2e

Message = dict[str, Any]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster, pubsub: str
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp(f"reminder-resume-{pubsub}")
    database = postgres.create_database(f"reminder_resume_{pubsub}")
    with Stack(make_stack_config(tmp, database, nlu_model=False, pubsub=pubsub)) as running:
        yield running


def receive_all(ws: ClientConnection, seconds: float) -> list[Message]:
    """Everything that arrives within `seconds`."""
    deadline = time.monotonic() + seconds
    received: list[Message] = []
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            received.append(receive_json(ws, timeout=remaining))
        except TimeoutError:
            break
    return received


def published_reminder_id(stack: Stack, task_id: str) -> str | None:
    for line in log_lines(stack, "reminders"):
        if line.get("event") == "reminders.reminder_due_published" and line["task_id"] == task_id:
            return str(line["reminder_id"])
    return None


def fanned_out_reminder(stack: Stack, event_id: str) -> Message | None:
    lines = log_lines(stack, "websocket")
    return next(
        (
            line
            for line in lines
            if line.get("event") == "ws.event_fanned_out" and line.get("event_id") == event_id
        ),
        None,
    )


@pytest.mark.both_brokers
def test_reminder_fired_while_the_user_was_offline_is_replayed_once_on_resume(
    stack: Stack,
) -> None:
    user = f"off-{uuid.uuid4().hex[:6]}"
    remind_at = datetime.now(UTC) + timedelta(seconds=4)
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        created = api.post(
            "/api/tasks", json={"title": "call mum", "remind_at": remind_at.isoformat()}
        )
        assert created.status_code == 201, created.text
        task_id = created.json()["id"]
        first = receive_json(ws, timeout=15)
        assert (first["type"], first["data"]["id"]) == ("task.created", task_id)
        last_seq = first["seq"]
    # Offline now: the reminder fires and reaches the websocket service with no client.
    reminder_id = eventually(lambda: published_reminder_id(stack, task_id), timeout=30)
    fanned = eventually(lambda: fanned_out_reminder(stack, reminder_id), timeout=30)
    assert (fanned["type"], fanned["clients"], fanned["seq"]) == ("reminder.due", 0, last_seq + 1)

    with ws_connect(stack, user) as ws:
        ws.send(json.dumps({"type": "resume", "after_seq": last_seq}))
        received = receive_all(ws, seconds=4)

    reminders = [m for m in received if m.get("type") == "reminder.due"]
    assert len(reminders) == 1, received
    [reminder] = reminders
    assert reminder["seq"] == last_seq + 1
    assert reminder["data"]["task"]["id"] == task_id
    assert reminder["data"]["reminder_id"] == reminder_id
    assert datetime.fromisoformat(reminder["data"]["remind_at"]) == remind_at
    assert "user_id" not in reminder["data"] and "seq" not in reminder["data"]
    complete = [m for m in received if m.get("type") == "resume.complete"]
    assert complete == [{"type": "resume.complete", "data": {"last_seq": last_seq + 1}}]
