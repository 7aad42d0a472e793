"""Outbox durability through real Dapr: a backend killed mid-way loses and duplicates nothing."""

import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, receive_json, receive_until, ws_connect
from tests.topics import topic_events

pytestmark = [pytest.mark.e2e, pytest.mark.both_brokers]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster, pubsub: str
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp(f"outbox-crash-{pubsub}")
    database = postgres.create_database(f"outbox_crash_{pubsub}")
    with Stack(make_stack_config(tmp, database, nlu_model=False, pubsub=pubsub)) as running:
        yield running


def stream_events(stack: Stack, topic: str, task_id: str) -> list[dict[str, Any]]:
    """Every CloudEvent on `topic` (as the broker holds it) whose subject is the task."""
    return [event for event in topic_events(stack, topic) if event.get("subject") == task_id]


def restart_backend_with(stack: Stack, **env: str) -> None:
    """Restart the backend with these outbox settings (and the fixture's others)."""
    current = stack.config.app_env["backend"]
    base = {k: v for k, v in current.items() if not k.startswith("BACKEND_OUTBOX_")}
    stack.config.app_env["backend"] = {**base, **env}
    stack.restart_app("backend")


def test_event_committed_but_unpublished_is_delivered_once_after_sigkill(
    stack: Stack, tmp_path: Path
) -> None:
    user = f"crash-{uuid.uuid4().hex[:6]}"
    restart_backend_with(stack, BACKEND_OUTBOX_RELAY_ENABLED="false")
    with api_client(stack, user) as api:
        task = api.post("/api/tasks", json={"title": "survive the crash"}).json()
    assert stream_events(stack, "task-updates", task["id"]) == []  # committed, not published

    stack.kill_app("backend")  # SIGKILL
    with ws_connect(stack, user) as ws:
        restart_backend_with(stack)
        message = receive_until(ws, lambda m: m.get("type") == "task.created")
        assert message["data"]["id"] == task["id"]
        with pytest.raises(TimeoutError):
            receive_json(ws, timeout=2.0)  # and nothing more

    for topic in ("task-events", "task-updates"):
        events = eventually(partial(stream_events, stack, topic, task["id"]))
        assert len(events) == 1
        assert len({e["id"] for e in events}) == 1


def test_crash_between_publish_and_mark_sent_is_deduplicated_by_event_id(stack: Stack) -> None:
    user = f"crash2-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws:
        restart_backend_with(stack, BACKEND_OUTBOX_FAULT="crash_after_publish")
        with api_client(stack, user) as api:
            task = api.post("/api/tasks", json={"title": "published twice"}).json()
        app = stack.instances["backend"].app
        assert app is not None
        eventually(lambda: not app.is_running(), timeout=15)  # died right after publishing

        restart_backend_with(stack)
        message = receive_until(ws, lambda m: m.get("type") == "task.created")
        assert message["data"]["id"] == task["id"]
        with pytest.raises(TimeoutError):
            receive_json(ws, timeout=2.0)  # the client got it once

    on_wire = eventually(lambda: stream_events(stack, "task-events", task["id"]))
    # At least once on the wire (the first publish was never marked sent) ...
    assert len(on_wire) == 2
    # ... and exactly once for a consumer that dedupes by CloudEvent id.
    assert len({event["id"] for event in on_wire}) == 1
