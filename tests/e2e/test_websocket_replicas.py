"""Fan-out across two websocket replicas and lossless resume, through real daprd, on Redis
Streams and on Kafka (a consumer group per replica on both)."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, assert_silent, receive_until, ws_connect

pytestmark = [pytest.mark.e2e, pytest.mark.both_brokers]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster, pubsub: str
) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp(f"replicas-{pubsub}"),
        postgres.create_database(f"replicas_{pubsub}"),
        services=("backend", "websocket"),
        websocket_replicas=2,
        nlu_model=False,
        pubsub=pubsub,
    )
    with Stack(config) as running:
        yield running


def new_user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


def create_tasks(stack: Stack, user: str, count: int) -> list[dict[str, Any]]:
    with api_client(stack, user) as api:
        return [api.post("/api/tasks", json={"title": f"task {i}"}).json() for i in range(count)]


def task_messages(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [receive_until(ws, lambda m: m["type"].startswith("task.")) for _ in range(count)]


def test_users_only_receive_their_own_updates(stack: Stack) -> None:
    alice, bob = new_user(), new_user()
    with ws_connect(stack, alice) as alice_ws, ws_connect(stack, bob, "websocket-2") as bob_ws:
        created = create_tasks(stack, alice, 2)
        assert [m["data"]["id"] for m in task_messages(alice_ws, 2)] == [t["id"] for t in created]
        assert_silent(bob_ws)


def test_clients_on_both_replicas_get_every_update_exactly_once(stack: Stack) -> None:
    user = new_user()
    with ws_connect(stack, user) as first, ws_connect(stack, user, "websocket-2") as second:
        created = create_tasks(stack, user, 5)
        for ws in (first, second):
            messages = task_messages(ws, 5)
            assert [m["data"]["id"] for m in messages] == [t["id"] for t in created]
            seqs = [m["seq"] for m in messages]
            assert seqs == sorted(set(seqs))
            assert_silent(ws)


def test_resume_after_50_missed_events_replays_them_in_order_then_live(stack: Stack) -> None:
    user = new_user()
    with ws_connect(stack, user) as ws:
        create_tasks(stack, user, 1)
        last_seen = task_messages(ws, 1)[0]["seq"]
    missed = create_tasks(stack, user, 50)

    with ws_connect(stack, user, "websocket-2") as ws:
        ws.send(json.dumps({"type": "resume", "after_seq": last_seen}))
        replayed = task_messages(ws, 50)
        assert [m["data"]["id"] for m in replayed] == [t["id"] for t in missed]
        assert [m["seq"] for m in replayed] == list(range(last_seen + 1, last_seen + 51))
        done = receive_until(ws, lambda m: m["type"] == "resume.complete")
        assert done["data"]["last_seq"] == last_seen + 50
        live = create_tasks(stack, user, 1)
        message = task_messages(ws, 1)[0]
        assert message["data"]["id"] == live[0]["id"]
        assert message["seq"] == last_seen + 51
        assert_silent(ws)


def test_client_of_a_killed_replica_resumes_on_the_other_without_loss(stack: Stack) -> None:
    user = new_user()
    ws = ws_connect(stack, user, "websocket-2")
    create_tasks(stack, user, 1)
    last_seen = task_messages(ws, 1)[0]["seq"]
    try:
        stack.kill_instance("websocket-2")  # SIGKILL app and sidecar
        during_outage = create_tasks(stack, user, 10)
        with ws_connect(stack, user, "websocket") as survivor:
            survivor.send(json.dumps({"type": "resume", "after_seq": last_seen}))
            replayed = task_messages(survivor, 10)
            assert [m["data"]["id"] for m in replayed] == [t["id"] for t in during_outage]
            receive_until(survivor, lambda m: m["type"] == "resume.complete")
            assert_silent(survivor)
    finally:
        ws.close()
        stack.restart_instance("websocket-2")


def test_resume_from_the_current_seq_replays_nothing(stack: Stack) -> None:
    user = new_user()
    with ws_connect(stack, user) as ws:
        create_tasks(stack, user, 3)
        last = task_messages(ws, 3)[-1]["seq"]
        ws.send(json.dumps({"type": "resume", "after_seq": last}))
        done = receive_until(ws, lambda m: m["type"] == "resume.complete")
        assert done["data"]["last_seq"] == last
        assert_silent(ws)
