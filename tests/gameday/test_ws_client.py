"""The game day's client bookkeeping (no system needed)."""

from bench.gameday import WsClient


async def test_a_sequenced_reminder_counts_as_a_reminder_and_as_an_event() -> None:
    client = WsClient("c1", "alice", "ws://a", ["ws://a"])
    client.handle({"type": "task.created", "seq": 1, "data": {"id": "t1"}}, "ws://a")
    reminder = {"type": "reminder.due", "seq": 2, "data": {"task": {"id": "t1"}}}
    client.handle(reminder, "ws://a")
    client.handle({"type": "resume.gap", "seq": None, "data": {}}, "ws://a")
    assert client.seqs == [1, 2] and client.last_seq == 2
    assert list(client.reminders) == ["t1"] and client.reminder_sources == {"t1": ["ws://a"]}
    assert client.gaps == 1
