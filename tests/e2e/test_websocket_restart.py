"""A restarted websocket replica delivers live at once, whatever lies in the stream, and
consumer groups never pile up (real daprd + Redis Streams, two replicas)."""

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, receive_json, receive_until, ws_connect
from todo_common.events import TASK_UPDATES_TOPIC, CloudEvent, TaskEventType
from todo_websocket.stream_group import ReplicaGroup

pytestmark = pytest.mark.e2e

REPLICAS = 2
BACKLOG = 20_000
FIRST_LIVE_EVENT_WITHIN_SECONDS = 2.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp("ws-restart"),
        postgres.create_database("ws_restart"),
        services=("backend", "websocket"),
        websocket_replicas=REPLICAS,
        nlu_model=False,
        app_env={"websocket": {"WEBSOCKET_STREAM_MAINTENANCE_SECONDS": "1"}},
    )
    with Stack(config) as running:
        yield running


@pytest.fixture
def redis(stack: Stack) -> Iterator[Redis]:
    client: Redis = Redis(port=stack.config.ports.redis, decode_responses=True)
    try:
        yield client
    finally:
        client.close()


def groups(redis: Redis) -> list[str]:
    return [str(group["name"]) for group in redis.xinfo_groups(TASK_UPDATES_TOPIC)]


def filler_event(user_id: str, seq: int) -> str:
    """A task event as the backend publishes it, for a user nobody listens for."""
    now = datetime.now(UTC).isoformat()
    task = {
        "id": str(uuid.uuid4()),
        "title": f"filler {seq}",
        "completed": False,
        "priority": "medium",
        "tags": [],
        "due_at": None,
        "remind_at": None,
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
        "recurrence": None,
    }
    event = CloudEvent(
        type=TaskEventType.CREATED,
        source="backend",
        data={"user_id": user_id, "seq": seq, "task": task},
    )
    return event.model_dump_json(exclude_none=True)


def fill_stream(redis: Redis, count: int) -> None:
    """`count` entries in Dapr's Redis Streams format, as a busy system leaves them."""
    user = f"filler-{uuid.uuid4().hex[:6]}"
    pipe = redis.pipeline(transaction=False)
    for seq in range(1, count + 1):
        pipe.xadd(TASK_UPDATES_TOPIC, {"data": filler_event(user, seq)})
        if seq % 1000 == 0:
            pipe.execute()
    pipe.execute()


def first_live_event_seconds(stack: Stack, instance: str) -> float:
    """Seconds from a REST create to its event on a new client of `instance`."""
    user = f"live-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user, instance) as ws:
        ws.send(json.dumps({"type": "ping"}))  # live at once: no resume hold
        assert receive_json(ws)["type"] == "pong"
        with api_client(stack, user) as api:
            started = time.monotonic()
            task = api.post("/api/tasks", json={"title": "first live"}).json()
        message = receive_until(ws, lambda m: m["type"] == "task.created", timeout=30)
        elapsed = time.monotonic() - started
    assert message["data"]["id"] == task["id"]
    print(f"first live event on {instance}: {elapsed:.3f} s")  # shown with pytest -s
    return elapsed


def test_a_restarted_replica_delivers_live_within_2s_despite_20000_queued_events(
    stack: Stack, redis: Redis
) -> None:
    fill_stream(redis, BACKLOG)
    assert redis.xlen(TASK_UPDATES_TOPIC) >= BACKLOG
    started = time.monotonic()
    stack.restart_instance("websocket-2")  # app and sidecar; returns once ready
    print(f"restart to ready: {time.monotonic() - started:.2f} s")
    assert first_live_event_seconds(stack, "websocket-2") < FIRST_LIVE_EVENT_WITHIN_SECONDS
    assert len(groups(redis)) <= REPLICAS + 1

    fill_stream(redis, BACKLOG)
    stack.kill_instance("websocket-2")  # SIGKILL both, as a crashed pod
    stack.start_instance("websocket-2")
    stack.wait_ready("websocket-2")
    assert first_live_event_seconds(stack, "websocket-2") < FIRST_LIVE_EVENT_WITHIN_SECONDS
    assert len(groups(redis)) <= REPLICAS + 1


def test_a_group_recreated_at_the_start_is_put_back_at_the_end(stack: Stack, redis: Redis) -> None:
    """A group destroyed under a running sidecar (which recreates it at 0 and would replay
    the whole stream) is moved back to the end by its replica within a tick or two."""
    fill_stream(redis, BACKLOG)
    redis.xgroup_destroy(TASK_UPDATES_TOPIC, "ws-replica-websocket-2")
    time.sleep(3)  # the sidecar's NOGROUP and the replica's maintenance (1 s) have met
    assert "ws-replica-websocket-2" in groups(redis)
    assert first_live_event_seconds(stack, "websocket-2") < FIRST_LIVE_EVENT_WITHIN_SECONDS


def test_restarts_reuse_the_replica_group_and_never_add_one(stack: Stack, redis: Redis) -> None:
    for _ in range(3):
        stack.restart_instance("websocket-2")
        stack.restart_app("websocket")
    assert sorted(groups(redis)) == ["ws-replica-websocket", "ws-replica-websocket-2"]


def test_groups_of_gone_replicas_are_removed_and_foreign_groups_kept(
    stack: Stack, redis: Redis
) -> None:
    legacy = str(uuid.uuid4())  # what the former `consumerID: {uuid}` left behind
    for name in ("ws-replica-gone", legacy, "someone-else"):
        redis.xgroup_create(TASK_UPDATES_TOPIC, name, id="0", mkstream=True)
    eventually(lambda: set(groups(redis)).isdisjoint({"ws-replica-gone", legacy}), timeout=15)
    assert "someone-else" in groups(redis)
    redis.xgroup_destroy(TASK_UPDATES_TOPIC, "someone-else")


def test_a_restarted_sidecar_continues_where_it_stopped(stack: Stack) -> None:
    """The app (and its clients) stay; what was published meanwhile arrives afterwards."""
    user = f"sidecar-{uuid.uuid4().hex[:6]}"
    instance = stack.instances["websocket-2"]
    with ws_connect(stack, user, "websocket-2") as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert receive_json(ws)["type"] == "pong"
        assert instance.daprd is not None
        instance.daprd.kill()
        with api_client(stack, user) as api:
            created = [api.post("/api/tasks", json={"title": f"t{i}"}).json() for i in range(3)]
        stack.start_daprd("websocket-2")
        stack.wait_ready("websocket-2")
        received: list[dict[str, Any]] = [
            receive_until(ws, lambda m: m["type"] == "task.created", timeout=30) for _ in created
        ]
    assert [m["data"]["id"] for m in received] == [t["id"] for t in created]


def test_readiness_reports_the_subscription(stack: Stack) -> None:
    body = httpx.get(f"{stack.instances['websocket-2'].base_url}/health/ready").json()
    assert {"name": "subscription", "status": "ok", "hard": True} in body["checks"]


async def test_caught_up_means_no_backlog_behind_the_group(stack: Stack) -> None:
    """The readiness rule on the group, against real Redis, on a stream of its own."""
    stream = f"probe-{uuid.uuid4().hex[:6]}"
    redis: AsyncRedis = AsyncRedis(port=stack.config.ports.redis, decode_responses=True)
    group = ReplicaGroup(redis, stream=stream, replica_id="probe", max_backlog=10)

    async def add(count: int) -> None:
        for i in range(count):
            await redis.xadd(stream, {"data": str(i)})

    try:
        await group.start_at_end()
        assert await group.caught_up()
        await add(11)
        assert not await group.caught_up()  # 11 entries behind: a replay, not live
        await redis.xreadgroup(group.name, group.name, {stream: ">"}, count=100)
        assert await group.caught_up()
        await add(11)  # delivered but never acknowledged, then a restart:
        await redis.xreadgroup(group.name, group.name, {stream: ">"}, count=100)
        await group.start_at_end()
        assert (await redis.xpending(stream, group.name))["pending"] == 0
        assert await group.caught_up()
        await add(11)  # lag unknown after SETID: counted past the last delivered entry
        assert not await group.caught_up()
    finally:
        await redis.delete(stream, f"websocket:replica-alive:{group.name}")
        await redis.aclose()
