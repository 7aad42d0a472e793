"""The reminders app factory: recurring tasks and reminder jobs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from todo_common.app import create_service_app
from todo_common.dapr.app import Subscription, sidecar_client, subscription_router
from todo_common.dapr.client import DaprClient
from todo_common.events import TASK_EVENTS_TOPIC
from todo_reminders.metrics import RemindersMetrics
from todo_reminders.routes import TASK_EVENTS_ROUTE, TASK_EVENTS_WANTED
from todo_reminders.routes import router as reminders_router
from todo_reminders.service import ReminderService
from todo_reminders.settings import RemindersSettings


class SchedulerProbe:
    """Ready only while the sidecar reaches the Dapr scheduler (Jobs API).

    The sidecar's metadata keeps listing the scheduler's address after it went away, so
    the probe asks the scheduler for a job that does not exist: "not found" comes back
    at once while it is up; while it is down the sidecar holds the call (timeout).
    """

    JOB = "readiness-probe"

    def __init__(self, dapr: DaprClient) -> None:
        self._dapr = dapr

    async def __call__(self) -> bool:
        await self._dapr.get_job(self.JOB)
        return True


def create_app(settings: RemindersSettings | None = None) -> FastAPI:
    settings = settings or RemindersSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with sidecar_client(app, settings) as dapr:
            app.state.reminders = ReminderService(dapr, settings, metrics)
            if settings.require_scheduler:
                app.state.health.add("dapr-scheduler", SchedulerProbe(dapr))
            yield

    app = create_service_app(
        settings,
        title="todo-chatbot reminders",
        description="Next occurrences of recurring tasks; reminders via the Dapr Jobs API.",
        lifespan=lifespan,
    )
    metrics = RemindersMetrics(app.state.metrics.registry)
    subscriptions = [
        Subscription(
            settings.pubsub_name, TASK_EVENTS_TOPIC, TASK_EVENTS_ROUTE, match=TASK_EVENTS_WANTED
        )
    ]
    app.include_router(subscription_router(subscriptions))
    app.include_router(reminders_router)
    return app


app = create_app()
