"""The notification app factory: delivers due reminders once per channel."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from todo_common.app import create_service_app
from todo_common.dapr import DaprClient
from todo_notification.settings import NotificationSettings


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dapr = DaprClient(settings.dapr_base_url, api_token=settings.dapr_api_token)
        app.state.dapr = dapr
        app.state.health.add("dapr-sidecar", dapr.is_healthy)
        try:
            yield
        finally:
            await dapr.aclose()

    return create_service_app(
        settings,
        title="todo-chatbot notification",
        description="Delivers due reminders in-app and through Dapr output bindings.",
        lifespan=lifespan,
    )


app = create_app()
