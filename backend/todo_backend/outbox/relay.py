"""The outbox relay: publishes committed events through Dapr pub/sub, at least once.

Rows are published in insertion order per user and topic, many users per Dapr bulk
publish call, and marked sent after Dapr accepts them. A crash between publish and mark
re-publishes the row after restart: consumers dedupe by the CloudEvent `id`. On
PostgreSQL an advisory lock lets one replica relay at a time; the others stand by.
"""

import asyncio
import contextlib
import os
import signal
import time
from collections import defaultdict, deque
from datetime import timedelta
from typing import NamedTuple

import structlog
from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col, select

from todo_backend.db import create_sessionmaker, utcnow
from todo_backend.metrics import OutboxMetrics
from todo_backend.outbox.event_log import prune_event_log
from todo_backend.outbox.models import OUTBOX_TABLE, OutboxEvent
from todo_common.dapr.client import PUBSUB, DaprClient

logger = structlog.get_logger()

PRUNE_INTERVAL_SECONDS = 600.0
BACKLOG_SAMPLE_SECONDS = 5.0
NOTIFY_CHANNEL = "outbox_event"


def backoff_seconds(attempts: int, maximum: float) -> float:
    return float(min(maximum, 0.25 * 2 ** min(attempts, 16)))


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        dapr: DaprClient,
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        retention: timedelta = timedelta(hours=24),
        fault: str = "none",
        metrics: OutboxMetrics | None = None,
    ) -> None:
        self._engine = engine
        self._sessionmaker = create_sessionmaker(engine)
        self._dapr = dapr
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._retention = retention
        self._fault = fault
        self._wake = asyncio.Event()
        self._next_prune = 0.0
        self._metrics = metrics
        self._next_backlog_sample = 0.0
        self.published_total = 0

    def wake(self) -> None:
        """Called after a commit that wrote events, so they leave without waiting a poll."""
        self._wake.set()

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen_for_commits(), name="outbox-listener")
        try:
            await self._relay_forever()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _listen_for_commits(self) -> None:
        """On PostgreSQL, wake on every commit that wrote events, in any replica or worker
        (the `outbox_event` trigger of migration 0002): the replica holding the relay lock
        publishes them at once instead of at its next poll."""
        engine = self._engine
        if engine.dialect.name != "postgresql":
            return
        while True:
            try:
                async with engine.connect() as connection:
                    driver = (await connection.get_raw_connection()).driver_connection
                    assert driver is not None
                    await driver.add_listener(NOTIFY_CHANNEL, lambda *_: self.wake())
                    while not driver.is_closed():
                        await asyncio.sleep(self._poll_seconds)
            except Exception as exc:  # PostgreSQL restarting: polling covers the gap
                logger.warning("outbox.listen_failed", error=repr(exc)[:300])
            await asyncio.sleep(self._poll_seconds)

    async def _relay_forever(self) -> None:
        while True:
            # Cleared before the batch, not after: a commit that lands while we publish
            # (or while another relay holds the lock) must wake us again.
            self._wake.clear()
            try:
                published = await self.publish_pending()
                await self._prune_now_and_then()
                await self._sample_backlog_now_and_then()
            except Exception:  # keep relaying whatever failed (DB restart, sidecar down)
                logger.exception("outbox.relay_failed")
                published = 0
            if published < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def _prune_now_and_then(self) -> None:
        if time.monotonic() < self._next_prune:
            return
        # A short retention (the benchmarks' long run) is pruned at least twice per window.
        interval = min(PRUNE_INTERVAL_SECONDS, self._retention.total_seconds() / 2)
        self._next_prune = time.monotonic() + interval
        async with self._sessionmaker() as session:
            removed = await prune_event_log(session, retention=self._retention)
        if removed:
            logger.info("outbox.pruned", rows=removed)

    async def _sample_backlog_now_and_then(self) -> None:
        if self._metrics is None or time.monotonic() < self._next_backlog_sample:
            return
        self._next_backlog_sample = time.monotonic() + BACKLOG_SAMPLE_SECONDS
        statement = sa_select(func.count(), func.min(col(OutboxEvent.created_at))).where(
            col(OutboxEvent.published_at).is_(None)
        )
        async with self._sessionmaker() as session:
            backlog, oldest = (await session.execute(statement)).one()
        self._metrics.sampled(backlog, oldest.timestamp() if oldest else None)

    async def publish_pending(self) -> int:
        """Publish one batch of due rows; returns how many were published."""
        async with self._sessionmaker() as session:
            if not await _take_relay_lock(session):
                return 0  # another replica is relaying
            statement = (
                sa_select(*_ROW_COLUMNS)
                .where(
                    col(OutboxEvent.published_at).is_(None),
                    col(OutboxEvent.next_attempt_at) <= utcnow(),
                )
                .order_by(col(OutboxEvent.id))
                .limit(self._batch_size)
            )
            rows = [PendingRow(*row) for row in (await session.execute(statement)).all()]
            published, failed = await self._publish_rows(rows)
            now = utcnow()
            if published:
                await session.execute(
                    update(OutboxEvent)
                    .where(col(OutboxEvent.id).in_([row.id for row in published]))
                    .values(published_at=now, attempts=col(OutboxEvent.attempts) + 1)
                )
            if self._metrics is not None:
                for row in published:
                    self._metrics.published.labels(row.topic).inc()
                for row, _ in failed:
                    self._metrics.publish_failures.labels(row.topic).inc()
            for row, error in failed:
                delay = backoff_seconds(row.attempts + 1, self._max_backoff)
                await session.execute(
                    update(OutboxEvent)
                    .where(col(OutboxEvent.id) == row.id)
                    .values(
                        attempts=row.attempts + 1,
                        last_error=error[:500],
                        next_attempt_at=now + timedelta(seconds=delay),
                    )
                )
                logger.warning(
                    "outbox.publish_failed",
                    event_id=row.event_id,
                    topic=row.topic,
                    attempts=row.attempts + 1,
                    retry_in_s=delay,
                    error=error[:500],
                )
            await session.commit()
        self.published_total += len(published)
        if published:
            logger.info("outbox.published", events=len(published))
        return len(published)

    async def _publish_rows(
        self, rows: list["PendingRow"]
    ) -> tuple[list["PendingRow"], list[tuple["PendingRow", str]]]:
        """Publish in rounds: each round takes the oldest unpublished row of every
        (topic, user) stream, one bulk call per topic. A user's next row goes out only after
        the previous one was accepted, and a failed row stops its stream (nothing overtakes
        a row that must be retried)."""
        streams: dict[tuple[str, str | None], deque[PendingRow]] = defaultdict(deque)
        for row in rows:
            streams[(row.topic, row.user_id)].append(row)
        published: list[PendingRow] = []
        failed: list[tuple[PendingRow, str]] = []
        while streams:
            by_topic: dict[str, list[PendingRow]] = defaultdict(list)
            for stream in streams.values():
                by_topic[stream[0].topic].append(stream[0])
            topics = list(by_topic)
            failures = await asyncio.gather(
                *(
                    self._dapr.publish_bulk(
                        PUBSUB,
                        topic,
                        [(row.event_id, row.payload) for row in by_topic[topic]],
                        # Kafka: a user's events share a partition, so consumers see them
                        # in this order.
                        partition_keys={
                            r.event_id: r.user_id for r in by_topic[topic] if r.user_id
                        },
                    )
                    for topic in topics
                )
            )
            if self._fault == "crash_after_publish" and any(
                len(f) < len(by_topic[t]) for t, f in zip(topics, failures, strict=True)
            ):
                os.kill(os.getpid(), signal.SIGKILL)
            for topic, topic_failures in zip(topics, failures, strict=True):
                for row in by_topic[topic]:
                    key = (row.topic, row.user_id)
                    if row.event_id in topic_failures:
                        failed.append((row, topic_failures[row.event_id]))
                        del streams[key]
                        continue
                    published.append(row)
                    streams[key].popleft()
                    if not streams[key]:
                        del streams[key]
        return published, failed


class PendingRow(NamedTuple):
    id: int
    event_id: str
    topic: str
    user_id: str | None
    payload: str
    attempts: int


_ROW_COLUMNS = [OUTBOX_TABLE.c[name] for name in PendingRow._fields]
# Any constant shared by all replicas: the key of the PostgreSQL advisory lock.
_RELAY_LOCK_KEY = 0x70D0_0B0C


async def _take_relay_lock(session: AsyncSession) -> bool:
    """One relay at a time across replicas and workers (held until this transaction ends),
    so two relays never publish one user's events side by side out of order. SQLite is
    embedded in a single process, which runs one relay."""
    if not session.bind or session.bind.dialect.name != "postgresql":
        return True
    statement = select(func.pg_try_advisory_xact_lock(_RELAY_LOCK_KEY))
    return bool((await session.execute(statement)).scalar_one())
