"""The websocket app factory: live task sync for every connected client of a user."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import Depends, FastAPI, Request, WebSocket
from prometheus_client import Counter, Gauge

from todo_common.app import create_service_app
from todo_common.correlation import correlation_scope
from todo_common.dapr import (
    SUCCESS,
    DaprClient,
    Subscription,
    require_dapr_caller,
    subscription_router,
)
from todo_common.events import TASK_UPDATES_TOPIC, CloudEvent
from todo_websocket.connections import ConnectionRegistry
from todo_websocket.history import EventHistory
from todo_websocket.messages import message_from_event
from todo_websocket.settings import WebsocketSettings
from todo_websocket.shutdown import close_all, install_sigterm_handler
from todo_websocket.sync import serve_client

logger = structlog.get_logger()

TASK_UPDATES_ROUTE = "/events/task-updates"


def create_app(settings: WebsocketSettings | None = None) -> FastAPI:
    settings = settings or WebsocketSettings()
    registry = ConnectionRegistry(
        max_connections=settings.max_connections, queue_size=settings.send_queue_size
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dapr = DaprClient.from_settings(settings)
        app.state.history = EventHistory(dapr, limit=settings.history_limit)
        registry.on_gap = app.state.history.backfill
        install_sigterm_handler(registry)
        app.state.health.add("dapr-sidecar", dapr.is_healthy)
        try:
            yield
        finally:
            await close_all(registry)
            await dapr.aclose()

    app = create_service_app(
        settings,
        title="todo-chatbot websocket",
        description="Authenticated WebSocket sync of task changes, fanned out to every replica.",
        lifespan=lifespan,
    )
    app.state.registry = registry
    metrics = app.state.metrics
    Gauge(
        "websocket_active_connections",
        "Open client connections on this replica",
        registry=metrics.registry,
    ).set_function(lambda: registry.active_connections)
    delivered = Counter(
        "websocket_messages_total",
        "Messages enqueued to clients",
        ["type"],
        registry=metrics.registry,
    )

    subscriptions = [
        Subscription(settings.pubsub_name, TASK_UPDATES_TOPIC, TASK_UPDATES_ROUTE),
    ]
    app.include_router(subscription_router(subscriptions))

    @app.post(
        TASK_UPDATES_ROUTE, include_in_schema=False, dependencies=[Depends(require_dapr_caller)]
    )
    async def on_task_update(event: CloudEvent) -> dict[str, str]:
        # Idempotent: each client skips a seq it already has, so redelivery sends nothing twice.
        with correlation_scope(event.correlationid):
            user_id, message = message_from_event(event)
            count = registry.deliver(user_id, message.model_dump_json(), message.seq)
            delivered.labels(event.type).inc(count)
            logger.info(
                "ws.event_fanned_out",
                type=event.type,
                event_id=event.id,
                user_id=user_id,
                seq=message.seq,
                clients=count,
            )
        return SUCCESS

    @app.websocket("/ws")
    async def websocket_endpoint(websocket: WebSocket) -> None:
        await serve_client(websocket, registry, settings, app.state.history.resume)

    @app.get("/stats", tags=["operations"])
    async def stats(request: Request) -> dict[str, Any]:
        return {
            "replica_id": settings.replica_id,
            "active_connections": registry.active_connections,
            "users": registry.users,
            "messages_sent": registry.stats.messages_sent,
            "messages_dropped": registry.messages_dropped,
            "slow_disconnects": registry.stats.slow_disconnects,
            "refused_full": registry.stats.refused_full,
            "max_connections": settings.max_connections,
            "alert_thresholds": {
                "warning": settings.alert_warning_connections,
                "critical": settings.alert_critical_connections,
            },
        }

    return app


app = create_app()
