"""DaprClient against a stand-in sidecar (an aiohttp server on loopback), and
subscription wiring."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from todo_common.dapr.app import Subscription
from todo_common.dapr.client import DaprClient

EVENTS = [("e1", '{"id":"e1","specversion":"1.0"}'), ("e2", '{"id":"e2","specversion":"1.0"}')]

Answer = Callable[[web.Request], web.Response]


class Sidecar:
    def __init__(self) -> None:
        self.requests: list[tuple[web.Request, bytes]] = []
        self.answer: Answer = lambda _: web.Response(status=204)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((request, await request.read()))
        return self.answer(request)


@pytest.fixture
async def sidecar() -> AsyncIterator[tuple[Sidecar, DaprClient]]:
    fake = Sidecar()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    client = DaprClient(str(server.make_url("")).rstrip("/"), api_token="secret")
    try:
        yield fake, client
    finally:
        await client.aclose()
        await server.close()


def json_response(status: int, body: Any) -> Answer:
    return lambda _: web.json_response(body, status=status)


async def test_events_go_verbatim_in_one_call_and_success_reports_no_failures(
    sidecar: tuple[Sidecar, DaprClient],
) -> None:
    fake, client = sidecar

    assert await client.publish_bulk("pubsub", "task-updates", EVENTS) == {}

    ((request, body),) = fake.requests
    assert request.path == "/v1.0-alpha1/publish/bulk/pubsub/task-updates"
    assert request.query["metadata.rawPayload"] == "true"
    assert request.headers["dapr-api-token"] == "secret"
    assert json.loads(body) == [
        {
            "entryId": event_id,
            "event": json.loads(payload),
            "contentType": "application/cloudevents+json",
        }
        for event_id, payload in EVENTS
    ]


async def test_partition_keys_go_as_entry_metadata(sidecar: tuple[Sidecar, DaprClient]) -> None:
    fake, client = sidecar

    await client.publish_bulk("pubsub", "task-events", EVENTS, partition_keys={"e1": "alice"})

    ((_, body),) = fake.requests
    entries = json.loads(body)
    assert entries[0]["metadata"] == {"partitionKey": "alice"}
    assert "metadata" not in entries[1]


async def test_partial_failure_names_only_the_failed_entries(
    sidecar: tuple[Sidecar, DaprClient],
) -> None:
    fake, client = sidecar
    body = {"failedEntries": [{"entryId": "e2", "error": "redis down"}], "errorCode": "ERR"}
    fake.answer = json_response(500, body)

    assert await client.publish_bulk("pubsub", "t", EVENTS) == {"e2": "redis down"}


async def test_a_failed_call_fails_every_entry(sidecar: tuple[Sidecar, DaprClient]) -> None:
    fake, client = sidecar
    fake.answer = json_response(500, {"errorCode": "ERR_PUBSUB_NOT_FOUND"})

    assert set(await client.publish_bulk("pubsub", "t", EVENTS)) == {"e1", "e2"}


async def test_state_entries_come_back_with_their_etag(
    sidecar: tuple[Sidecar, DaprClient],
) -> None:
    fake, client = sidecar
    fake.answer = lambda _: web.json_response({"n": 1}, headers={"ETag": "7"})

    entry = await client.get_state_entry("statestore", "user:a b")

    assert (entry.value, entry.etag) == ({"n": 1}, "7")
    assert fake.requests[0][0].path == "/v1.0/state/statestore/user:a b"


async def test_an_unreachable_sidecar_is_reported_unhealthy() -> None:
    client = DaprClient("http://127.0.0.1:1")
    try:
        assert await client.is_healthy() is False
    finally:
        await client.aclose()


def test_a_subscription_with_a_match_becomes_a_routing_rule_without_default() -> None:
    plain = Subscription("pubsub", "task-events", "/events")
    filtered = Subscription("pubsub", "task-events", "/events", match='event.type == "x"')

    assert plain.as_dapr() == {"pubsubname": "pubsub", "topic": "task-events", "route": "/events"}
    assert filtered.as_dapr() == {
        "pubsubname": "pubsub",
        "topic": "task-events",
        "routes": {"rules": [{"match": 'event.type == "x"', "path": "/events"}]},
    }
