"""One chat turn is one trace across backend and websocket.

The stack's apps export spans over OTLP/HTTP (the standard OTEL_* variables) to an OTLP
collector inside the test; a chat turn that creates a task is followed through the outbox,
Dapr pub/sub and the websocket service's delivery to a connected client.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, log_lines, receive_until, ws_connect


class Collector:
    """An OTLP/HTTP trace receiver: keeps (service, span) for every exported span."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != "/v1/traces":  # OTLP/HTTP's path under the base URL
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest.FromString(body)
                collector.add(request)
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def add(self, request: ExportTraceServiceRequest) -> None:
        with self._lock:
            for resource_spans in request.resource_spans:
                attributes = {
                    a.key: a.value.string_value for a in resource_spans.resource.attributes
                }
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        self.spans.append({
                            "service": attributes.get("service.name"),
                            "name": span.name,
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent": span.parent_span_id.hex(),
                            "links": [link.trace_id.hex() for link in span.links],
                        })  # fmt: skip

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.spans)


@pytest.fixture(scope="module")
def collector() -> Iterator[Collector]:
    collector = Collector()
    thread = threading.Thread(target=collector.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        collector.server.shutdown()


@pytest.fixture(scope="module")
def traced_stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster, collector: Collector
) -> Iterator[Stack]:
    otel = {
        "OTEL_EXPORTER": "otlp",
        # The standard base URL: the exporter posts to <base>/v1/traces.
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.port}",
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    tmp: Path = tmp_path_factory.mktemp("traced")
    config = make_stack_config(
        tmp,
        postgres.create_database("traced"),
        nlu_model=False,
        app_env={name: otel for name in ("backend", "websocket", "reminders", "notification")},
    )
    with Stack(config) as stack:
        yield stack


@pytest.mark.e2e
def test_a_chat_turn_is_one_trace_from_backend_to_the_websocket_delivery(
    traced_stack: Stack, collector: Collector
) -> None:
    with ws_connect(traced_stack, "tracer") as ws, api_client(traced_stack, "tracer") as api:
        response = api.post("/api/chat", json={"message": "add water the plants"})
        assert response.status_code == 200, response.text
        assert response.json()["intent"] == "add_task"
        message = receive_until(ws, lambda m: m["type"] == "task.created")
    correlation_id = response.headers["X-Correlation-ID"]
    assert message["correlation_id"] == correlation_id

    def chat_and_delivery() -> tuple[dict[str, Any], dict[str, Any]] | None:
        spans = collector.snapshot()
        chats = [s for s in spans if s["service"] == "backend" and s["name"] == "POST /api/chat"]
        for chat in chats:
            deliveries = [
                s for s in spans
                if s["service"] == "websocket" and s["trace_id"] == chat["trace_id"]
                and s["name"] == "POST /events/task-updates"
            ]  # fmt: skip
            if deliveries:
                return chat, deliveries[0]
        return None

    chat, delivery = eventually(chat_and_delivery, timeout=20, interval=0.3)
    assert chat["parent"] == ""  # the chat turn starts the trace (no incoming traceparent)
    assert delivery["trace_id"] == chat["trace_id"]
    # The delivery continues the trace: its parent is the chat span or the sidecar's span
    # between them (daprd adds one when its own tracing is on), never a new root.
    assert delivery["parent"] != ""
    spans_of_trace = [s for s in collector.snapshot() if s["trace_id"] == chat["trace_id"]]
    assert {s["service"] for s in spans_of_trace} >= {"backend", "websocket"}
    # Inside the backend the turn shows its steps: the model, the conversation context
    # through the sidecar, and the commit of the task with its outbox rows.
    backend_steps = {
        s["name"]: s for s in spans_of_trace if s["service"] == "backend" and s is not chat
    }
    assert {"nlu.parse", "db.commit", "dapr get state", "dapr save state"} <= set(backend_steps)
    for step in ("nlu.parse", "db.commit"):
        assert backend_steps[step]["parent"] == chat["span_id"]


@pytest.mark.e2e
def test_log_lines_of_one_change_share_one_trace_id_across_services(system: Stack) -> None:
    """What an operator sees: the log lines a task creation causes in backend, websocket
    and reminders carry one correlation id and one trace id."""
    correlation_id = f"trace-check-{uuid.uuid4().hex}"
    remind_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    with api_client(system, "trace-logs", **{"X-Correlation-ID": correlation_id}) as api:
        created = api.post("/api/tasks", json={"title": "trace me", "remind_at": remind_at})
        assert created.status_code == 201, created.text

    def lines_by_service() -> dict[str, list[dict[str, Any]]] | None:
        found: dict[str, list[dict[str, Any]]] = {}
        for name in ("backend", "websocket", "reminders"):
            lines = [
                entry
                for entry in log_lines(system, name)
                if entry.get("correlation_id") == correlation_id
            ]
            if not lines:
                return None
            found[name] = lines
        return found

    found = eventually(lines_by_service, timeout=20, interval=0.3)
    trace_ids = {line["trace_id"] for lines in found.values() for line in lines}
    assert len(trace_ids) == 1 and None not in trace_ids, found


@pytest.mark.e2e
def test_a_reminder_links_back_to_the_change_that_set_it(
    traced_stack: Stack, collector: Collector
) -> None:
    """Across the scheduler the trace cannot simply go on (the job fires later, from the
    scheduler): the trigger's span links to the trace of the request that set the
    reminder, and notification continues the trigger's trace."""
    remind_at = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    with ws_connect(traced_stack, "linker") as ws, api_client(traced_stack, "linker") as api:
        created = api.post("/api/tasks", json={"title": "linked", "remind_at": remind_at})
        assert created.status_code == 201, created.text
        receive_until(ws, lambda m: m["type"] == "reminder.due", timeout=30)

    def creation_and_fire() -> tuple[dict[str, Any], dict[str, Any]] | None:
        spans = collector.snapshot()
        creations = [
            s for s in spans if s["service"] == "backend" and s["name"] == "POST /api/tasks"
        ]
        fires = [s for s in spans if s["service"] == "reminders" and s["name"] == "reminder.fire"]
        for creation in creations:
            for fire in fires:
                if creation["trace_id"] in fire["links"]:
                    return creation, fire
        return None

    creation, fire = eventually(creation_and_fire, timeout=20, interval=0.3)
    assert fire["trace_id"] != creation["trace_id"]

    def notification_span() -> dict[str, Any] | None:
        return next(
            (
                s
                for s in collector.snapshot()
                if s["service"] == "notification" and s["trace_id"] == fire["trace_id"]
            ),
            None,
        )

    assert eventually(notification_span, timeout=20, interval=0.3)["parent"] != ""
