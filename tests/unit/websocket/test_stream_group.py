"""Which consumer groups a replica removes, and when it counts as caught up (no I/O)."""

import uuid

import pytest

from todo_websocket.stream_group import (
    GroupView,
    backlog_ok,
    group_name,
    is_abandoned,
    is_replica_group,
    stream_id,
    was_rewound,
)

OWN = group_name("websocket")


def test_group_names_carry_the_replica_prefix() -> None:
    assert OWN == "ws-replica-websocket"
    assert is_replica_group("ws-replica-todo-chatbot-websocket-7d9f-abcde")
    assert is_replica_group(str(uuid.uuid4()))  # left by the former `{uuid}` consumerID
    assert not is_replica_group("notification")  # another app's per-app-id group
    assert not is_replica_group("websocket")


@pytest.mark.parametrize(
    ("view", "abandoned"),
    [
        (GroupView("ws-replica-gone", alive=False, consumer_idle_ms=[]), True),
        (GroupView("ws-replica-gone", alive=False, consumer_idle_ms=[60_000]), True),
        # A sidecar still reads it (its app may be restarting): kept.
        (GroupView("ws-replica-gone", alive=False, consumer_idle_ms=[3_000]), False),
        # Its app is alive (its sidecar may be restarting): kept.
        (GroupView("ws-replica-other", alive=True, consumer_idle_ms=[60_000]), False),
        (GroupView(OWN, alive=False, consumer_idle_ms=[]), False),
        (GroupView("reminders", alive=False, consumer_idle_ms=[]), False),
    ],
)
def test_only_a_gone_replicas_group_is_abandoned(view: GroupView, abandoned: bool) -> None:
    assert is_abandoned(view, own=OWN, stale_after_ms=20_000) is abandoned


def test_caught_up_needs_a_known_small_lag() -> None:
    assert backlog_ok(0, max_backlog=1000)
    assert backlog_ok(1000, max_backlog=1000)
    assert not backlog_ok(1001, max_backlog=1000)
    assert not backlog_ok(None, max_backlog=1000)


def test_stream_ids_compare_by_time_then_sequence() -> None:
    assert stream_id("1700000000000-5") == (1700000000000, 5)
    assert stream_id("0-0") < stream_id("1-0") < stream_id("1-1") < stream_id("2-0")


def test_a_group_is_rewound_when_it_moved_back_and_lags_far_behind() -> None:
    assert was_rewound("1700-0", "0-0", 20_000, max_backlog=1000)
    assert was_rewound("1700-3", "1700-1", None, max_backlog=1000)  # lag unknown: unsafe
    assert not was_rewound("1700-0", "0-0", 5, max_backlog=1000)  # a cheap replay: kept
    assert not was_rewound("1700-0", "1800-0", 20_000, max_backlog=1000)  # moving on
    assert not was_rewound(None, "0-0", 20_000, max_backlog=1000)  # no earlier position
