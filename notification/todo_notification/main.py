"""The notification app factory: delivers due reminders once per channel."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from todo_common.app import create_service_app
from todo_common.dapr.app import Subscription, sidecar_client, subscription_router
from todo_common.dapr.client import DaprClient
from todo_common.events import REMINDERS_TOPIC
from todo_notification.channels import EmailChannel, InAppChannel, ReminderChannel, WebhookChannel
from todo_notification.deliveries import Channel
from todo_notification.metrics import NotificationMetrics
from todo_notification.routes import REMINDERS_ROUTE
from todo_notification.routes import router as notification_router
from todo_notification.service import NotificationService
from todo_notification.settings import NotificationSettings


def build_channels(
    dapr: DaprClient, settings: NotificationSettings
) -> dict[Channel, ReminderChannel]:
    available: dict[Channel, ReminderChannel] = {
        Channel.INAPP: InAppChannel(dapr),
        Channel.WEBHOOK: WebhookChannel(dapr, binding=settings.webhook_binding),
        Channel.EMAIL: EmailChannel(
            dapr, binding=settings.smtp_binding, to_template=settings.email_to_template
        ),
    }
    return {channel: available[channel] for channel in settings.channels}


class BindingsLoaded:
    """Degraded (not failing) while an enabled channel's binding component is missing."""

    def __init__(self, dapr: DaprClient, names: set[str]) -> None:
        self._dapr = dapr
        self._names = names

    async def __call__(self) -> bool:
        components = (await self._dapr.metadata()).get("components") or []
        loaded = {component.get("name") for component in components}
        return self._names <= loaded


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A binding call may take a while (SMTP); give up only after the binding would.
        timeout = max(settings.dapr_timeout_seconds, settings.binding_timeout_seconds)
        async with sidecar_client(app, settings, timeout=timeout) as dapr:
            app.state.notifications = NotificationService(
                dapr, settings, build_channels(dapr, settings), metrics
            )
            bindings = {
                name
                for channel, name in (
                    (Channel.WEBHOOK, settings.webhook_binding),
                    (Channel.EMAIL, settings.smtp_binding),
                )
                if channel in settings.channels
            }
            if bindings:
                app.state.health.add("channel-bindings", BindingsLoaded(dapr, bindings), hard=False)
            yield

    app = create_service_app(
        settings,
        title="todo-chatbot notification",
        description="Delivers due reminders in-app and through Dapr output bindings.",
        lifespan=lifespan,
    )
    metrics = NotificationMetrics(app.state.metrics.registry)
    subscriptions = [
        Subscription(
            settings.pubsub_name,
            REMINDERS_TOPIC,
            REMINDERS_ROUTE,
            # What daprd cannot hand to us (or we DROP as unusable) is kept, not lost.
            dead_letter_topic=settings.deadletter_topic,
        )
    ]
    app.include_router(subscription_router(subscriptions))
    app.include_router(notification_router)
    return app


app = create_app()
