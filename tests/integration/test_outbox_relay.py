"""The outbox relay's publishing rules against real PostgreSQL / SQLite and a fake sidecar
(the end-to-end path through real daprd is in tests/e2e)."""

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from fastapi import FastAPI
from sqlmodel import col, select

from tests.integration.conftest import ClientFactory
from todo_backend.deps import backend_state
from todo_backend.outbox.models import OutboxEvent
from todo_backend.outbox.relay import OutboxRelay
from todo_common.dapr.client import DaprClient


class BulkSidecar:
    """Records bulk publish calls; fails the events listed in `failing` (by task title)."""

    def __init__(self, failing: Sequence[str] = ()) -> None:
        self.calls: list[tuple[str, list[dict[str, Any]]]] = []
        self.partition_keys: dict[str, str] = {}
        self.failing = set(failing)

    async def publish_bulk(
        self,
        pubsub: str,
        topic: str,
        events: Sequence[tuple[str, str]],
        *,
        partition_keys: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        decoded = [json.loads(payload) for _, payload in events]
        self.calls.append((topic, decoded))
        self.partition_keys.update(partition_keys or {})
        return {
            event["id"]: "broker unavailable"
            for event in decoded
            if event["data"]["task"]["title"] in self.failing
        }


async def create_tasks(client_for: ClientFactory, user: str, titles: Sequence[str]) -> None:
    async with client_for(user) as client:
        for title in titles:
            (await client.post("/api/tasks", json={"title": title})).raise_for_status()


def relay_for(app: FastAPI, sidecar: BulkSidecar) -> OutboxRelay:
    return OutboxRelay(backend_state(app).engine, cast(DaprClient, sidecar))


async def outbox_rows(app: FastAPI) -> list[OutboxEvent]:
    async with backend_state(app).sessionmaker() as session:
        statement = select(OutboxEvent).order_by(col(OutboxEvent.id))
        return list((await session.execute(statement)).scalars().all())


async def test_each_bulk_call_carries_one_event_per_user_so_users_stay_in_order(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    await create_tasks(client_for, "alice", ["a1", "a2", "a3"])
    await create_tasks(client_for, "bob", ["b1"])
    sidecar = BulkSidecar()

    published = await relay_for(backend_app, sidecar).publish_pending()

    assert published == 8  # 4 changes x 2 topics
    for topic in ("task-events", "task-updates"):
        rounds = [
            sorted((e["data"]["user_id"], e["data"]["seq"]) for e in events)
            for t, events in sidecar.calls
            if t == topic
        ]
        assert rounds == [[("alice", 1), ("bob", 1)], [("alice", 2)], [("alice", 3)]]
    assert all(row.published_at is not None for row in await outbox_rows(backend_app))


async def test_every_event_is_keyed_by_its_user_so_kafka_keeps_a_user_on_one_partition(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    await create_tasks(client_for, "alice", ["a1", "a2"])
    await create_tasks(client_for, "bob", ["b1"])
    sidecar = BulkSidecar()

    assert await relay_for(backend_app, sidecar).publish_pending() == 6

    events = [event for _, call in sidecar.calls for event in call]
    assert len(events) == 6
    assert {event["id"]: sidecar.partition_keys[event["id"]] for event in events} == {
        event["id"]: event["data"]["user_id"] for event in events
    }


async def test_a_failed_event_holds_back_its_user_only_and_is_retried_later(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    await create_tasks(client_for, "alice", ["a1", "a2"])
    await create_tasks(client_for, "bob", ["b1", "b2"])
    relay = relay_for(backend_app, BulkSidecar(failing=["a1"]))

    assert await relay.publish_pending() == 4  # bob's two changes, on both topics

    rows = {(row.user_id, row.seq, row.topic): row for row in await outbox_rows(backend_app)}
    for topic in ("task-events", "task-updates"):
        failed, held_back = rows[("alice", 1, topic)], rows[("alice", 2, topic)]
        assert failed.published_at is None and failed.attempts == 1
        assert failed.last_error == "broker unavailable"
        assert failed.next_attempt_at > failed.created_at  # backing off
        assert held_back.published_at is None and held_back.attempts == 0
        assert rows[("bob", 1, topic)].published_at is not None
        assert rows[("bob", 2, topic)].published_at is not None
