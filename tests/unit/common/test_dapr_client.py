"""DaprClient against a mocked sidecar (bulk publish), and subscription wiring."""

import json

import httpx

from todo_common.dapr import DaprClient, Subscription

EVENTS = [("e1", '{"id":"e1","specversion":"1.0"}'), ("e2", '{"id":"e2","specversion":"1.0"}')]


def client_answering(response: httpx.Response, seen: list[httpx.Request]) -> DaprClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return response

    client = DaprClient("http://sidecar")
    client._http = httpx.AsyncClient(
        base_url="http://sidecar", transport=httpx.MockTransport(handler)
    )
    return client


async def test_events_go_verbatim_in_one_call_and_success_reports_no_failures() -> None:
    seen: list[httpx.Request] = []
    client = client_answering(httpx.Response(204), seen)

    assert await client.publish_bulk("pubsub", "task-updates", EVENTS) == {}

    (request,) = seen
    assert request.url.path == "/v1.0-alpha1/publish/bulk/pubsub/task-updates"
    assert request.url.params["metadata.rawPayload"] == "true"
    assert json.loads(request.content) == [
        {
            "entryId": event_id,
            "event": json.loads(payload),
            "contentType": "application/cloudevents+json",
        }
        for event_id, payload in EVENTS
    ]


async def test_partial_failure_names_only_the_failed_entries() -> None:
    body = {"failedEntries": [{"entryId": "e2", "error": "redis down"}], "errorCode": "ERR"}
    client = client_answering(httpx.Response(500, json=body), [])

    assert await client.publish_bulk("pubsub", "t", EVENTS) == {"e2": "redis down"}


async def test_a_failed_call_fails_every_entry() -> None:
    client = client_answering(httpx.Response(500, json={"errorCode": "ERR_PUBSUB_NOT_FOUND"}), [])

    assert set(await client.publish_bulk("pubsub", "t", EVENTS)) == {"e1", "e2"}


def test_a_subscription_with_a_match_becomes_a_routing_rule_without_default() -> None:
    plain = Subscription("pubsub", "task-events", "/events")
    filtered = Subscription("pubsub", "task-events", "/events", match='event.type == "x"')

    assert plain.as_dapr() == {"pubsubname": "pubsub", "topic": "task-events", "route": "/events"}
    assert filtered.as_dapr() == {
        "pubsubname": "pubsub",
        "topic": "task-events",
        "routes": {"rules": [{"match": 'event.type == "x"', "path": "/events"}]},
    }
