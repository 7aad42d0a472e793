"""The reminders app factory: recurring tasks and reminder jobs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from todo_common.app import create_service_app
from todo_common.dapr import DaprClient
from todo_reminders.settings import RemindersSettings


def create_app(settings: RemindersSettings | None = None) -> FastAPI:
    settings = settings or RemindersSettings()

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
        title="todo-chatbot reminders",
        description="Next occurrences of recurring tasks; reminders via the Dapr Jobs API.",
        lifespan=lifespan,
    )


app = create_app()
