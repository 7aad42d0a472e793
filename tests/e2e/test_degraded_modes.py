"""Degraded modes (docs/reliability.md): what keeps working when one dependency is gone.

One system on PostgreSQL, without the NLU model (the "model missing" mode), with the
webhook channel pointed at a port nobody listens on (the "one channel down" mode).
"""

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from devstack.infra import PostgresCluster
from devstack.ports import free_port
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, receive_until, ws_connect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("degraded")
    config = make_stack_config(
        tmp,
        postgres.create_database("degraded"),
        nlu_model=False,
        app_env={"notification": {"NOTIFICATION_CHANNELS": "inapp,webhook"}},
    )
    config.sidecar_env["NOTIFICATION_WEBHOOK_URL"] = f"http://127.0.0.1:{free_port()}/down"
    with Stack(config) as running:
        yield running


def ready(stack: Stack, instance: str = "backend") -> httpx.Response:
    return httpx.get(f"{stack.instances[instance].base_url}/health/ready", timeout=5)


def outbox_age(stack: Stack) -> float:
    """Seconds since the oldest unpublished outbox row was written (0 when none waits), read
    from the database itself (the `outbox_oldest_unpublished_age_seconds` metric's source)."""

    async def query() -> float:
        url = stack.config.database_url.replace("postgresql+asyncpg", "postgresql")
        connection = await asyncpg.connect(url)
        try:
            age = await connection.fetchval(
                "SELECT EXTRACT(EPOCH FROM now() - min(created_at)) FROM outbox_event "
                "WHERE published_at IS NULL"
            )
        finally:
            await connection.close()
        return float(age or 0.0)

    return asyncio.run(query())


def test_model_missing_chat_runs_on_the_rules(stack: Stack) -> None:
    user = f"rules-{uuid.uuid4().hex[:6]}"
    with api_client(stack, user) as api:
        answer = api.post("/api/chat", json={"message": "add buy oat milk tomorrow"})
        assert answer.status_code == 200
        body = answer.json()
        assert body["fallback"] is True and body["intent"] == "add_task"
        (task,) = body["tasks"]
        assert api.get(f"/api/tasks/{task['id']}").status_code == 200
    health = ready(stack)
    assert health.status_code == 200
    assert "nlu-model" in health.json()["degraded"]


def test_one_channel_down_the_others_still_deliver(stack: Stack) -> None:
    user = f"channel-{uuid.uuid4().hex[:6]}"
    remind_at = datetime.now(UTC) + timedelta(seconds=3)
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        ws.send('{"type": "ping"}')
        task = api.post("/api/tasks", json={"title": "ring", "remind_at": remind_at.isoformat()})
        assert task.status_code == 201
        message = receive_until(ws, lambda m: m.get("type") == "reminder.due", timeout=30)
        received = time.time()
    assert message["data"]["task"]["id"] == task.json()["id"]
    # In-app is not held up by the webhook's failures (tried side by side).
    assert received - remind_at.timestamp() < 10


def test_redis_down_writes_go_to_the_outbox_and_are_delivered_after_it_returns(
    stack: Stack,
) -> None:
    user = f"redis-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        ws.send('{"type": "ping"}')
        stack.stop_process("redis", kill=False)
        try:
            created = api.post("/api/tasks", json={"title": "written while redis is away"})
            assert created.status_code == 201  # accepted: the rate limiter is local now
            health = eventually(lambda: (r := ready(stack)).json()["degraded"] and r, timeout=20)
            assert health.status_code == 200 and "redis" in health.json()["degraded"]
            first = eventually(lambda: outbox_age(stack) or None, timeout=20)
            time.sleep(2)
            assert outbox_age(stack) > first  # the pub/sub is away: the outbox ages
        finally:
            stack.start_process("redis")
        message = receive_until(ws, lambda m: m.get("type") == "task.created", timeout=60)
    assert message["data"]["id"] == created.json()["id"]
    eventually(lambda: outbox_age(stack) == 0, timeout=30)
    eventually(lambda: "redis" not in ready(stack).json()["degraded"], timeout=30)
