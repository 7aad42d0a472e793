"""The websocket app factory: live task sync for every connected client of a user."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from todo_common.app import create_service_app
from todo_common.dapr.app import sidecar_client
from todo_common.dapr.client import DaprClient
from todo_common.events import TASK_UPDATES_TOPIC
from todo_websocket.connections import ConnectionRegistry
from todo_websocket.history import EventHistory
from todo_websocket.metrics import WebsocketMetrics
from todo_websocket.routes import websocket_router
from todo_websocket.settings import WebsocketSettings
from todo_websocket.shutdown import close_all, install_sigterm_handler
from todo_websocket.stream_group import replica_group
from todo_websocket.subscription import SubscriptionHealth, SubscriptionProbe


def create_app(settings: WebsocketSettings | None = None) -> FastAPI:
    settings = settings or WebsocketSettings()
    dapr = DaprClient.from_settings(settings)  # its session opens on first use, in the loop
    history = EventHistory(dapr, limit=settings.history_limit)
    registry = ConnectionRegistry(
        max_connections=settings.max_connections,
        queue_size=settings.send_queue_size,
        on_gap=history.backfill,
    )
    probe = SubscriptionProbe(
        dapr, pubsub=settings.pubsub_name, topic=TASK_UPDATES_TOPIC, replica_id=settings.replica_id
    )
    subscription = SubscriptionHealth(dapr, probe)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_sigterm_handler(registry)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(sidecar_client(app, settings, client=dapr))
            # Ready only once this replica's subscription hands back its own probe event.
            app.state.health.add("subscription", subscription)
            stack.push_async_callback(close_all, registry)  # first: callbacks run LIFO
            if settings.redis_stream_group:
                # Before uvicorn opens the port, so before the sidecar subscribes.
                group = await stack.enter_async_context(
                    replica_group(
                        settings.redis_url,
                        stream=TASK_UPDATES_TOPIC,
                        replica_id=settings.replica_id,
                        interval_seconds=settings.stream_maintenance_seconds,
                    )
                )
                subscription.caught_up = group.caught_up
            probe.start()
            stack.push_async_callback(probe.stop)
            yield

    app = create_service_app(
        settings,
        title="todo-chatbot websocket",
        description="Authenticated WebSocket sync of task changes, fanned out to every replica.",
        lifespan=lifespan,
    )
    app.state.registry = registry
    metrics = WebsocketMetrics(app.state.metrics.registry, registry)
    app.include_router(
        websocket_router(
            settings=settings,
            registry=registry,
            resume=metrics.counting_resumes(history.resume),
            probe=probe,
            metrics=metrics,
        )
    )
    return app


app = create_app()
