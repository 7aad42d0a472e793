"""Per-client ordering rules of the websocket service, with a fake socket (no I/O)."""

import asyncio
import json
from typing import Any

from todo_websocket.connections import ClientConnection, ConnectionRegistry


def registry(queue_size: int = 10) -> tuple[ConnectionRegistry, list[Any]]:
    gaps: list[Any] = []
    reg = ConnectionRegistry(max_connections=5, queue_size=queue_size, on_gap=gaps.append)
    return reg, gaps


def live(reg: ConnectionRegistry, user: str) -> ClientConnection:
    """A connection past its initial hold (no resume requested)."""
    connection = reg.add(user, websocket=None)  # type: ignore[arg-type]
    connection.release()
    return connection


def drain(queue: asyncio.Queue[str]) -> list[int]:
    out = []
    while not queue.empty():
        out.append(json.loads(queue.get_nowait())["seq"])
    return out


def msg(seq: int) -> str:
    return json.dumps({"seq": seq})


def test_duplicates_are_skipped_per_client() -> None:
    reg, _ = registry()
    conn = live(reg, "alice")
    for seq in (1, 2, 2, 1, 3):
        reg.deliver("alice", msg(seq), seq)
    assert drain(conn.queue) == [1, 2, 3]


def test_a_gap_holds_the_message_and_asks_for_a_backfill() -> None:
    reg, gaps = registry()
    conn = live(reg, "alice")
    reg.deliver("alice", msg(1), 1)
    reg.deliver("alice", msg(3), 3)
    assert drain(conn.queue) == [1]
    assert gaps == [conn] and conn.held == [(3, msg(3))]


def test_overflow_marks_the_client_and_counts_drops() -> None:
    reg, _ = registry(queue_size=2)
    conn = live(reg, "bob")
    for seq in (1, 2, 3):
        reg.deliver("bob", msg(seq), seq)
    assert conn.overflowed and conn.overflow.is_set()
    assert reg.messages_dropped == 1


def test_other_users_get_nothing_and_capacity_is_counted() -> None:
    reg, _ = registry()
    alice = live(reg, "alice")
    assert reg.deliver("bob", msg(1), 1) == 0
    assert alice.queue.empty()
    for i in range(4):
        live(reg, f"u{i}")
    assert reg.is_full() and reg.active_connections == 5 and reg.users == 5


def test_a_new_client_is_held_until_it_resumes_or_goes_live_then_gets_order() -> None:
    reg, _ = registry()
    conn = reg.add("carol", websocket=None)  # type: ignore[arg-type]
    for seq in (7, 5, 6):
        reg.deliver("carol", msg(seq), seq)
    assert conn.queue.empty()
    conn.release()
    assert drain(conn.queue) == [5, 6, 7]


def test_a_rewind_never_sends_a_seq_twice() -> None:
    reg, _ = registry()
    conn = live(reg, "dan")
    reg.deliver("dan", msg(5), 5)
    conn.last_sent_seq = 1  # a resume after 1 arrives late
    for seq in (2, 3, 4, 5, 6):
        conn.offer_in_order(msg(seq), seq)
    assert drain(conn.queue) == [5, 2, 3, 4, 6]


def test_an_unsequenced_redelivery_is_sent_once_per_client() -> None:
    reg, _ = registry()
    conn = live(reg, "alice")
    held = reg.add("alice", websocket=None)  # type: ignore[arg-type]  # still held
    for event_id in ("rem-1", "rem-1", "rem-2", "rem-1"):
        reg.deliver("alice", json.dumps({"id": event_id}), None, event_id=event_id)
    held.release()
    for connection in (conn, held):
        sent = [json.loads(connection.queue.get_nowait())["id"] for _ in range(2)]
        assert sent == ["rem-1", "rem-2"] and connection.queue.empty()


def test_unsequenced_dedupe_memory_is_bounded() -> None:
    reg, _ = registry(queue_size=1000)
    conn = live(reg, "alice")
    for n in range(600):
        reg.deliver("alice", json.dumps({"n": n}), None, event_id=f"rem-{n}")
    assert len(conn.seen_unsequenced) == 256
    assert conn.queue.qsize() == 600
    # The oldest were forgotten; the recent ones are still dropped as redeliveries.
    reg.deliver("alice", "{}", None, event_id="rem-599")
    assert conn.queue.qsize() == 600
