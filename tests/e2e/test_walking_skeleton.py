"""The foundation's promise: a REST change reaches the user's WebSocket through real Dapr
(on Redis Streams and on Kafka)."""

import uuid

import pytest

from devstack.stack import Stack
from tests.harness import api_client, log_lines, receive_until, ws_connect

# On both brokers: the walking skeleton is the first thing a broker change must not break.
pytestmark = [pytest.mark.e2e, pytest.mark.both_brokers]


def test_created_task_reaches_websocket_with_same_correlation_id(pubsub_system: Stack) -> None:
    user = f"alice-{uuid.uuid4().hex[:6]}"
    correlation_id = f"e2e-{uuid.uuid4().hex}"
    with ws_connect(pubsub_system, user) as ws, api_client(pubsub_system, user) as api:
        response = api.post(
            "/api/tasks",
            json={"title": "buy milk"},
            headers={"X-Correlation-ID": correlation_id},
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Correlation-ID"] == correlation_id
        task = response.json()

        message = receive_until(ws, lambda m: m.get("type") == "task.created")

    assert message["data"]["id"] == task["id"]
    assert message["data"]["title"] == "buy milk"
    assert message["correlation_id"] == correlation_id
    assert message["seq"] >= 1
    assert set(message) >= {"type", "seq", "data", "correlation_id", "ts"}


def test_correlation_id_appears_in_backend_and_websocket_logs(pubsub_system: Stack) -> None:
    user = f"bob-{uuid.uuid4().hex[:6]}"
    correlation_id = f"log-{uuid.uuid4().hex}"
    with ws_connect(pubsub_system, user) as ws, api_client(pubsub_system, user) as api:
        api.post(
            "/api/tasks", json={"title": "trace me"}, headers={"X-Correlation-ID": correlation_id}
        )
        receive_until(ws, lambda m: m.get("correlation_id") == correlation_id)

    for name in ("backend", "websocket"):
        lines = log_lines(pubsub_system, name)
        matching = [line for line in lines if line.get("correlation_id") == correlation_id]
        assert matching, f"no {name} log line carries {correlation_id}"
        for line in matching:
            assert {"timestamp", "level", "service", "event", "correlation_id", "trace_id"} <= set(
                line
            )
            assert line["service"] == name


def test_every_service_reports_ready_through_its_sidecar(pubsub_system: Stack) -> None:
    import httpx

    for name, instance in pubsub_system.instances.items():
        body = httpx.get(f"{instance.base_url}/health/ready", timeout=5).json()
        assert body["status"] == "ok", (name, body)
        assert "dapr-sidecar" in {check["name"] for check in body["checks"]}
