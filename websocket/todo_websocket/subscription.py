"""Readiness of the live stream: a probe event this replica publishes to `task-updates`
through its own sidecar counts as proof once the subscription hands it back.

A registered subscription is not yet a delivering one (and Redis 7.0 shows a consumer
only after its first delivery), so the replica reports ready only after a round trip.
Every replica reads every event, so each ignores the probes of the others; clients never
see one. A sidecar seen unhealthy re-arms the probe.
"""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress

import structlog

from todo_common.dapr.client import DaprClient, DaprError
from todo_common.events import CloudEvent, new_event

logger = structlog.get_logger()

PROBE_EVENT_TYPE = "websocket.subscription_probed"
_RETRY_SECONDS = 0.5


class SubscriptionProbe:
    def __init__(self, dapr: DaprClient, *, pubsub: str, topic: str, replica_id: str) -> None:
        self._dapr = dapr
        self._pubsub = pubsub
        self._topic = topic
        self._replica_id = replica_id
        self._delivered = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def delivered(self) -> bool:
        return self._delivered.is_set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._probe_until_delivered())

    def rearm(self) -> None:
        """The sidecar went away: prove the subscription again once it is back."""
        if self.delivered:
            logger.info("ws.subscription_probe_rearmed")
        self._delivered.clear()
        self.start()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    def on_event(self, event: CloudEvent) -> bool:
        """True when `event` is a probe (of any replica): not for clients."""
        if event.type != PROBE_EVENT_TYPE:
            return False
        if event.data.get("replica_id") == self._replica_id and not self.delivered:
            self._delivered.set()
            logger.info("ws.subscription_live", replica_id=self._replica_id)
        return True

    async def _probe_until_delivered(self) -> None:
        while not self.delivered:
            probe = new_event(
                source="websocket", type=PROBE_EVENT_TYPE, data={"replica_id": self._replica_id}
            )
            with suppress(DaprError):  # the sidecar may not be up yet
                await self._dapr.publish(self._pubsub, self._topic, probe)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._delivered.wait(), _RETRY_SECONDS)


class SubscriptionHealth:
    """The `subscription` readiness check: sidecar up, probe delivered, and (Redis Streams)
    the replica's group caught up rather than replaying a backlog."""

    def __init__(self, dapr: DaprClient, probe: SubscriptionProbe) -> None:
        self._dapr = dapr
        self._probe = probe
        self.caught_up: Callable[[], Awaitable[bool]] | None = None

    async def __call__(self) -> bool:
        if not await self._dapr.is_healthy():
            self._probe.rearm()
            return False
        if not self._probe.delivered:
            return False
        return self.caught_up is None or await self.caught_up()
