"""scripts/replay_deadletters.py: a reminder in the dead-letter topic, replayed, reaches
the user's WebSocket client, and leaves the dead-letter stream."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import redis

from devstack.stack import Stack
from tests.harness import api_client, receive_until, ws_connect
from tests.observability.tools import REPO_ROOT
from todo_common.events import REMINDER_DUE, CloudEvent, ReminderDueData, TaskSnapshot

DEAD_LETTERS = "reminders-deadletter"


@pytest.mark.e2e
def test_a_replayed_dead_letter_is_delivered_once_and_removed(system: Stack) -> None:
    client = redis.Redis(port=system.config.ports.redis)
    with (
        ws_connect(system, "dead-letter-user") as ws,
        api_client(system, "dead-letter-user") as api,
    ):
        task = api.post("/api/tasks", json={"title": "replay me"}).json()
        due = ReminderDueData(
            user_id="dead-letter-user",
            task=TaskSnapshot.model_validate(task),
            remind_at=datetime.now(UTC),
            reminder_id=f"replay-{uuid.uuid4().hex}",
        )
        event = CloudEvent(source="reminders", type=REMINDER_DUE, data=due.model_dump(mode="json"))
        sidecar = f"http://127.0.0.1:{system.instances['backend'].sidecar.http}"
        before = client.xlen(DEAD_LETTERS)
        published = httpx.post(
            f"{sidecar}/v1.0/publish/pubsub/{DEAD_LETTERS}",
            content=event.model_dump_json(),
            headers={"Content-Type": "application/cloudevents+json"},
        )
        assert published.status_code == 204, published.text
        assert client.xlen(DEAD_LETTERS) == before + 1

        def run(mode: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "scripts/replay_deadletters.py", mode,
                 "--redis-url", f"redis://127.0.0.1:{system.config.ports.redis}/0",
                 "--dapr-url", sidecar],
                cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip

        listed = run("--list")
        assert listed.returncode == 0, listed.stderr
        assert event.id in listed.stdout and client.xlen(DEAD_LETTERS) == before + 1

        replayed = run("--replay")
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        message = receive_until(
            ws, lambda m: m["type"] == "reminder.due" and m["data"]["task"]["id"] == task["id"]
        )
        assert message["data"]["reminder_id"] == due.reminder_id
        assert client.xlen(DEAD_LETTERS) == before
