"""Where a reminder goes: in-app (the user's WebSockets) and Dapr output bindings.

A channel raises on failure; the service records the attempt and decides on retries.
Adding a channel is a class with `send` plus, for a binding, a component in
`dapr/components/notification-*.yaml`.
"""

import html
from typing import Protocol
from urllib.parse import quote

from todo_common.dapr.client import DaprClient, DaprError
from todo_common.events import CloudEvent, ReminderDueData
from todo_notification.deliveries import Channel, outgoing_event

BACKEND_APP_ID = "backend"


class ReminderChannel(Protocol):
    name: Channel

    async def send(self, event: CloudEvent, reminder: ReminderDueData) -> None: ...


def in_app_path(user_id: str) -> str:
    return f"internal/users/{quote(user_id, safe='')}/reminders"


class InAppChannel:
    """The user's event log: the backend gives the reminder the user's next `seq` and its
    outbox publishes it on `task-updates`, which the websocket service fans out to every
    client of the user (and replays on resume). Idempotent on the event id."""

    name = Channel.INAPP

    def __init__(self, dapr: DaprClient) -> None:
        self._dapr = dapr

    async def send(self, event: CloudEvent, reminder: ReminderDueData) -> None:
        payload = outgoing_event(event).model_dump(mode="json", exclude_none=True)
        response = await self._dapr.invoke(
            BACKEND_APP_ID, "POST", in_app_path(reminder.user_id), json=payload
        )
        if not response.is_success:
            raise DaprError("invoke", response.status_code, response.text[:500])


def webhook_headers(event: CloudEvent) -> dict[str, str]:
    """Binding metadata; `bindings.http` sends keys starting upper-case as headers."""
    headers = {
        "Content-Type": "application/cloudevents+json",
        # Receivers dedupe on this: a retry after a lost response repeats the same key.
        "Idempotency-Key": event.id,
    }
    if event.correlationid:
        headers["X-Correlation-ID"] = event.correlationid
    return headers


class WebhookChannel:
    """`bindings.http` (component `notification-webhook`): POST the CloudEvent as JSON."""

    name = Channel.WEBHOOK

    def __init__(self, dapr: DaprClient, *, binding: str) -> None:
        self._dapr = dapr
        self._binding = binding

    async def send(self, event: CloudEvent, reminder: ReminderDueData) -> None:
        payload = outgoing_event(event).model_dump(mode="json", exclude_none=True)
        await self._dapr.invoke_binding(
            self._binding, "post", payload, metadata=webhook_headers(event)
        )


def _one_line(text: str, limit: int = 150) -> str:
    return " ".join(text.split())[:limit]


def email_subject(reminder: ReminderDueData) -> str:
    return _one_line(f"Reminder: {reminder.task.title}")


def email_body(reminder: ReminderDueData) -> str:
    """HTML (what `bindings.smtp` sends); every user-supplied value is escaped."""
    task = reminder.task
    rows = [
        f"<h2>{html.escape(task.title)}</h2>",
        f"<p>Reminder for {html.escape(reminder.remind_at.isoformat())}</p>",
    ]
    if task.due_at:
        rows.append(f"<p>Due: {html.escape(task.due_at.isoformat())}</p>")
    if task.description:
        rows.append(f"<p>{html.escape(task.description)}</p>")
    if task.tags:
        rows.append(f"<p>Tags: {html.escape(', '.join(task.tags))}</p>")
    rows.append(f"<p>Priority: {html.escape(task.priority)}</p>")
    return "\n".join(rows)


def email_metadata(reminder: ReminderDueData, *, to_template: str | None) -> dict[str, str]:
    metadata = {"subject": email_subject(reminder)}
    if to_template:
        metadata["emailTo"] = to_template.format(user_id=reminder.user_id)
    return metadata


class EmailChannel:
    """`bindings.smtp` (component `notification-smtp`), operation `create`.

    The recipient is the component's `emailTo`, or `NOTIFICATION_EMAIL_TO_TEMPLATE`
    (e.g. `{user_id}@example.com`) per user when set.
    """

    name = Channel.EMAIL

    def __init__(self, dapr: DaprClient, *, binding: str, to_template: str | None) -> None:
        self._dapr = dapr
        self._binding = binding
        self._to_template = to_template

    async def send(self, event: CloudEvent, reminder: ReminderDueData) -> None:
        await self._dapr.invoke_binding(
            self._binding,
            "create",
            email_body(reminder),
            metadata=email_metadata(reminder, to_template=self._to_template),
        )
