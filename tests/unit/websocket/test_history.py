"""Resume and backfill drive a ClientConnection through its own methods (no I/O)."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from todo_common.dapr.client import DaprError
from todo_common.events import CloudEvent, EventLogPage, TaskEventType
from todo_websocket.connections import ConnectionRegistry
from todo_websocket.history import EventHistory
from todo_websocket.subscription import PROBE_EVENT_TYPE, SubscriptionProbe


def task_event(user: str, seq: int) -> CloudEvent:
    now = datetime.now(UTC).isoformat()
    task = {"id": f"t{seq}", "title": "x", "completed": False, "priority": "low", "tags": [],
            "due_at": None, "remind_at": None, "completed_at": None, "created_at": now,
            "updated_at": now, "recurrence": None}  # fmt: skip
    return CloudEvent(
        type=TaskEventType.CREATED,
        source="backend",
        data={"user_id": user, "seq": seq, "task": task},
    )


class FakeLog(EventHistory):
    def __init__(self, pages: list[EventLogPage | Exception]) -> None:
        super().__init__(None, limit=100)  # type: ignore[arg-type]
        self.pages = pages
        self.calls: list[int] = []

    async def fetch(self, user_id: str, after_seq: int) -> EventLogPage:
        self.calls.append(after_seq)
        page = self.pages.pop(0)
        if isinstance(page, Exception):
            raise page
        return page


def sent(queue: asyncio.Queue[str]) -> list[dict[str, Any]]:
    out = []
    while not queue.empty():
        out.append(json.loads(queue.get_nowait()))
    return out


async def test_resume_replays_then_releases_held_messages_then_completes() -> None:
    log = FakeLog([EventLogPage(events=[task_event("a", 2), task_event("a", 3)],
                                oldest_seq=1, latest_seq=3)])  # fmt: skip
    reg = ConnectionRegistry(max_connections=5, queue_size=10, on_gap=log.backfill)
    conn = reg.add("a", websocket=None)  # type: ignore[arg-type]
    reg.deliver("a", json.dumps({"seq": 4}), 4)  # live, while the client is held
    await log.resume(conn, 1)
    messages = sent(conn.queue)
    assert [m.get("seq") for m in messages[:3]] == [2, 3, 4]
    assert messages[3] == {"type": "resume.complete", "data": {"last_seq": 4}}
    assert not conn.resuming and not conn.held


async def test_a_failed_resume_reports_an_error_and_goes_live() -> None:
    log = FakeLog([DaprError("invoke", 500, "boom")])
    reg = ConnectionRegistry(max_connections=5, queue_size=10, on_gap=log.backfill)
    conn = reg.add("a", websocket=None)  # type: ignore[arg-type]
    await log.resume(conn, 0)
    assert sent(conn.queue) == [{"type": "error", "data": {"detail": "resume failed: retry"}}]
    assert not conn.resuming


async def test_a_gap_backfills_silently_from_the_last_sent_seq() -> None:
    log = FakeLog([EventLogPage(events=[task_event("a", 2)], oldest_seq=1, latest_seq=3)])
    reg = ConnectionRegistry(max_connections=5, queue_size=10, on_gap=log.backfill)
    conn = reg.add("a", websocket=None)  # type: ignore[arg-type]
    conn.release()
    reg.deliver("a", json.dumps({"seq": 1}), 1)
    reg.deliver("a", json.dumps({"seq": 3}), 3)  # 2 is missing: held, backfill starts
    reg.deliver("a", json.dumps({"seq": 4}), 4)  # held too while the backfill runs
    await asyncio.sleep(0.01)
    assert log.calls == [1]
    assert [m.get("seq") for m in sent(conn.queue)] == [1, 2, 3, 4]  # no resume.complete
    assert reg.stats.gaps == 1


async def test_resume_older_than_the_log_announces_the_gap() -> None:
    log = FakeLog([EventLogPage(events=[task_event("a", 7)], oldest_seq=7, latest_seq=7)])
    reg = ConnectionRegistry(max_connections=5, queue_size=10, on_gap=log.backfill)
    conn = reg.add("a", websocket=None)  # type: ignore[arg-type]
    await log.resume(conn, 2)
    kinds = [m["type"] for m in sent(conn.queue)]
    assert kinds == ["resume.gap", "task.created", "resume.complete"]


async def test_the_probe_is_recognised_and_only_its_own_replica_counts_it() -> None:
    probe = SubscriptionProbe(None, pubsub="p", topic="t", replica_id="r1")  # type: ignore[arg-type]
    other = CloudEvent(type=PROBE_EVENT_TYPE, source="websocket", data={"replica_id": "r2"})
    assert probe.on_event(other) and not probe.delivered
    assert not probe.on_event(task_event("a", 1))
    own = CloudEvent(type=PROBE_EVENT_TYPE, source="websocket", data={"replica_id": "r1"})
    assert probe.on_event(own) and probe.delivered
