"""Notification end to end: in-app, webhook (bindings.http) and email (bindings.smtp).

Real daprd sidecars, scheduler and Redis; the webhook receiver is an HTTP server on a
free loopback port started here, the mail server a local aiosmtpd sink. The webhook
sink answers 500 for users whose id starts with `fail-`.
"""

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from websockets.sync.client import ClientConnection

from devstack.infra import PostgresCluster
from devstack.ports import free_port
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, log_lines, receive_json, ws_connect
from tests.topics import topic_events

pytestmark = [pytest.mark.e2e, pytest.mark.both_brokers]

Message = dict[str, Any]
MAX_ATTEMPTS = 3


# -- sinks -------------------------------------------------------------------------------


@dataclass
class WebhookCall:
    path: str
    headers: dict[str, str]
    body: Message
    at: float


@dataclass
class WebhookSink:
    calls: list[WebhookCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def for_event(self, event_id: str) -> list[WebhookCall]:
        with self.lock:
            return [c for c in self.calls if c.headers.get("idempotency-key") == event_id]

    def serve(self) -> tuple[ThreadingHTTPServer, int]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                with sink.lock:
                    sink.calls.append(WebhookCall(self.path, headers, body, time.monotonic()))
                user = str(body.get("data", {}).get("user_id", ""))
                self.send_response(500 if user.startswith("fail-") else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, server.server_address[1]


@dataclass
class MailSink:
    mails: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = cast(bytes, envelope.original_content or envelope.content or b"")
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [mail for recipients, mail in list(self.mails) if address in recipients]


@dataclass
class Sinks:
    webhook: WebhookSink
    mail: MailSink


@pytest.fixture(scope="module")
def sinks() -> Iterator[tuple[Sinks, int, int]]:
    webhook = WebhookSink()
    server, webhook_port = webhook.serve()
    mail = MailSink()
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield Sinks(webhook, mail), webhook_port, smtp_port
    finally:
        controller.stop()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PostgresCluster,
    sinks: tuple[Sinks, int, int],
    pubsub: str,
) -> Iterator[Stack]:
    _, webhook_port, smtp_port = sinks
    tmp = tmp_path_factory.mktemp(f"notification-{pubsub}")
    database = postgres.create_database(f"notification_e2e_{pubsub}")
    # No chat here: the backend runs its NLU on rules alone instead of loading the model.
    config = make_stack_config(tmp, database, nlu_model=False, pubsub=pubsub)
    config.app_env["notification"] = {
        "NOTIFICATION_CHANNELS": "inapp,webhook,email",
        "NOTIFICATION_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
        "NOTIFICATION_EMAIL_TO_TEMPLATE": "{user_id}@example.test",
    }
    config.sidecar_env.update(
        {
            "NOTIFICATION_WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/hooks/reminders",
            "NOTIFICATION_SMTP_HOST": "127.0.0.1",
            "NOTIFICATION_SMTP_PORT": str(smtp_port),
        }
    )
    with Stack(config) as running:
        yield running


@pytest.fixture
def webhook(sinks: tuple[Sinks, int, int]) -> WebhookSink:
    return sinks[0].webhook


@pytest.fixture
def mail(sinks: tuple[Sinks, int, int]) -> MailSink:
    return sinks[0].mail


@pytest.fixture
def webhook_breaker_closes(stack: Stack) -> Iterator[None]:
    """For a test that trips the webhook's circuit breaker (`channelCB` in
    dapr/components/resiliency.yaml): afterwards, wait until the breaker lets a healthy call
    through again (after its timeout), so later tests on this module's stack start closed."""
    yield

    def healthy_call_passes() -> bool:
        with sidecar(stack, "notification") as dapr:
            response = dapr.post(
                "/v1.0/bindings/notification-webhook",
                json={"operation": "post", "data": {"data": {"user_id": "breaker-probe"}}},
            )
        return response.is_success

    eventually(healthy_call_passes, timeout=45, interval=0.5)


# -- helpers -----------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def sidecar(stack: Stack, name: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{stack.instances[name].sidecar.http}", timeout=10
    )


def reminder_message(ws: ClientConnection, task_id: str, timeout: float = 15) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message = receive_json(ws, timeout=max(deadline - time.monotonic(), 0.01))
        if message.get("type") == "reminder.due" and message["data"]["task"]["id"] == task_id:
            return message


def delivery(stack: Stack, event_id: str, channel: str) -> Message | None:
    with sidecar(stack, "notification") as dapr:
        response = dapr.get(f"/v1.0/state/statestore/delivery:{event_id}:{channel}")
    return cast(Message, response.json()) if response.status_code == 200 else None


def delivered(stack: Stack, event_id: str, channel: str, status: str) -> Message | None:
    record = delivery(stack, event_id, channel)
    return record if record and record["status"] == status else None


def dead_letters(stack: Stack) -> list[Message]:
    return topic_events(stack, "reminders-deadletter")


def logged(stack: Stack, name: str, event: str) -> list[Message]:
    """The app's JSON log lines for `event` (from its log file: survives restarts)."""
    return [line for line in log_lines(stack, name) if line.get("event") == event]


def create_task_with_reminder(
    stack: Stack, user: str, title: str, correlation_id: str, seconds: float = 2
) -> Message:
    with api_client(stack, user) as api:
        response = api.post(
            "/api/tasks",
            json={"title": title, "remind_at": iso(datetime.now(UTC) + timedelta(seconds=seconds))},
            headers={"X-Correlation-ID": correlation_id},
        )
    assert response.status_code == 201, response.text
    return cast(Message, response.json())


def wait_for(check: Callable[[], Any], timeout: float = 15) -> Any:
    return eventually(check, timeout=timeout, interval=0.1)


# -- tests -------------------------------------------------------------------------------


def test_reminder_reaches_websocket_webhook_and_email_once(
    stack: Stack, webhook: WebhookSink, mail: MailSink
) -> None:
    user = f"ann-{uuid.uuid4().hex[:6]}"
    correlation_id = f"notify-{uuid.uuid4().hex}"
    with ws_connect(stack, user) as ws:
        task = create_task_with_reminder(stack, user, "dentist <3pm>", correlation_id)
        in_app = reminder_message(ws, task["id"])

    event_id = in_app["data"]["reminder_id"]
    assert in_app["correlation_id"] == correlation_id
    for channel in ("inapp", "webhook", "email"):
        record = wait_for(lambda: delivered(stack, event_id, channel, "delivered"))  # noqa: B023
        assert record["attempts"] == 1, record

    [call] = webhook.for_event(event_id)
    assert call.path == "/hooks/reminders"
    assert call.headers["content-type"] == "application/cloudevents+json"
    assert call.headers["x-correlation-id"] == correlation_id
    assert call.body["type"] == "reminder.due" and call.body["id"] == event_id
    assert call.body["correlationid"] == correlation_id
    assert call.body["data"]["task"]["title"] == "dentist <3pm>"

    [email] = mail.to(f"{user}@example.test")
    assert email["Subject"] == "Reminder: dentist <3pm>"
    assert "reminders@todo-chatbot.local" in email["From"]
    body = email.get_payload(decode=True)
    assert isinstance(body, bytes) and b"dentist &lt;3pm&gt;" in body


def test_failing_webhook_is_retried_then_dead_lettered_without_holding_up_other_channels(
    stack: Stack, webhook: WebhookSink, mail: MailSink, webhook_breaker_closes: None
) -> None:
    user = f"fail-{uuid.uuid4().hex[:6]}"
    correlation_id = f"deadletter-{uuid.uuid4().hex}"
    with ws_connect(stack, user) as ws:
        task = create_task_with_reminder(stack, user, "renew passport", correlation_id)
        in_app = reminder_message(ws, task["id"])
    event_id = in_app["data"]["reminder_id"]
    wait_for(lambda: mail.to(f"{user}@example.test"))

    def dead_lettered() -> list[Message]:
        return [e for e in dead_letters(stack) if e.get("data", {}).get("event_id") == event_id]

    [dead] = wait_for(dead_lettered, timeout=30)
    assert dead["type"] == "reminder.delivery_failed"
    assert dead["correlationid"] == correlation_id
    assert dead["data"]["channel"] == "webhook"
    assert dead["data"]["attempts"] == MAX_ATTEMPTS
    assert "500" in dead["data"]["last_error"]
    assert dead["data"]["reminder"]["task"]["title"] == "renew passport"

    calls = webhook.for_event(event_id)
    assert len(calls) == MAX_ATTEMPTS
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(calls)]
    assert gaps[0] >= 0.4 and gaps[1] >= 0.9, gaps  # 0.5 s, then 1 s: exponential backoff
    record = delivery(stack, event_id, "webhook")
    assert record is not None
    assert (record["status"], record["attempts"]) == ("dead_lettered", MAX_ATTEMPTS)
    for channel in ("inapp", "email"):
        other = delivery(stack, event_id, channel)
        assert other is not None
        assert (other["status"], other["attempts"]) == ("delivered", 1)


def test_duplicate_reminder_event_is_delivered_once_per_channel(
    stack: Stack, webhook: WebhookSink, mail: MailSink
) -> None:
    user = f"dup-{uuid.uuid4().hex[:6]}"
    event_id = str(uuid.uuid4())
    now = iso(datetime.now(UTC))
    task_id = str(uuid.uuid4())
    task: Message = {
        "id": task_id,
        "title": "twice told",
        "description": None,
        "completed": False,
        "priority": "medium",
        "tags": [],
        "due_at": None,
        "remind_at": now,
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
        "recurrence": None,
    }
    event = {
        "specversion": "1.0",
        "id": event_id,
        "source": "todo-chatbot/reminders",
        "type": "reminder.due",
        "datacontenttype": "application/json",
        "correlationid": f"dup-{event_id}",
        "data": {"user_id": user, "task": task, "remind_at": now, "reminder_id": event_id},
    }
    with ws_connect(stack, user) as ws, sidecar(stack, "notification") as dapr:
        for _ in range(2):
            published = dapr.post(
                "/v1.0/publish/pubsub/reminders",
                content=json.dumps(event),
                headers={"Content-Type": "application/cloudevents+json"},
            )
            assert published.status_code == 204, published.text
        first = reminder_message(ws, task_id)

    def skipped() -> set[str]:
        lines = logged(stack, "notification", "notification.duplicate_skipped")
        return {line["channel"] for line in lines if line["event_id"] == event_id}

    wait_for(lambda: skipped() == {"inapp", "webhook", "email"})
    assert first["correlation_id"] == f"dup-{event_id}"
    assert len(webhook.for_event(event_id)) == 1
    assert len(mail.to(f"{user}@example.test")) == 1
    for channel in ("inapp", "webhook", "email"):
        record = delivery(stack, event_id, channel)
        assert record is not None
        assert (record["status"], record["attempts"]) == ("delivered", 1)
