"""Delivery records: dedupe claims, retry backoff, dead-lettering (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from todo_common.events import CloudEvent, ReminderDueData, TaskSnapshot
from todo_notification.deliveries import (
    DELIVERY_FAILED,
    Channel,
    Claim,
    DeliveryRecord,
    DeliveryStatus,
    RetryPolicy,
    claim,
    dead_letter_event,
    delivery_key,
    finish_attempt,
    outgoing_event,
    retry_job_name,
    start_attempt,
)
from todo_notification.settings import NotificationSettings

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=20)
POLICY = RetryPolicy(max_attempts=3, base_seconds=2, max_seconds=5)


def reminder() -> ReminderDueData:
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
    return ReminderDueData(user_id="alice", task=task, remind_at=NOW, reminder_id="rem-1")


def started(previous: DeliveryRecord | None = None, at: datetime = NOW) -> DeliveryRecord:
    return start_attempt(
        previous,
        event_id="rem-1",
        reminder=reminder(),
        channel=Channel.WEBHOOK,
        now=at,
        lease=LEASE,
    )


def test_keys_and_job_names_are_per_event_and_channel() -> None:
    assert delivery_key("rem-1", Channel.EMAIL) == "delivery:rem-1:email"
    name = retry_job_name("rem-1", Channel.EMAIL)
    assert name.startswith("notify-email-")
    assert name == retry_job_name("rem-1", Channel.EMAIL)
    assert name != retry_job_name("rem-1", Channel.WEBHOOK)
    assert retry_job_name("weird id/with||chars", Channel.INAPP).replace("-", "").isalnum()


def test_first_delivery_starts_and_duplicates_are_skipped() -> None:
    assert claim(None, now=NOW, attempt=None) is Claim.START
    delivered = finish_attempt(started(), error=None, now=NOW, policy=POLICY)
    assert claim(delivered, now=NOW, attempt=None) is Claim.SKIP
    assert claim(delivered, now=NOW, attempt=2) is Claim.SKIP


def test_attempt_in_flight_is_busy_until_its_lease_runs_out() -> None:
    sending = started()
    assert claim(sending, now=NOW + timedelta(seconds=5), attempt=None) is Claim.BUSY
    assert claim(sending, now=NOW + LEASE + timedelta(seconds=1), attempt=None) is Claim.START


def test_retry_job_owns_the_next_attempt_and_duplicate_triggers_are_skipped() -> None:
    failed = finish_attempt(started(), error="500", now=NOW, policy=POLICY)
    assert failed.status is DeliveryStatus.RETRY_SCHEDULED
    assert claim(failed, now=NOW, attempt=None) is Claim.SKIP  # redelivered event
    assert claim(failed, now=NOW, attempt=2) is Claim.START  # the retry job
    second = started(failed)
    assert second.attempts == 2
    assert claim(second, now=NOW, attempt=2) is Claim.SKIP  # the same trigger again
    assert claim(None, now=NOW, attempt=2) is Claim.SKIP  # record expired or never made


def test_failures_back_off_exponentially_then_dead_letter_after_the_last_attempt() -> None:
    record = started()
    waits = []
    for _ in range(POLICY.max_attempts - 1):
        record = finish_attempt(record, error="HTTP 500", now=NOW, policy=POLICY)
        assert record.status is DeliveryStatus.RETRY_SCHEDULED
        assert record.next_attempt_at is not None
        waits.append(record.next_attempt_at - NOW)
        record = started(record)
    assert waits == [timedelta(seconds=2), timedelta(seconds=4)]
    record = finish_attempt(record, error="HTTP 500", now=NOW, policy=POLICY)
    assert record.status is DeliveryStatus.DEAD_LETTERED
    assert record.attempts == 3
    assert record.last_error == "HTTP 500"


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 2), (2, 4), (3, 5), (10, 5), (60, 5)])
def test_backoff_is_capped(attempts: int, seconds: float) -> None:
    assert POLICY.backoff(attempts) == timedelta(seconds=seconds)


def test_success_after_failures_is_delivered_with_the_attempt_count() -> None:
    failed = finish_attempt(started(), error="timeout", now=NOW, policy=POLICY)
    done = finish_attempt(started(failed), error=None, now=NOW, policy=POLICY)
    assert (done.status, done.attempts, done.delivered_at) == (DeliveryStatus.DELIVERED, 2, NOW)


def test_dead_letter_event_names_the_channel_and_keeps_the_reminder() -> None:
    event = CloudEvent(
        id="rem-1", source="todo-chatbot/reminders", type="reminder.due", correlationid="c-9",
        data=reminder().model_dump(mode="json"),
    )  # fmt: skip
    record = finish_attempt(
        started().model_copy(update={"attempts": 3}), error="HTTP 500", now=NOW, policy=POLICY
    )
    failed = dead_letter_event(event, reminder(), record, source="todo-chatbot/notification")
    assert failed.type == DELIVERY_FAILED
    assert failed.id == "rem-1:webhook:dead-lettered"
    assert failed.correlationid == "c-9"
    assert failed.data["channel"] == "webhook"
    assert failed.data["attempts"] == 3
    assert failed.data["last_error"] == "HTTP 500"
    assert failed.data["reminder"]["task"]["title"] == "pay rent"


def test_outgoing_event_drops_what_dapr_added_and_keeps_the_id() -> None:
    received = CloudEvent.model_validate(
        {
            "specversion": "1.0",
            "id": "rem-1",
            "source": "todo-chatbot/reminders",
            "type": "reminder.due",
            "correlationid": "c-1",
            "topic": "reminders",
            "pubsubname": "pubsub",
            "traceid": "00-abc",
            "data": {"x": 1},
        }
    )
    out = outgoing_event(received).model_dump(mode="json", exclude_none=True)
    assert out["id"] == "rem-1" and out["correlationid"] == "c-1"
    assert not {"topic", "pubsubname", "traceid"} & set(out)


def test_channels_setting_accepts_a_comma_separated_list() -> None:
    settings = NotificationSettings(channels="inapp, webhook,email,webhook")
    assert settings.channels == (Channel.INAPP, Channel.WEBHOOK, Channel.EMAIL)
    assert NotificationSettings().channels == (Channel.INAPP,)


def test_channels_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_CHANNELS", "webhook,email")
    assert NotificationSettings().channels == (Channel.WEBHOOK, Channel.EMAIL)
    monkeypatch.setenv("NOTIFICATION_CHANNELS", "pigeon")
    with pytest.raises(ValueError, match="channels"):
        NotificationSettings()
