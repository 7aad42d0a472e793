"""Hostile and quiet WebSocket clients on a real replica (real daprd + Redis).

Quiet: a listen-only client that answers protocol pings stays connected, a half-open one
(no pong) is closed. Hostile: random text and binary frames, huge frames, floods and
half-open connections crash nothing and cost other clients nothing. And one user never
receives another's events, live or on resume.

Pings every second here (a second's timeout), and the former idle limit set to 2 s: the
old code closed a quiet client then.
"""

import base64
import contextlib
import json
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import (
    api_client,
    assert_silent,
    eventually,
    receive_json,
    receive_until,
    token_for,
    ws_connect,
)

pytestmark = pytest.mark.e2e

PING_SECONDS = 1.0
FORMER_IDLE_LIMIT_SECONDS = 2.0
MAX_MESSAGE_BYTES = 4096


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp("ws-fuzz"),
        postgres.create_database("ws_fuzz"),
        services=("backend", "websocket"),
        nlu_model=False,
        app_env={
            "websocket": {
                "WEBSOCKET_PING_INTERVAL_SECONDS": str(PING_SECONDS),
                "WEBSOCKET_PING_TIMEOUT_SECONDS": str(PING_SECONDS),
                "WEBSOCKET_IDLE_TIMEOUT_SECONDS": str(FORMER_IDLE_LIMIT_SECONDS),
                "WEBSOCKET_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
                "WEBSOCKET_MAX_CONNECTIONS": "400",
            }
        },
    )
    with Stack(config) as running:
        yield running


def stats(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{stack.instances['websocket'].base_url}/stats").json()
    return body


def listen_only(stack: Stack, user: str) -> ClientConnection:
    """A client that never sends a message (its library still answers pings)."""
    port = stack.instances["websocket"].app_port
    url = f"ws://127.0.0.1:{port}/ws?token={token_for(user)}"
    return connect(url, open_timeout=30, ping_interval=None)


def half_open(stack: Stack, user: str) -> socket.socket:
    """A WebSocket handshake by hand, then silence: never reads, never answers a ping."""
    port = stack.instances["websocket"].app_port
    sock = socket.create_connection(("127.0.0.1", port))
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


def close_code(ws: ClientConnection, timeout: float = 15) -> int | None:
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the server never closed the connection")


def create_tasks(stack: Stack, user: str, count: int) -> list[str]:
    with api_client(stack, user) as api:
        return [api.post("/api/tasks", json={"title": f"t{i}"}).json()["id"] for i in range(count)]


class Observer:
    """Another user's client, reading in the background: what it got, in order."""

    def __init__(self, stack: Stack) -> None:
        self.user = f"observer-{uuid.uuid4().hex[:6]}"
        self.ws = ws_connect(stack, self.user)
        self.ws.send(json.dumps({"type": "ping"}))
        assert receive_json(self.ws)["type"] == "pong"
        self.task_ids: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "task.created":
                    self.task_ids.append(message["data"]["id"])

    def close(self) -> None:
        self.ws.close()
        self._thread.join(timeout=10)


@contextlib.contextmanager
def observed(stack: Stack) -> Iterator[Observer]:
    """While the block runs, another user creates tasks; afterwards its client must have
    received every one, in order, over a connection that stayed open."""
    observer = Observer(stack)
    created: list[str] = []
    stop = threading.Event()

    def produce() -> None:
        with api_client(stack, observer.user) as api:
            while not stop.is_set():
                created.append(api.post("/api/tasks", json={"title": "steady"}).json()["id"])
                time.sleep(0.05)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    try:
        yield observer
    finally:
        with contextlib.suppress(TimeoutError):  # a short block: still a few events
            eventually(lambda: len(created) >= 5, timeout=15)
        stop.set()
        producer.join(timeout=30)
    try:
        eventually(lambda: len(observer.task_ids) >= len(created), timeout=30)
        assert created and observer.task_ids == created
        assert httpx.get(f"{stack.instances['websocket'].base_url}/health/live").status_code == 200
    finally:
        observer.close()


# -- quiet clients -----------------------------------------------------------------


def test_a_listen_only_client_stays_past_the_former_idle_limit(stack: Stack) -> None:
    user = f"quiet-{uuid.uuid4().hex[:6]}"
    with listen_only(stack, user) as ws:
        time.sleep(FORMER_IDLE_LIMIT_SECONDS * 3)  # six ping/pong rounds, no message
        [task_id] = create_tasks(stack, user, 1)
        message = receive_until(ws, lambda m: m["type"] == "task.created")
        assert message["data"]["id"] == task_id


def test_a_half_open_client_is_closed_by_the_ping_timeout(stack: Stack) -> None:
    before = stats(stack)["active_connections"]
    sock = half_open(stack, f"half-open-{uuid.uuid4().hex[:6]}")
    try:
        eventually(lambda: stats(stack)["active_connections"] == before + 1)
        started = time.monotonic()
        eventually(lambda: stats(stack)["active_connections"] == before, timeout=15)
        assert time.monotonic() - started < 4 * PING_SECONDS + 3
    finally:
        sock.close()


def test_100_listen_only_clients_get_every_event_over_many_ping_rounds(stack: Stack) -> None:
    users = [f"listener-{uuid.uuid4().hex[:6]}" for _ in range(10)]
    clients = {user: [listen_only(stack, user) for _ in range(10)] for user in users}
    try:
        time.sleep(FORMER_IDLE_LIMIT_SECONDS * 1.5)
        created: dict[str, list[str]] = {user: [] for user in users}
        for _ in range(4):  # events spread over several ping rounds and idle limits
            for user in users:
                created[user] += create_tasks(stack, user, 2)
            time.sleep(FORMER_IDLE_LIMIT_SECONDS)
        for user, connections in clients.items():
            for ws in connections:
                got = [
                    receive_until(ws, lambda m: m["type"] == "task.created")["data"]["id"]
                    for _ in created[user]
                ]
                assert got == created[user]
    finally:
        for connections in clients.values():
            for ws in connections:
                ws.close()


# -- hostile clients ---------------------------------------------------------------


def random_char(rng: random.Random) -> str:
    code = rng.randrange(1, 0x2FFFF)
    return "?" if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate is not UTF-8


def random_frames(rng: random.Random, count: int) -> Iterator[str | bytes]:
    nasty = [
        "",
        " ",
        "null",
        "{}",
        "[]",
        '"type"',
        "{" * 2000,
        "[" * 2000 + "]" * 2000,  # deeper than json's recursion limit
        '{"type": null}',
        '{"type": ["resume"]}',
        '{"type": "resume"}',
        '{"type": "resume", "after_seq": -1}',
        '{"type": "resume", "after_seq": 100000000000000000000000000}',
        '{"type": "resume", "after_seq": 1e309}',
        '{"type": "resume", "after_seq": NaN}',
        '{"type": "ping", "x": "\\ud800"}',
        "\x00\x01\x02",
        "\u202e\ufeff\U0001f4a9",
    ]
    for i in range(count):
        kind = i % 4
        if kind == 0:
            yield rng.choice(nasty)
        elif kind == 1:
            yield "".join(random_char(rng) for _ in range(rng.randrange(1, 200)))
        elif kind == 2:
            yield rng.randbytes(rng.randrange(1, 512))
        else:
            yield json.dumps({"type": rng.choice(["ping", "resume", "x" * 50, 7])}).encode()


def test_random_text_and_binary_frames_crash_nothing_and_cost_others_nothing(
    stack: Stack,
) -> None:
    rng = random.Random(1609)
    with observed(stack), ws_connect(stack, f"fuzz-{uuid.uuid4().hex[:6]}") as ws:
        for frame in random_frames(rng, 400):
            ws.send(frame)
            # Each frame gets at most one answer; read it so the queue never overflows.
            answer = receive_json(ws)
            assert answer["type"] in {"pong", "error", "resume.complete", "resume.gap"}, answer
        ws.send(iter(["{", '"type": ', '"ping"}']))  # one message in three fragments
        assert receive_until(ws, lambda m: m["type"] == "pong")
        ws.send(json.dumps({"type": "ping"}))
        assert receive_until(ws, lambda m: m["type"] == "pong")


@pytest.mark.parametrize("size", [MAX_MESSAGE_BYTES + 1, 1 << 20, 17 << 20])
def test_huge_frames_are_closed_with_1009_and_cost_others_nothing(stack: Stack, size: int) -> None:
    with observed(stack):
        for frame in ("x" * size, b"\x00" * size):
            with ws_connect(stack, f"huge-{uuid.uuid4().hex[:6]}") as ws:
                with contextlib.suppress(ConnectionClosed):
                    ws.send(frame)
                assert close_code(ws) == 1009


def test_a_flood_ends_in_pongs_or_a_1013_and_costs_others_nothing(stack: Stack) -> None:
    with observed(stack), ws_connect(stack, f"flood-{uuid.uuid4().hex[:6]}") as ws:
        pongs = 0
        closed: int | None = None
        for _ in range(5000):
            try:
                ws.send('{"type": "ping"}')
            except ConnectionClosed as exc:
                closed = exc.rcvd.code if exc.rcvd else None
                break
        if closed is None:
            with contextlib.suppress(ConnectionClosed):
                while pongs < 5000:
                    pongs += receive_json(ws)["type"] == "pong"
        assert pongs == 5000 or closed == 1013 or ws.close_code == 1013


def test_half_open_connections_and_garbage_on_the_port_cost_others_nothing(
    stack: Stack,
) -> None:
    before = stats(stack)["active_connections"]
    with observed(stack):
        socks = [half_open(stack, f"ho-{i}") for i in range(20)]
        port = stack.instances["websocket"].app_port
        for payload in (b"\x16\x03\x01\x02\x00", os.urandom(4096), b"GET /ws HTTP/1.1\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", port)) as raw:
                raw.sendall(payload)
        eventually(lambda: stats(stack)["active_connections"] <= before + 1, timeout=20)
        for sock in socks:
            sock.close()


# -- isolation ---------------------------------------------------------------------


def test_one_user_never_receives_another_users_events_live_or_on_resume(stack: Stack) -> None:
    alice, bob = f"alice-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, alice) as alice_ws, ws_connect(stack, bob) as bob_ws:
        bob_ws.send(json.dumps({"type": "ping"}))
        assert receive_json(bob_ws)["type"] == "pong"
        alice_tasks = create_tasks(stack, alice, 5)
        got = [receive_until(alice_ws, lambda m: m["type"] == "task.created") for _ in range(5)]
        assert [m["data"]["id"] for m in got] == alice_tasks
        assert_silent(bob_ws)
        # Resume from the start, with alice's seqs, and with a forged user field: bob's
        # log is empty, so nothing but the completion comes back.
        for request in (
            {"type": "resume", "after_seq": 0},
            {"type": "resume", "after_seq": got[0]["seq"]},
            {"type": "resume", "after_seq": 0, "user_id": alice, "sub": alice},
        ):
            bob_ws.send(json.dumps(request))
            done = receive_json(bob_ws)
            assert done["type"] == "resume.complete", done
        assert_silent(bob_ws)
    with ws_connect(stack, bob) as again:
        again.send(json.dumps({"type": "resume", "after_seq": 0}))
        assert receive_json(again)["type"] == "resume.complete"
        [bob_task] = create_tasks(stack, bob, 1)
        message = receive_until(again, lambda m: m["type"] == "task.created")
        assert message["data"]["id"] == bob_task and message["seq"] == 1
