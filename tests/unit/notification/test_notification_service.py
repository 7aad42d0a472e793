"""The notification service against an in-memory sidecar: once per channel, retries."""

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from prometheus_client import CollectorRegistry

from tests.unit.reminders.fake_dapr import FakeDapr
from todo_common.dapr.app import Outcome
from todo_common.dapr.client import DaprClient, DaprError
from todo_common.events import (
    REMINDER_DUE,
    CloudEvent,
    ReminderDueData,
    TaskSnapshot,
)
from todo_notification.deliveries import (
    DELIVERY_FAILED,
    Channel,
    DeliveryRecord,
    DeliveryStatus,
    delivery_key,
    retry_job_name,
)
from todo_notification.main import build_channels
from todo_notification.metrics import NotificationMetrics
from todo_notification.service import NotificationService
from todo_notification.settings import NotificationSettings

NOW = datetime.now(UTC)


def make_service(dapr: FakeDapr, **overrides: Any) -> NotificationService:
    fields: dict[str, Any] = {
        "channels": "inapp,webhook,email",
        "max_attempts": 3,
        "retry_base_seconds": 1,
        "email_to_template": "{user_id}@example.test",
    }
    fields.update(overrides)
    settings = NotificationSettings(**fields)
    client = cast(DaprClient, dapr)
    metrics = NotificationMetrics(CollectorRegistry())
    return NotificationService(client, settings, build_channels(client, settings), metrics)


def in_app_calls(dapr: FakeDapr) -> list[Any]:
    """What the in-app channel handed to the backend's event log (nothing is published
    straight to task-updates: the outbox does that, with the user's seq)."""
    assert dapr.published == [] or all(t != "task-updates" for _, t, _ in dapr.published)
    return [
        body
        for app, method, path, body in dapr.invocations
        if (app, method, path) == ("backend", "POST", "internal/users/alice/reminders")
    ]


def reminder_event(event_id: str = "rem-1") -> CloudEvent:
    task = TaskSnapshot(
        id="task-1",
        title="pay rent",
        completed=False,
        priority="high",
        tags=[],
        due_at=None,
        remind_at=NOW,
        completed_at=None,
        created_at=NOW,
        updated_at=NOW,
        recurrence=None,
    )
    data = ReminderDueData(user_id="alice", task=task, remind_at=NOW, reminder_id=event_id)
    return CloudEvent(
        id=event_id,
        source="todo-chatbot/reminders",
        type=REMINDER_DUE,
        correlationid="corr-7",
        data=data.model_dump(mode="json"),
    )


def record(dapr: FakeDapr, channel: Channel, event_id: str = "rem-1") -> DeliveryRecord:
    value, _ = dapr.state[delivery_key(event_id, channel)]
    return DeliveryRecord.model_validate(value)


def failing_webhook(name: str, *_: Any) -> None:
    if name == "notification-webhook":
        raise DaprError("binding", 500, "received status code 500")


async def test_each_channel_gets_the_reminder_once_even_when_delivered_twice() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    event = reminder_event()

    assert await service.handle_reminder(event) is Outcome.DONE
    assert await service.handle_reminder(event) is Outcome.DONE  # redelivery

    [in_app] = in_app_calls(dapr)
    assert (in_app["id"], in_app["type"], in_app["correlationid"]) == (
        "rem-1",
        REMINDER_DUE,
        "corr-7",
    )
    assert sorted(b[0] for b in dapr.bindings) == ["notification-smtp", "notification-webhook"]
    webhook = next(b for b in dapr.bindings if b[0] == "notification-webhook")
    assert webhook[1] == "post" and webhook[2]["id"] == "rem-1"
    assert webhook[3]["Idempotency-Key"] == "rem-1"
    email = next(b for b in dapr.bindings if b[0] == "notification-smtp")
    assert email[1] == "create" and "pay rent" in email[2]
    assert email[3]["emailTo"] == "alice@example.test"
    for channel in Channel:
        delivered = record(dapr, channel)
        assert (delivered.status, delivered.attempts) == (DeliveryStatus.DELIVERED, 1)


async def test_copies_of_one_event_handled_side_by_side_deliver_once_without_races() -> None:
    dapr = FakeDapr()
    service = make_service(dapr)
    event = reminder_event()

    outcomes = await asyncio.gather(*(service.handle_reminder(event) for _ in range(3)))

    assert outcomes == [Outcome.DONE] * 3
    assert len(in_app_calls(dapr)) == 1
    assert sorted(b[0] for b in dapr.bindings) == ["notification-smtp", "notification-webhook"]
    assert dapr.first_write_conflicts == 0


async def test_a_failing_channel_is_retried_by_job_without_holding_up_the_others() -> None:
    dapr = FakeDapr(on_binding=failing_webhook)
    service = make_service(dapr)

    assert await service.handle_reminder(reminder_event()) is Outcome.DONE

    assert record(dapr, Channel.INAPP).status is DeliveryStatus.DELIVERED
    assert record(dapr, Channel.EMAIL).status is DeliveryStatus.DELIVERED
    failed = record(dapr, Channel.WEBHOOK)
    assert (failed.status, failed.attempts) == (DeliveryStatus.RETRY_SCHEDULED, 1)
    assert "500" in (failed.last_error or "")
    job = dapr.jobs[retry_job_name("rem-1", Channel.WEBHOOK)]
    assert job.data["attempt"] == 2 and job.data["channel"] == "webhook"
    assert datetime.fromisoformat(job.due_time) == failed.next_attempt_at


async def test_retries_end_in_the_dead_letter_topic_after_the_last_attempt() -> None:
    dapr = FakeDapr(on_binding=failing_webhook)
    service = make_service(dapr)
    await service.handle_reminder(reminder_event())
    name = retry_job_name("rem-1", Channel.WEBHOOK)

    assert await service.retry(name, dapr.jobs[name].data) is Outcome.DONE
    assert record(dapr, Channel.WEBHOOK).attempts == 2
    last_trigger = dapr.jobs[name].data
    assert await service.retry(name, last_trigger) is Outcome.DONE

    final = record(dapr, Channel.WEBHOOK)
    assert (final.status, final.attempts) == (DeliveryStatus.DEAD_LETTERED, 3)
    [dead] = dapr.topic("reminders-deadletter")
    assert dead.type == DELIVERY_FAILED
    assert dead.data["channel"] == "webhook" and dead.data["attempts"] == 3
    assert dead.correlationid == "corr-7"
    # The last trigger delivered again changes nothing.
    assert await service.retry(name, last_trigger) is Outcome.DONE
    assert len(dapr.topic("reminders-deadletter")) == 1
    assert len([b for b in dapr.bindings if b[0] == "notification-webhook"]) == 0


async def test_recovered_channel_is_delivered_on_retry() -> None:
    failures = {"left": 1}

    def flaky(name: str, *_: Any) -> None:
        if name == "notification-webhook" and failures["left"]:
            failures["left"] -= 1
            raise DaprError("binding", 500, "received status code 503")

    dapr = FakeDapr(on_binding=flaky)
    service = make_service(dapr)
    await service.handle_reminder(reminder_event())
    name = retry_job_name("rem-1", Channel.WEBHOOK)
    assert await service.retry(name, dapr.jobs[name].data) is Outcome.DONE
    done = record(dapr, Channel.WEBHOOK)
    assert (done.status, done.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert dapr.topic("reminders-deadletter") == []


async def test_an_attempt_in_flight_elsewhere_asks_for_redelivery() -> None:
    dapr = FakeDapr()
    service = make_service(dapr, channels="inapp")
    busy = DeliveryRecord(
        event_id="rem-1",
        reminder_id="rem-1",
        user_id="alice",
        channel=Channel.INAPP,
        status=DeliveryStatus.SENDING,
        attempts=1,
        lease_until=datetime(2999, 1, 1, tzinfo=UTC),
        updated_at=NOW,
    )
    dapr.put(delivery_key("rem-1", Channel.INAPP), busy.model_dump(mode="json"))
    assert await service.handle_reminder(reminder_event()) is Outcome.RETRY
    assert dapr.published == []


async def test_state_store_down_means_redelivery_later() -> None:
    dapr = FakeDapr(state_down=True)
    assert await make_service(dapr).handle_reminder(reminder_event()) is Outcome.RETRY


@pytest.mark.parametrize("data", [{}, {"user_id": "alice"}])
async def test_unusable_reminder_is_dropped_to_the_dead_letter_topic(data: dict[str, Any]) -> None:
    event = CloudEvent(source="x", type=REMINDER_DUE, data=data)
    assert await make_service(FakeDapr()).handle_reminder(event) is Outcome.DROPPED


async def test_other_event_types_are_acknowledged_and_ignored() -> None:
    dapr = FakeDapr()
    event = CloudEvent(source="x", type="something.else", data={})
    assert await make_service(dapr).handle_reminder(event) is Outcome.DONE
    assert dapr.state == {}


async def test_retry_for_a_disabled_channel_or_garbage_is_dropped() -> None:
    dapr = FakeDapr(on_binding=failing_webhook)
    await make_service(dapr).handle_reminder(reminder_event())
    name = retry_job_name("rem-1", Channel.WEBHOOK)
    inapp_only = make_service(dapr, channels="inapp")
    assert await inapp_only.retry(name, dapr.jobs[name].data) is Outcome.DROPPED
    assert await inapp_only.retry(name, {"garbage": 1}) is Outcome.DROPPED
