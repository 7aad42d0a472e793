"""The websocket service's routes: the `task-updates` subscriber, the socket, `/stats`."""

from typing import Any

import structlog
from fastapi import APIRouter, Depends, WebSocket

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import SUCCESS, Subscription, require_dapr_caller, subscription_router
from todo_common.events import TASK_UPDATES_TOPIC, CloudEvent
from todo_websocket.connections import ConnectionRegistry
from todo_websocket.messages import message_from_event
from todo_websocket.metrics import WebsocketMetrics
from todo_websocket.settings import WebsocketSettings
from todo_websocket.subscription import SubscriptionProbe
from todo_websocket.sync import Resume, serve_client

logger = structlog.get_logger()

TASK_UPDATES_ROUTE = "/events/task-updates"


def websocket_router(
    *,
    settings: WebsocketSettings,
    registry: ConnectionRegistry,
    resume: Resume,
    probe: SubscriptionProbe,
    metrics: WebsocketMetrics,
) -> APIRouter:
    router = APIRouter()
    router.include_router(
        subscription_router(
            [Subscription(settings.pubsub_name, TASK_UPDATES_TOPIC, TASK_UPDATES_ROUTE)]
        )
    )

    @router.post(
        TASK_UPDATES_ROUTE, include_in_schema=False, dependencies=[Depends(require_dapr_caller)]
    )
    async def on_task_update(event: CloudEvent) -> dict[str, str]:
        # Idempotent: each client skips a seq (or, unsequenced, an event id) it already has,
        # so a redelivery sends nothing twice.
        if probe.on_event(event):
            return SUCCESS
        with correlation_scope(event.correlationid):
            user_id, message = message_from_event(event)
            count = registry.deliver(
                user_id, message.model_dump_json(), message.seq, event_id=event.id
            )
            metrics.enqueued.labels(event.type).inc(count)
            logger.info(
                "ws.event_fanned_out",
                type=event.type,
                event_id=event.id,
                user_id=user_id,
                seq=message.seq,
                clients=count,
            )
        return SUCCESS

    @router.websocket("/ws")
    async def websocket_endpoint(websocket: WebSocket) -> None:
        await serve_client(websocket, registry, settings, resume)

    @router.get("/stats", tags=["operations"])
    async def stats() -> dict[str, Any]:
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

    return router
