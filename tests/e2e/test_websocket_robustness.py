"""WebSocket edge cases on a real replica: auth, limits, slow clients, shutdown."""

import base64
import contextlib
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from devstack.infra import PostgresCluster
from devstack.stack import DEV_JWT_SECRET, Stack
from tests.conftest import make_stack_config
from tests.harness import (
    api_client,
    eventually,
    receive_json,
    receive_until,
    token_for,
    ws_connect,
)
from todo_common.auth import create_token

pytestmark = pytest.mark.e2e

MAX_CONNECTIONS = 12
SEND_QUEUE = 8


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp("ws-robustness"),
        postgres.create_database("ws_robustness"),
        services=("backend", "websocket"),
        nlu_model=False,
        app_env={
            "websocket": {
                "WEBSOCKET_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
                "WEBSOCKET_SEND_QUEUE_SIZE": str(SEND_QUEUE),
                "WEBSOCKET_MAX_MESSAGE_BYTES": "1024",
            }
        },
    )
    with Stack(config) as running:
        yield running


def ws_url(stack: Stack, query: str = "") -> str:
    return f"ws://127.0.0.1:{stack.instances['websocket'].app_port}/ws{query}"


def close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes; the close code it sent."""
    try:
        for _ in range(10_000):
            ws.recv(timeout=10)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the server never closed the connection")


def stats(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{stack.instances['websocket'].base_url}/stats").json()
    return body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?token=not-a-jwt",
        f"?token={create_token('x', 'a-different-secret-a-different-secret')}",
        f"?token={create_token('x', DEV_JWT_SECRET, ttl=timedelta(seconds=-1))}",
    ],
    ids=["missing", "garbage", "wrong-secret", "expired"],
)
def test_bad_tokens_are_closed_with_4401(stack: Stack, query: str) -> None:
    with connect(ws_url(stack, query)) as ws:
        assert close_code(ws) == 4401


def test_token_in_subprotocol_is_accepted(stack: Stack) -> None:
    user = f"sub-{uuid.uuid4().hex[:6]}"
    protocol = f"bearer.{token_for(user)}"
    with connect(ws_url(stack), subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == protocol
        with api_client(stack, user) as api:
            task = api.post("/api/tasks", json={"title": "via subprotocol"}).json()
        assert receive_until(ws, lambda m: m["type"] == "task.created")["data"]["id"] == task["id"]


def test_malformed_messages_get_an_error_frame_and_the_connection_lives_on(stack: Stack) -> None:
    with ws_connect(stack, "malformed") as ws:
        for bad in ("not json", "[1, 2]", json.dumps({"type": "dance"}),
                    json.dumps({"type": "resume", "after_seq": "yesterday"})):  # fmt: skip
            ws.send(bad)
            error = receive_json(ws)
            assert error["type"] == "error" and error["data"]["detail"]
        ws.send(json.dumps({"type": "ping"}))
        assert receive_json(ws)["type"] == "pong"


def test_oversize_frame_closes_with_1009(stack: Stack) -> None:
    with ws_connect(stack, "oversize") as ws:
        ws.send(json.dumps({"type": "ping", "pad": "x" * 2048}))
        assert close_code(ws) == 1009


def test_connection_cap_refuses_with_1013(stack: Stack) -> None:
    open_now = stats(stack)["active_connections"]
    clients = [ws_connect(stack, f"cap-{i}") for i in range(MAX_CONNECTIONS - open_now)]
    try:
        eventually(lambda: stats(stack)["active_connections"] == MAX_CONNECTIONS)
        with ws_connect(stack, "one-too-many") as refused:
            assert close_code(refused) == 1013
        assert stats(stack)["refused_full"] >= 1
    finally:
        for client in clients:
            client.close()
    eventually(lambda: stats(stack)["active_connections"] == 0)


def unread_websocket(stack: Stack, user: str) -> socket.socket:
    """A WebSocket opened by hand over a socket with a tiny buffer, never read again.

    (The websockets client reads frames in a background thread, so it is never slow.)
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    port = stack.instances["websocket"].app_port
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws?token={token_for(user)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    return sock


def test_slow_client_is_disconnected_without_slowing_the_others(stack: Stack) -> None:
    user = f"slow-{uuid.uuid4().hex[:6]}"
    before = stats(stack)["slow_disconnects"]
    slow = unread_websocket(stack, user)
    fast = ws_connect(stack, user)
    fast.send(json.dumps({"type": "ping"}))  # speaking first: live at once, no resume hold
    assert receive_json(fast)["type"] == "pong"
    received: list[str] = []
    reader = threading.Thread(
        target=lambda: received.extend(read_task_ids(fast)), name="fast-client", daemon=True
    )
    reader.start()
    created: list[str] = []
    try:
        with api_client(stack, user) as api:
            # Kernel and transport buffers hold a few MB before the server's send blocks.
            for i in range(3000):
                body = {"title": f"big {i}", "description": "x" * 5000}
                created.append(api.post("/api/tasks", json=body).json()["id"])
                if i % 50 == 0 and stats(stack)["slow_disconnects"] > before:
                    break
        eventually(lambda: stats(stack)["slow_disconnects"] == before + 1)
        assert stats(stack)["messages_dropped"] >= 1
        # The fast client of the same user got every event, in order, all along.
        eventually(lambda: len(received) >= len(created), timeout=30)
        assert received == created
    finally:
        fast.close()
        slow.close()
        reader.join(timeout=10)


def read_task_ids(ws: ClientConnection) -> Iterator[str]:
    with contextlib.suppress(ConnectionClosed):
        for raw in ws:
            message = json.loads(raw)
            if message["type"] == "task.created":
                yield message["data"]["id"]


def test_stats_and_metrics_report_connections(stack: Stack) -> None:
    with ws_connect(stack, "stats-a"), ws_connect(stack, "stats-b"):
        eventually(lambda: stats(stack)["active_connections"] >= 2)
        body = stats(stack)
        assert body["users"] >= 2 and body["replica_id"] == "websocket"
        metrics = httpx.get(f"{stack.instances['websocket'].base_url}/metrics").text
        gauge = [
            line
            for line in metrics.splitlines()
            if line.startswith("websocket_active_connections ")
        ]
        assert gauge and float(gauge[0].split()[1]) >= 2


def test_graceful_shutdown_closes_clients_with_1001(stack: Stack) -> None:
    ws = ws_connect(stack, "shutdown")
    app = stack.instances["websocket"].app
    assert app is not None
    try:
        app.stop()  # SIGTERM
        assert close_code(ws) == 1001
    finally:
        stack.restart_app("websocket")
