"""Reminders end to end: real daprd sidecars, the Dapr scheduler (Jobs API) and Redis.

Recurring completion -> next occurrence (once, even when the event is delivered twice);
remind_at -> Dapr job -> reminder.due -> notification -> the user's WebSocket, with
reschedule, cancel, and restarts of reminders and of the scheduler on the way.
"""

import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, log_lines, receive_json, ws_connect
from tests.topics import topic_events

pytestmark = pytest.mark.e2e

Message = dict[str, Any]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster, pubsub: str
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp(f"reminders-{pubsub}")
    database = postgres.create_database(f"reminders_e2e_{pubsub}")
    # No chat here: the backend runs its NLU on rules alone instead of loading the model.
    # The tests marked both_brokers run on Kafka too (the pub/sub path); the others test
    # the scheduler and the services, the same on either broker.
    config = make_stack_config(tmp, database, nlu_model=False, pubsub=pubsub)
    # Scheduler retries of a failed trigger, short for the tests.
    config.app_env["reminders"] = {"REMINDERS_JOB_RETRY_INTERVAL_SECONDS": "1"}
    with Stack(config) as running:
        yield running


# -- helpers -----------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def create_task(api: httpx.Client, correlation_id: str | None = None, **fields: Any) -> Message:
    headers = {"X-Correlation-ID": correlation_id} if correlation_id else {}
    response = api.post("/api/tasks", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    task: Message = response.json()
    return task


def collect_until(
    ws: ClientConnection, done: Callable[[Message], bool], timeout: float
) -> list[Message]:
    """Every message received until one satisfies `done` (included), within `timeout`."""
    deadline = time.monotonic() + timeout
    received: list[Message] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            kinds = [(m.get("type"), m.get("data", {}).get("task", {}).get("id")) for m in received]
            raise TimeoutError(f"no matching WebSocket message; received {kinds}")
        message = receive_json(ws, timeout=remaining)
        received.append(message)
        if done(message):
            return received


def reminder_for(task_id: str) -> Callable[[Message], bool]:
    def matches(message: Message) -> bool:
        return bool(
            message.get("type") == "reminder.due" and message["data"]["task"]["id"] == task_id
        )

    return matches


def reminders_of(messages: list[Message], task_id: str) -> list[Message]:
    return [m for m in messages if reminder_for(task_id)(m)]


def sidecar(stack: Stack, name: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{stack.instances[name].sidecar.http}", timeout=10
    )


def job_exists(stack: Stack, task_id: str) -> bool:
    with sidecar(stack, "reminders") as dapr:
        return dapr.get(f"/v1.0-alpha1/jobs/reminder-{task_id}").status_code == 200


def job_due(stack: Stack, task_id: str) -> datetime | None:
    with sidecar(stack, "reminders") as dapr:
        response = dapr.get(f"/v1.0-alpha1/jobs/reminder-{task_id}")
    return datetime.fromisoformat(response.json()["dueTime"]) if response.is_success else None


def logged(stack: Stack, name: str, event: str) -> list[Message]:
    """The app's JSON log lines for `event` (from its log file: survives restarts)."""
    return [line for line in log_lines(stack, name) if line.get("event") == event]


def after(moment: datetime, seconds: float = 2.0) -> datetime:
    """A sentinel's reminder time: due after `moment` (and after now), so that once the
    sentinel's reminder is here, the earlier one (or its duplicate) would be too."""
    return max(moment, datetime.now(UTC)) + timedelta(seconds=seconds)


def wait_until(moment: datetime) -> None:
    """Let the clock pass `moment` (a deadline in the test's scenario, not a condition)."""
    eventually(lambda: datetime.now(UTC) > moment, timeout=60, interval=0.05)


def stream_events(stack: Stack, stream: str) -> list[Message]:
    return topic_events(stack, stream)


# -- recurring tasks ---------------------------------------------------------------------


@pytest.mark.both_brokers
def test_complete_recurring_task_creates_one_next_occurrence_despite_duplicate_event(
    stack: Stack,
) -> None:
    user = f"rec-{uuid.uuid4().hex[:6]}"
    due = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday
    with api_client(stack, user) as api:
        task = create_task(
            api,
            title="weekly report",
            description="numbers",
            priority="high",
            tags=["work"],
            due_at=iso(due),
            remind_at=iso(due - timedelta(minutes=30)),
            recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
        )
        completed = api.post(f"/api/tasks/{task['id']}/complete")
        assert completed.status_code == 200, completed.text

        def next_occurrences() -> list[Message]:
            items: list[Message] = api.get("/api/tasks", params={"status": "pending"}).json()[
                "items"
            ]
            return [t for t in items if t["title"] == "weekly report"]

        [following] = eventually(next_occurrences, timeout=20)

        # Deliver the very same task.completed CloudEvent once more (as a broker would).
        [original] = [
            e
            for e in stream_events(stack, "task-events")
            if e.get("type") == "task.completed" and e.get("subject") == task["id"]
        ]
        duplicate = {k: v for k, v in original.items() if k not in ("topic", "pubsubname")}
        with sidecar(stack, "backend") as dapr:
            published = dapr.post(
                "/v1.0/publish/pubsub/task-events",
                content=json.dumps(duplicate),
                headers={"Content-Type": "application/cloudevents+json"},
            )
        assert published.status_code == 204, published.text
        eventually(
            lambda: [
                line
                for line in logged(stack, "reminders", "reminders.occurrence_exists")
                if line["task_id"] == task["id"]
            ],
            timeout=20,
        )
        assert len(next_occurrences()) == 1

    # Next date counted from the original due date (Monday -> Thursday), not from now.
    assert datetime.fromisoformat(following["due_at"]) == datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
    assert datetime.fromisoformat(following["remind_at"]) == datetime(
        2030, 1, 10, 8, 30, tzinfo=UTC
    )
    assert following["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert (following["description"], following["priority"], following["tags"]) == (
        "numbers",
        "high",
        ["work"],
    )
    assert following["id"] != task["id"] and not following["completed"]


# -- reminders ---------------------------------------------------------------------------


@pytest.mark.both_brokers
def test_reminder_set_three_seconds_ahead_arrives_on_the_websocket(stack: Stack) -> None:
    user = f"rem-{uuid.uuid4().hex[:6]}"
    correlation_id = f"remind-{uuid.uuid4().hex}"
    remind_at = datetime.now(UTC) + timedelta(seconds=3)
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        task = create_task(api, correlation_id, title="stretch", remind_at=iso(remind_at))
        messages = collect_until(ws, reminder_for(task["id"]), timeout=15)
        arrived = datetime.now(UTC)

    [reminder] = reminders_of(messages, task["id"])
    assert arrived >= remind_at  # never early
    assert arrived - remind_at < timedelta(seconds=5)
    assert reminder["correlation_id"] == correlation_id
    assert datetime.fromisoformat(reminder["data"]["remind_at"]) == remind_at
    assert reminder["data"]["task"]["title"] == "stretch"
    assert reminder["data"]["reminder_id"]
    assert set(reminder) >= {"type", "seq", "data", "correlation_id", "ts"}


def test_rescheduled_reminder_fires_at_the_new_time_and_cancelled_ones_never(
    stack: Stack,
) -> None:
    user = f"res-{uuid.uuid4().hex[:6]}"
    soon = datetime.now(UTC) + timedelta(seconds=4)
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        moved = create_task(api, title="moved", remind_at=iso(soon))
        cleared = create_task(api, title="cleared", remind_at=iso(soon))
        completed = create_task(api, title="completed", remind_at=iso(soon))
        deleted = create_task(api, title="deleted", remind_at=iso(soon))
        for task in (moved, cleared, completed, deleted):
            eventually(lambda: job_exists(stack, task["id"]), timeout=10)  # noqa: B023

        later = soon + timedelta(seconds=2)
        assert api.patch(f"/api/tasks/{moved['id']}", json={"remind_at": iso(later)}).is_success
        assert api.patch(f"/api/tasks/{cleared['id']}", json={"remind_at": None}).is_success
        assert api.post(f"/api/tasks/{completed['id']}/complete").is_success
        assert api.delete(f"/api/tasks/{deleted['id']}").is_success
        eventually(lambda: job_due(stack, moved["id"]) == later, timeout=10)
        for task in (cleared, completed, deleted):
            eventually(lambda: not job_exists(stack, task["id"]), timeout=10)  # noqa: B023
        assert datetime.now(UTC) < soon, "the changes landed after the old reminder time"
        # Fires after all the cancelled ones would have: once it is here, they are not coming.
        sentinel = create_task(api, title="sentinel", remind_at=iso(after(later, 1)))

        messages = collect_until(ws, reminder_for(sentinel["id"]), timeout=20)

    [rescheduled] = reminders_of(messages, moved["id"])
    assert datetime.fromisoformat(rescheduled["data"]["remind_at"]) == later
    assert datetime.fromisoformat(rescheduled["ts"]) >= later
    for task in (cleared, completed, deleted):
        assert reminders_of(messages, task["id"]) == [], task["title"]


@pytest.mark.both_brokers
def test_restart_of_reminders_between_scheduling_and_due_time_delivers_once(
    stack: Stack,
) -> None:
    user = f"rr-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        remind_at = datetime.now(UTC) + timedelta(seconds=4)
        task = create_task(api, title="after restart", remind_at=iso(remind_at))
        eventually(lambda: job_exists(stack, task["id"]), timeout=10)
        stack.restart_instance("reminders")
        sentinel = create_task(api, title="sentinel", remind_at=iso(after(remind_at)))
        messages = collect_until(ws, reminder_for(sentinel["id"]), timeout=30)

    assert len(reminders_of(messages, task["id"])) == 1


def test_restart_of_the_scheduler_between_scheduling_and_due_time_delivers_once(
    stack: Stack,
) -> None:
    user = f"rs-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        remind_at = datetime.now(UTC) + timedelta(seconds=4)
        task = create_task(api, title="after scheduler restart", remind_at=iso(remind_at))
        eventually(lambda: job_exists(stack, task["id"]), timeout=10)
        stack.stop_scheduler()
        stack.start_scheduler()
        stack.wait_ready("reminders")  # its sidecar is connected to the scheduler again
        sentinel = create_task(api, title="sentinel", remind_at=iso(after(remind_at)))
        messages = collect_until(ws, reminder_for(sentinel["id"]), timeout=30)

    assert len(reminders_of(messages, task["id"])) == 1


def test_reminder_due_while_reminders_and_scheduler_are_down_fires_late_once(
    stack: Stack,
) -> None:
    user = f"out-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        remind_at = datetime.now(UTC) + timedelta(seconds=2)
        task = create_task(api, title="due in the outage", remind_at=iso(remind_at))
        eventually(lambda: job_exists(stack, task["id"]), timeout=10)
        stack.stop_instance("reminders")
        stack.stop_scheduler()
        wait_until(remind_at + timedelta(seconds=1))
        stack.start_scheduler()
        stack.start_instance("reminders")
        stack.wait_ready("reminders")
        recovered = datetime.now(UTC)
        messages = collect_until(ws, reminder_for(task["id"]), timeout=30)
        sentinel = create_task(api, title="sentinel", remind_at=iso(after(remind_at)))
        messages += collect_until(ws, reminder_for(sentinel["id"]), timeout=20)

    [late] = reminders_of(messages, task["id"])
    assert datetime.fromisoformat(late["ts"]) >= recovered - timedelta(seconds=1)
    assert datetime.fromisoformat(late["data"]["remind_at"]) == remind_at


@pytest.mark.both_brokers
def test_reminder_due_while_notification_is_down_arrives_after_it_restarts(
    stack: Stack,
) -> None:
    user = f"nd-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        stack.stop_instance("notification")
        try:
            remind_at = datetime.now(UTC) + timedelta(seconds=2)
            task = create_task(api, title="while notification is down", remind_at=iso(remind_at))
            eventually(
                lambda: [
                    line
                    for line in logged(stack, "reminders", "reminders.reminder_due_published")
                    if line["task_id"] == task["id"]
                ],
                timeout=15,
            )
        finally:
            stack.start_instance("notification")
            stack.wait_ready("notification")
        messages = collect_until(ws, reminder_for(task["id"]), timeout=30)
        sentinel = create_task(api, title="sentinel", remind_at=iso(after(remind_at)))
        messages += collect_until(ws, reminder_for(sentinel["id"]), timeout=20)

    assert len(reminders_of(messages, task["id"])) == 1


def test_reminder_for_a_task_that_no_longer_exists_is_dropped_with_a_log_line(
    stack: Stack,
) -> None:
    def schedule_unknown_task_reminder(task_id: str) -> None:
        now = iso(datetime.now(UTC))
        job = {"task_id": task_id, "user_id": "nobody", "remind_at": now, "seq": 1}
        with sidecar(stack, "reminders") as dapr:
            response = dapr.post(
                f"/v1.0-alpha1/jobs/reminder-{task_id}", json={"dueTime": now, "data": job}
            )
        assert response.status_code == 204, response.text

    def dropped(task_id: str) -> list[Message]:
        return [
            line
            for line in logged(stack, "reminders", "reminders.trigger_dropped")
            if line["task_id"] == task_id
        ]

    ghost, sentinel = str(uuid.uuid4()), str(uuid.uuid4())
    schedule_unknown_task_reminder(ghost)
    eventually(lambda: dropped(ghost), timeout=15)
    schedule_unknown_task_reminder(sentinel)
    eventually(lambda: dropped(sentinel), timeout=15)

    [line] = dropped(ghost)  # once: acknowledged, not retried in a loop
    assert line["reason"] == "task_unknown"
    assert line["level"] == "WARNING"
    assert not job_exists(stack, ghost)


@pytest.mark.both_brokers
def test_daprd_keeps_plain_task_creations_away_from_reminders(stack: Stack) -> None:
    """The subscription's CEL rule: a task created without a reminder never reaches the
    app; the same task's later changes, and tasks created with a reminder, do."""
    user = f"plain-{uuid.uuid4().hex[:6]}"
    with api_client(stack, user) as api:
        plain = create_task(api, title="water plants")
        renamed = api.patch(f"/api/tasks/{plain['id']}", json={"title": "water the plants"})
        assert renamed.status_code == 200
        in_an_hour = iso(datetime.now(UTC) + timedelta(hours=1))
        with_reminder = create_task(api, title="call mom", remind_at=in_an_hour)

    def seen() -> list[tuple[str, str]]:
        lines = log_lines(stack, "reminders")
        return [
            (line["type"], line["event"])
            for line in lines
            if line.get("task_id") in (plain["id"], with_reminder["id"])
            and line["event"] in ("reminders.task_tracked", "reminders.task_ignored")
        ]

    # One user's events leave the outbox in order: the plain creation went out first.
    eventually(lambda: len(seen()) >= 2, timeout=15)
    assert sorted(seen()) == [
        ("task.created", "reminders.task_tracked"),  # the one with a reminder
        ("task.updated", "reminders.task_tracked"),
    ]
