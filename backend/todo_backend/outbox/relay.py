"""The outbox relay: publishes committed events through Dapr pub/sub, at least once.

Rows are published in insertion order per user and topic (users in parallel) and marked
sent after Dapr accepts them. A crash between publish and mark re-publishes the row after
restart: consumers dedupe by the CloudEvent `id`. On PostgreSQL, `FOR UPDATE SKIP LOCKED`
lets several replicas relay side by side without publishing the same row concurrently.
"""

import asyncio
import contextlib
import os
import signal
import time
from collections import defaultdict
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from todo_backend.db import utcnow
from todo_backend.outbox.event_log import prune_event_log
from todo_backend.outbox.models import OutboxEvent
from todo_common.correlation import correlation_scope
from todo_common.dapr import PUBSUB, DaprClient, DaprError
from todo_common.events import CloudEvent

logger = structlog.get_logger()

PRUNE_INTERVAL_SECONDS = 600.0
PUBLISH_CONCURRENCY = 16


def backoff_seconds(attempts: int, maximum: float) -> float:
    return float(min(maximum, 0.25 * 2 ** min(attempts, 16)))


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        dapr: DaprClient,
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        retention: timedelta = timedelta(hours=24),
        fault: str = "none",
    ) -> None:
        self._sessionmaker = sessionmaker
        self._dapr = dapr
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._retention = retention
        self._fault = fault
        self._wake = asyncio.Event()
        self._concurrency = asyncio.Semaphore(PUBLISH_CONCURRENCY)
        self._next_prune = 0.0
        self.published_total = 0

    def wake(self) -> None:
        """Called after a commit that wrote events, so they leave without waiting a poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                published = await self.publish_pending()
                await self._prune_now_and_then()
            except Exception:  # keep relaying whatever failed (DB restart, sidecar down)
                logger.exception("outbox.relay_failed")
                published = 0
            if published < self._batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def _prune_now_and_then(self) -> None:
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
        async with self._sessionmaker() as session:
            removed = await prune_event_log(session, retention=self._retention)
        if removed:
            logger.info("outbox.pruned", rows=removed)

    async def publish_pending(self) -> int:
        """Publish one batch of due rows; returns how many were published."""
        async with self._sessionmaker() as session:
            statement = (
                select(OutboxEvent)
                .where(
                    col(OutboxEvent.published_at).is_(None),
                    col(OutboxEvent.next_attempt_at) <= utcnow(),
                )
                .order_by(col(OutboxEvent.id))
                .limit(self._batch_size)
            )
            if session.bind and session.bind.dialect.name == "postgresql":
                statement = statement.with_for_update(skip_locked=True)
            rows = (await session.execute(statement)).scalars().all()
            # One stream of rows per (topic, user), published concurrently with the others:
            # order matters within a user's stream only.
            streams: dict[tuple[str, str | None], list[OutboxEvent]] = defaultdict(list)
            for row in rows:
                streams[(row.topic, row.user_id)].append(row)
            counts = await asyncio.gather(*(self._publish_in_order(s) for s in streams.values()))
            published = sum(counts)
            await session.commit()
        return published

    async def _publish_in_order(self, rows: list[OutboxEvent]) -> int:
        async with self._concurrency:
            for done, row in enumerate(rows):
                if not await self._publish(row):
                    return done  # nothing of this user overtakes a row that must retry
            return len(rows)

    async def _publish(self, row: OutboxEvent) -> bool:
        event = CloudEvent.model_validate_json(row.payload)
        with correlation_scope(event.correlationid):
            try:
                await self._dapr.publish(PUBSUB, row.topic, event)
            except DaprError as exc:
                row.attempts += 1
                row.last_error = str(exc)[:500]
                delay = backoff_seconds(row.attempts, self._max_backoff)
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
                logger.warning(
                    "outbox.publish_failed",
                    event_id=row.event_id,
                    topic=row.topic,
                    attempts=row.attempts,
                    retry_in_s=delay,
                    error=row.last_error,
                )
                return False
            if self._fault == "crash_after_publish":
                os.kill(os.getpid(), signal.SIGKILL)
            row.published_at = utcnow()
            row.attempts += 1
            self.published_total += 1
            logger.info("outbox.published", event_id=row.event_id, topic=row.topic, type=event.type)
            return True
