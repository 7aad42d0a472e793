"""Per-client ordering rules of the websocket service, with a fake socket (no I/O)."""

import asyncio
import json
from typing import Any

from todo_websocket.connections import ConnectionRegistry


def registry(queue_size: int = 10) -> tuple[ConnectionRegistry, list[Any]]:
    gaps: list[Any] = []
    reg = ConnectionRegistry(max_connections=5, queue_size=queue_size, on_gap=gaps.append)
    return reg, gaps


def drain(queue: asyncio.Queue[str]) -> list[int]:
    out = []
    while not queue.empty():
        out.append(json.loads(queue.get_nowait())["seq"])
    return out


def msg(seq: int) -> str:
    return json.dumps({"seq": seq})


def test_duplicates_are_skipped_per_client() -> None:
    reg, _ = registry()
    conn = reg.add("alice", websocket=None)  # type: ignore[arg-type]
    for seq in (1, 2, 2, 1, 3):
        reg.deliver("alice", msg(seq), seq)
    assert drain(conn.queue) == [1, 2, 3]


def test_a_gap_holds_the_message_and_asks_for_a_backfill() -> None:
    reg, gaps = registry()
    conn = reg.add("alice", websocket=None)  # type: ignore[arg-type]
    reg.deliver("alice", msg(1), 1)
    reg.deliver("alice", msg(3), 3)
    assert drain(conn.queue) == [1]
    assert gaps == [conn] and conn.held == [(3, msg(3))]


def test_overflow_marks_the_client_and_counts_drops() -> None:
    reg, _ = registry(queue_size=2)
    conn = reg.add("bob", websocket=None)  # type: ignore[arg-type]
    for seq in (1, 2, 3):
        reg.deliver("bob", msg(seq), seq)
    assert conn.overflowed and conn.overflow.is_set()
    assert reg.stats.messages_dropped == 1


def test_other_users_get_nothing_and_capacity_is_counted() -> None:
    reg, _ = registry()
    alice = reg.add("alice", websocket=None)  # type: ignore[arg-type]
    assert reg.deliver("bob", msg(1), 1) == 0
    assert alice.queue.empty()
    for i in range(4):
        reg.add(f"u{i}", websocket=None)  # type: ignore[arg-type]
    assert reg.is_full() and reg.active_connections == 5 and reg.users == 5
