"""What each channel sends (rendering only; the service test covers sending)."""

from datetime import UTC, datetime
from typing import cast

import httpx
import pytest

from tests.unit.reminders.fake_dapr import FakeDapr
from todo_common.dapr.client import DaprClient, DaprError
from todo_common.events import CloudEvent, ReminderDueData, TaskSnapshot
from todo_notification.channels import (
    InAppChannel,
    email_body,
    email_metadata,
    email_subject,
    webhook_headers,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def reminder(title: str = "pay rent", description: str | None = None) -> ReminderDueData:
    task = TaskSnapshot(
        id="task-1",
        title=title,
        description=description,
        completed=False,
        priority="high",
        tags=["home", "money"],
        due_at=NOW,
        remind_at=NOW,
        completed_at=None,
        created_at=NOW,
        updated_at=NOW,
        recurrence=None,
    )
    return ReminderDueData(user_id="alice", task=task, remind_at=NOW, reminder_id="rem-1")


def test_webhook_headers_carry_idempotency_key_and_correlation_id() -> None:
    event = CloudEvent(id="rem-1", source="s", type="reminder.due", correlationid="c-1", data={})
    assert webhook_headers(event) == {
        "Content-Type": "application/cloudevents+json",
        "Idempotency-Key": "rem-1",
        "X-Correlation-ID": "c-1",
    }


def test_email_escapes_user_text_and_subject_is_one_line() -> None:
    evil = reminder(title="<b>pay</b>\r\nBcc: victim@example.com", description="<script>x</script>")
    assert "\n" not in email_subject(evil) and "\r" not in email_subject(evil)
    body = email_body(evil)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "&lt;b&gt;pay&lt;/b&gt;" in body
    assert "home, money" in body


def test_email_recipient_from_template_else_the_components_default() -> None:
    assert email_metadata(reminder(), to_template="{user_id}@example.test") == {
        "subject": "Reminder: pay rent",
        "emailTo": "alice@example.test",
    }
    assert email_metadata(reminder(), to_template=None) == {"subject": "Reminder: pay rent"}


async def test_in_app_hands_the_event_to_the_backends_event_log_and_raises_on_failure() -> None:
    answers = iter([httpx.Response(200, json={"seq": 7}), httpx.Response(503, text="down")])
    dapr = FakeDapr(on_invoke=lambda method, path, body: next(answers))
    channel = InAppChannel(cast(DaprClient, dapr))
    event = CloudEvent(
        id="rem-1", source="s", type="reminder.due", data=reminder().model_dump(mode="json")
    )
    odd = reminder().model_copy(update={"user_id": "a/b c"})

    await channel.send(event, reminder())
    with pytest.raises(DaprError):
        await channel.send(event, odd)

    [(app, method, path, body), (_, _, odd_path, _)] = dapr.invocations
    assert (app, method, path) == ("backend", "POST", "internal/users/alice/reminders")
    assert body["id"] == "rem-1" and body["data"]["reminder_id"] == "rem-1"
    assert odd_path == "internal/users/a%2Fb%20c/reminders"
