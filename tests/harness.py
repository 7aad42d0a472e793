"""What tests need to drive the real system: tokens, HTTP and WebSocket clients, waiting."""

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from websockets.sync.client import ClientConnection, connect

from devstack.stack import DEV_JWT_SECRET, Stack
from todo_common.auth import create_token

T = TypeVar("T")


def log_lines(stack: Stack, process_name: str) -> list[dict[str, Any]]:
    """The JSON log lines a process of the stack has written so far."""
    assert stack.config.log_dir is not None
    path = stack.config.log_dir / f"{process_name}.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.startswith("{")]


def token_for(user_id: str, secret: str = DEV_JWT_SECRET) -> str:
    return create_token(user_id, secret)


def api_client(stack: Stack, user_id: str | None = None, **headers: str) -> httpx.Client:
    base = stack.instances["backend"].base_url
    all_headers = dict(headers)
    if user_id is not None:
        all_headers["Authorization"] = f"Bearer {token_for(user_id, stack.config.jwt_secret)}"
    return httpx.Client(base_url=base, headers=all_headers, timeout=15.0)


def ws_connect(stack: Stack, user_id: str, instance: str = "websocket") -> ClientConnection:
    port = stack.instances[instance].app_port
    token = token_for(user_id, stack.config.jwt_secret)
    return connect(f"ws://127.0.0.1:{port}/ws?token={token}", open_timeout=10)


def receive_json(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    message = json.loads(ws.recv(timeout=timeout))
    assert isinstance(message, dict)
    return message


def assert_silent(ws: ClientConnection, seconds: float = 1.5) -> None:
    """Nothing more arrives within `seconds`."""
    try:
        message = ws.recv(timeout=seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message: {message!r}")


def receive_until(
    ws: ClientConnection, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15.0
) -> dict[str, Any]:
    """The first message matching `predicate`, skipping others, within `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no matching WebSocket message before the deadline")
        message = receive_json(ws, timeout=remaining)
        if predicate(message):
            return message


def eventually(check: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met before the deadline")
        time.sleep(interval)
