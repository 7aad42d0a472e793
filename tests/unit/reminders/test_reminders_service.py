"""The reminders service's rules against an in-memory sidecar (no I/O)."""

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from prometheus_client import CollectorRegistry

from tests.unit.reminders.fake_dapr import FakeDapr
from todo_common.dapr.app import Outcome
from todo_common.dapr.client import DaprClient
from todo_common.events import (
    REMINDER_DUE,
    REMINDERS_TOPIC,
    CloudEvent,
    TaskEventData,
    TaskEventType,
    TaskSnapshot,
)
from todo_reminders.metrics import RemindersMetrics
from todo_reminders.service import ReminderService
from todo_reminders.settings import RemindersSettings
from todo_reminders.tracking import TrackedTask, reminder_id, reminder_job_name, task_key

TASK_ID = "5e0d1c39-8f0b-4d8e-9d6f-0c7a9e2b1f33"


def make_service(dapr: FakeDapr) -> ReminderService:
    settings = RemindersSettings(job_retry_interval_seconds=1, job_max_retries=5)
    metrics = RemindersMetrics(CollectorRegistry())
    return ReminderService(cast(DaprClient, dapr), settings, metrics)


def task_event(
    event_type: str,
    seq: int,
    *,
    remind_at: datetime | None = None,
    completed: bool = False,
    recurrence: str | None = None,
    due_at: datetime | None = None,
    correlation_id: str = "corr",
) -> CloudEvent:
    now = datetime.now(UTC)
    task = TaskSnapshot(
        id=TASK_ID,
        title="stand-up",
        completed=completed,
        priority="low",
        tags=["work"],
        due_at=due_at,
        remind_at=remind_at,
        completed_at=now if completed else None,
        created_at=now,
        updated_at=now,
        recurrence=recurrence,
    )
    data = TaskEventData(user_id="alice", seq=seq, task=task)
    return CloudEvent(
        source="todo-chatbot/backend",
        type=event_type,
        subject=TASK_ID,
        correlationid=correlation_id,
        data=data.model_dump(mode="json"),
    )


async def test_task_with_future_reminder_gets_a_job_due_at_that_instant() -> None:
    dapr = FakeDapr()
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    event = task_event(TaskEventType.CREATED, 1, remind_at=remind_at, correlation_id="c-1")

    assert await make_service(dapr).handle_task_event(event) is Outcome.DONE

    job = dapr.jobs[reminder_job_name(TASK_ID)]
    assert job.due_time == remind_at.isoformat()
    assert job.data["remind_at"] == remind_at.isoformat().replace("+00:00", "Z")
    assert job.data["correlation_id"] == "c-1"
    assert job.data["seq"] == 1
    assert job.failure_policy == {"constant": {"interval": "1s", "maxRetries": 5}}
    assert dapr.ttls[task_key(TASK_ID)] == -1  # active records never expire


async def test_reschedule_overwrites_and_the_old_trigger_is_dropped_as_stale() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    first = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1, remind_at=first))
    old_job = dapr.jobs[reminder_job_name(TASK_ID)].data
    second = first + timedelta(minutes=10)
    await service.handle_task_event(task_event(TaskEventType.UPDATED, 2, remind_at=second))

    assert dapr.jobs[reminder_job_name(TASK_ID)].due_time == second.isoformat()
    assert await service.fire(reminder_job_name(TASK_ID), old_job) is Outcome.DROPPED
    assert dapr.topic(REMINDERS_TOPIC) == []


async def test_completing_cancels_the_job() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1, remind_at=remind_at))
    await service.handle_task_event(
        task_event(TaskEventType.COMPLETED, 2, remind_at=remind_at, completed=True)
    )
    assert reminder_job_name(TASK_ID) not in dapr.jobs
    assert dapr.job_log[-1] == ("delete", reminder_job_name(TASK_ID))
    assert dapr.ttls[task_key(TASK_ID)] == RemindersSettings().finished_task_ttl_seconds


async def test_fired_job_publishes_reminder_due_with_the_changes_correlation_id() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(
        task_event(TaskEventType.CREATED, 1, remind_at=remind_at, correlation_id="set-it")
    )
    job = dapr.jobs[reminder_job_name(TASK_ID)].data

    assert await service.fire(reminder_job_name(TASK_ID), job) is Outcome.DONE

    [event] = dapr.topic(REMINDERS_TOPIC)
    assert event.type == REMINDER_DUE
    assert event.id == reminder_id(TASK_ID, remind_at)
    assert event.correlationid == "set-it"
    assert event.data["reminder_id"] == event.id
    assert event.data["user_id"] == "alice"
    assert event.data["task"]["id"] == TASK_ID
    assert datetime.fromisoformat(event.data["remind_at"]) == remind_at


async def test_job_data_wrapped_as_protobuf_any_is_understood() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1, remind_at=remind_at))
    data = dapr.jobs[reminder_job_name(TASK_ID)].data
    wrapped = {"@type": "type.googleapis.com/google.protobuf.Value", "value": data}
    assert await service.fire(reminder_job_name(TASK_ID), wrapped) is Outcome.DONE


async def test_reminder_for_a_task_that_no_longer_exists_is_dropped() -> None:
    dapr = FakeDapr()
    job = {
        "task_id": TASK_ID,
        "user_id": "alice",
        "remind_at": datetime.now(UTC).isoformat(),
        "seq": 1,
    }
    assert await make_service(dapr).fire(reminder_job_name(TASK_ID), job) is Outcome.DROPPED
    assert dapr.published == []


@pytest.mark.parametrize(
    "body", [None, {"nonsense": True}, "text", {"task_id": "other", "user_id": "u", "seq": 1}]
)
async def test_unusable_trigger_is_dropped_not_retried(body: Any) -> None:
    assert await make_service(FakeDapr()).fire(reminder_job_name(TASK_ID), body) is (
        Outcome.DROPPED
    )


async def test_trigger_is_retried_while_the_state_store_is_down() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1, remind_at=remind_at))
    data = dapr.jobs[reminder_job_name(TASK_ID)].data
    dapr.state_down = True
    assert await service.fire(reminder_job_name(TASK_ID), data) is Outcome.RETRY


def backend_with_unique_keys(created: list[dict[str, Any]]) -> Any:
    def answer(method: str, path: str, body: Any) -> httpx.Response:
        assert (method, path) == ("POST", "internal/occurrences")
        if any(c["occurrence_key"] == body["occurrence_key"] for c in created):
            return httpx.Response(200, json={"id": "existing"})
        created.append(body)
        return httpx.Response(201, json={"id": f"task-{len(created)}"})

    return answer


async def test_duplicate_completion_creates_exactly_one_next_occurrence() -> None:
    created: list[dict[str, Any]] = []
    dapr = FakeDapr(on_invoke=backend_with_unique_keys(created))
    service = make_service(dapr)
    due = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    completed = task_event(
        TaskEventType.COMPLETED,
        3,
        completed=True,
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        due_at=due,
        remind_at=due - timedelta(minutes=15),
    )

    assert await service.handle_task_event(completed) is Outcome.DONE
    assert await service.handle_task_event(completed) is Outcome.DONE  # redelivered

    assert len(dapr.invocations) == 2
    [body] = created
    assert body["occurrence_key"] == f"{TASK_ID}:2026-01-12T09:00:00+00:00"
    assert body["due_at"] == "2026-01-12T09:00:00+00:00"
    assert body["remind_at"] == "2026-01-12T08:45:00+00:00"
    assert body["user_id"] == "alice"


async def test_backend_unavailable_means_retry_and_refusal_means_drop() -> None:
    recurring: dict[str, Any] = {
        "completed": True,
        "recurrence": "FREQ=DAILY",
        "due_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    down = FakeDapr(on_invoke=lambda *_: httpx.Response(500, text="no backend"))
    outcome = await make_service(down).handle_task_event(
        task_event(TaskEventType.COMPLETED, 2, **recurring)
    )
    assert outcome is Outcome.RETRY

    refused = FakeDapr(on_invoke=lambda *_: httpx.Response(422, json={"detail": "bad"}))
    outcome = await make_service(refused).handle_task_event(
        task_event(TaskEventType.COMPLETED, 2, **recurring)
    )
    assert outcome is Outcome.DONE


async def test_event_with_unusable_data_is_dropped() -> None:
    event = CloudEvent(source="x", type=TaskEventType.CREATED, data={"user_id": "alice"})
    assert await make_service(FakeDapr()).handle_task_event(event) is Outcome.DROPPED


async def test_out_of_order_older_event_does_not_resurrect_a_reminder() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.DELETED, 4, remind_at=remind_at))
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1, remind_at=remind_at))
    assert reminder_job_name(TASK_ID) not in dapr.jobs


async def test_a_newer_change_landing_during_our_job_operation_wins() -> None:
    """Another replica applies seq 3 (no reminder) while we schedule for seq 2."""
    dapr = FakeDapr()
    service = make_service(dapr)
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.CREATED, 1))
    raced = False

    def other_replica_writes(_: str) -> None:
        nonlocal raced
        if raced:
            return
        raced = True
        value, _version = dapr.state[task_key(TASK_ID)]
        newer = TrackedTask.model_validate(value).model_copy(update={"seq": 3, "job": None})
        dapr.put(task_key(TASK_ID), newer.model_dump(mode="json"))

    dapr.after_job_op = other_replica_writes
    await service.handle_task_event(task_event(TaskEventType.UPDATED, 2, remind_at=remind_at))

    assert dapr.job_log[-2:] == [
        ("schedule", reminder_job_name(TASK_ID)),
        ("delete", reminder_job_name(TASK_ID)),
    ]
    assert reminder_job_name(TASK_ID) not in dapr.jobs


async def test_a_plain_new_task_needs_no_record_until_it_gets_a_reminder() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)

    outcome = await service.handle_task_event(task_event(TaskEventType.CREATED, 1))

    assert outcome is Outcome.DONE
    assert task_key(TASK_ID) not in dapr.state
    assert dapr.job_log == []
    remind_at = datetime.now(UTC) + timedelta(minutes=5)
    await service.handle_task_event(task_event(TaskEventType.UPDATED, 2, remind_at=remind_at))
    assert TrackedTask.model_validate(dapr.state[task_key(TASK_ID)][0]).seq == 2
    assert dapr.job_log == [("schedule", reminder_job_name(TASK_ID))]
