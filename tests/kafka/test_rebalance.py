"""A consumer-group rebalance on Kafka loses nothing, and what it redelivers is deduplicated.

Two reminders replicas share the `reminders` group (the partitions of `task-events` split
between them; the relay keys each event by user id, so the users spread over partitions).
One replica is killed with SIGKILL while tasks with reminders are being created: what it
had received but not committed is redelivered to the survivor once the broker has
rebalanced the group, and every reminder must still reach its user exactly once.
"""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from devstack.infra import PostgresCluster
from devstack.kafka import admin_client, assigned_topics
from devstack.ports import free_port, free_sidecar_ports
from devstack.stack import Instance, Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, log_lines, ws_connect

pytestmark = pytest.mark.e2e

USERS = 8
TASKS_PER_USER = 3


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp("kafka-rebalance"),
        postgres.create_database("kafka_rebalance"),
        nlu_model=False,
        pubsub="kafka",
    )
    config.app_env["reminders"] = {"REMINDERS_JOB_RETRY_INTERVAL_SECONDS": "1"}
    running = Stack(config)
    # A second replica of reminders: the same app id, so the same consumer group.
    running.instances["reminders-2"] = Instance(
        "reminders-2", "reminders", free_port(), free_sidecar_ports()
    )
    with running:
        yield running


def members_with_partitions(stack: Stack) -> int:
    admin = admin_client(f"127.0.0.1:{stack.config.kafka_ports.broker}")
    try:
        group = admin.describe_groups(["reminders"])["reminders"]
    finally:
        admin.close()
    if "task-events" not in assigned_topics(group):
        return 0
    return sum(
        1
        for member in group["members"]
        if any(a["partitions"] for a in member["member_assignment"]["assigned_partitions"])
    )


def collect(ws: ClientConnection, into: list[dict[str, Any]], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            into.append(json.loads(ws.recv(timeout=0.5)))
        except TimeoutError:
            continue


def test_killing_one_of_two_consumers_mid_stream_loses_and_duplicates_no_reminder(
    stack: Stack,
) -> None:
    assert eventually(lambda: members_with_partitions(stack) == 2, timeout=30)
    users = [f"rebalance-{uuid.uuid4().hex[:6]}-{i}" for i in range(USERS)]
    sockets = [ws_connect(stack, user) for user in users]
    received: dict[str, list[dict[str, Any]]] = {user: [] for user in users}
    stop = threading.Event()
    threads = [
        threading.Thread(target=collect, args=(ws, received[user], stop), daemon=True)
        for user, ws in zip(users, sockets, strict=True)
    ]
    for thread in threads:
        thread.start()
    # Due after the group has rebalanced (the dead member's session times out first).
    remind_at = (datetime.now(UTC) + timedelta(seconds=25)).isoformat()
    tasks: dict[str, str] = {}
    try:
        for round_ in range(TASKS_PER_USER):
            if round_ == 1:
                stack.kill_instance("reminders-2")  # SIGKILL app and sidecar, mid-stream
            for user in users:
                with api_client(stack, user) as api:
                    response = api.post(
                        "/api/tasks", json={"title": f"r{round_}", "remind_at": remind_at}
                    )
                    assert response.status_code == 201, response.text
                    tasks[response.json()["id"]] = user

        def reminded() -> dict[str, int]:
            counts = dict.fromkeys(tasks, 0)
            for messages in received.values():
                for message in messages:
                    if message.get("type") == "reminder.due":
                        task_id = message["data"]["task"]["id"]
                        counts[task_id] = counts.get(task_id, 0) + 1
            return counts

        eventually(lambda: all(reminded().values()), timeout=90, interval=0.5)
        time.sleep(3.0)  # a late duplicate would arrive now
        counts = reminded()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        for ws in sockets:
            ws.close()

    assert len(tasks) == USERS * TASKS_PER_USER
    assert counts == dict.fromkeys(tasks, 1)
    for user in users:
        reminders = [m for m in received[user] if m.get("type") == "reminder.due"]
        assert {m["data"]["task"]["id"] for m in reminders} == {
            t for t, owner in tasks.items() if owner == user
        }
    assert members_with_partitions(stack) == 1  # the survivor took every partition
    handled = {
        name: [
            line["task_id"]
            for line in log_lines(stack, name)
            if line.get("event") == "reminders.task_tracked"
        ]
        for name in ("reminders", "reminders-2")
    }
    twice = set(handled["reminders"]) & set(handled["reminders-2"])
    print(
        f"task.created handled: {len(handled['reminders-2'])} by reminders-2 before it died, "
        f"{len(handled['reminders'])} by the survivor; {len(twice)} by both (redelivered "
        "after the rebalance, deduplicated)"
    )
