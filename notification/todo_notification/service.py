"""Delivers each `reminder.due` once per enabled channel, retrying failures by Dapr job.

Channels are attempted side by side; each has its own delivery record (see
`deliveries`), so a failing webhook neither delays nor repeats the in-app message or the
email. Delivery is at least once end to end, deduplicated here by the event id.
"""

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pydantic import ValidationError

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import Outcome, unwrap_job_data
from todo_common.dapr.client import DaprClient, DaprError, StateConflictError, save_record
from todo_common.events import REMINDER_DUE, CloudEvent, ReminderDueData
from todo_common.locks import KeyedLocks
from todo_notification.channels import ReminderChannel
from todo_notification.deliveries import (
    Channel,
    Claim,
    DeliveryRecord,
    DeliveryStatus,
    RetryJobData,
    claim,
    dead_letter_event,
    delivery_key,
    finish_attempt,
    retry_job_name,
    start_attempt,
)
from todo_notification.metrics import NotificationMetrics
from todo_notification.settings import NotificationSettings

logger = structlog.get_logger()

EVENT_SOURCE = "todo-chatbot/notification"


class NotificationService:
    def __init__(
        self,
        dapr: DaprClient,
        settings: NotificationSettings,
        channels: Mapping[Channel, ReminderChannel],
        metrics: NotificationMetrics,
    ) -> None:
        self._dapr = dapr
        self._settings = settings
        self._channels = dict(channels)
        self._metrics = metrics
        self._store = settings.statestore_name
        self._policy = settings.retry_policy
        self._lease = timedelta(seconds=settings.lease_seconds)
        self._locks = KeyedLocks()

    @property
    def channels(self) -> tuple[Channel, ...]:
        return tuple(self._channels)

    # -- entry points ----------------------------------------------------------------

    async def handle_reminder(self, event: CloudEvent) -> Outcome:
        """A `reminder.due` from the `reminders` topic: first attempt on every channel."""
        if event.type != REMINDER_DUE:
            logger.info("notification.event_ignored", event_id=event.id, type=event.type)
            return Outcome.DONE
        try:
            reminder = ReminderDueData.model_validate(event.data)
        except ValidationError as exc:
            logger.error("notification.event_invalid", event_id=event.id, error=str(exc)[:300])
            return Outcome.DROPPED
        results = await asyncio.gather(
            *(self._deliver(event, reminder, channel, attempt=None) for channel in self._channels),
            return_exceptions=True,
        )
        for channel, result in zip(self._channels, results, strict=True):
            if isinstance(result, BaseException):
                logger.warning(
                    "notification.delivery_error",
                    event_id=event.id,
                    channel=channel,
                    error=repr(result)[:300],
                )
        if any(isinstance(r, BaseException) or r is Outcome.RETRY for r in results):
            return Outcome.RETRY  # channels already settled are skipped on redelivery
        return Outcome.DONE

    async def retry(self, name: str, body: Any) -> Outcome:
        """A retry job fired: the next attempt on one channel."""
        try:
            job = RetryJobData.model_validate(unwrap_job_data(body))
            reminder = ReminderDueData.model_validate(job.event.data)
        except ValidationError as exc:
            logger.error("notification.retry_invalid", job=name, error=str(exc)[:300])
            return Outcome.DROPPED
        if job.channel not in self._channels:
            logger.warning("notification.retry_channel_disabled", job=name, channel=job.channel)
            return Outcome.DROPPED
        with correlation_scope(job.event.correlationid):
            try:
                return await self._deliver(job.event, reminder, job.channel, attempt=job.attempt)
            except DaprError as exc:
                logger.warning("notification.retry_failed", job=name, error=str(exc)[:300])
                return Outcome.RETRY

    # -- one channel -----------------------------------------------------------------

    async def _deliver(
        self,
        event: CloudEvent,
        reminder: ReminderDueData,
        channel: Channel,
        *,
        attempt: int | None,
    ) -> Outcome:
        key = delivery_key(event.id, channel)
        async with self._locks.hold(key):
            return await self._deliver_locked(key, event, reminder, channel, attempt=attempt)

    async def _deliver_locked(
        self,
        key: str,
        event: CloudEvent,
        reminder: ReminderDueData,
        channel: Channel,
        *,
        attempt: int | None,
    ) -> Outcome:
        entry = await self._dapr.get_state_entry(self._store, key)
        record = DeliveryRecord.model_validate(entry.value) if entry.value else None
        now = datetime.now(UTC)
        decision = claim(record, now=now, attempt=attempt)
        if decision is Claim.SKIP:
            logger.info(
                "notification.duplicate_skipped",
                event_id=event.id,
                channel=channel,
                status=record.status if record else None,
                attempt=attempt,
            )
            self._metrics.outcomes.labels(channel, "duplicate").inc()
            return Outcome.DONE
        if decision is Claim.BUSY:
            return Outcome.RETRY

        started = start_attempt(
            record,
            event_id=event.id,
            reminder=reminder,
            channel=channel,
            now=now,
            lease=self._lease,
        )
        etag = await self._claim(key, started, entry.etag)
        if etag is None:
            return Outcome.RETRY  # another attempt claimed it first: look again later

        error = await self._send(channel, event, reminder)
        finished = finish_attempt(started, error=error, now=datetime.now(UTC), policy=self._policy)
        self._metrics.attempts.labels(channel, "failed" if error else "delivered").inc()
        if finished.status is DeliveryStatus.RETRY_SCHEDULED:
            await self._schedule_retry(event, finished)
        elif finished.status is DeliveryStatus.DEAD_LETTERED:
            await self._dead_letter(event, reminder, finished)
        await self._save(key, finished, etag)
        self._log_attempt(event, finished)
        return Outcome.DONE

    async def _claim(self, key: str, record: DeliveryRecord, etag: str | None) -> str | None:
        """Write the `sending` record over the version we read; the new ETag, or None."""
        try:
            await self._save(key, record, etag)
        except StateConflictError:
            return None
        except DaprError:
            if etag is not None:
                raise
            # A first write lost to a concurrent one (or the store is down: then this
            # read raises and the caller retries).
            await self._dapr.get_state_entry(self._store, key)
            return None
        mine = await self._dapr.get_state_entry(self._store, key)
        if mine.value is None or DeliveryRecord.model_validate(mine.value) != record:
            return None
        return mine.etag

    async def _save(self, key: str, record: DeliveryRecord, etag: str | None) -> None:
        ttl = self._settings.record_ttl_seconds
        await save_record(self._dapr, self._store, key, record, etag=etag, ttl_seconds=ttl)

    async def _send(
        self, channel: Channel, event: CloudEvent, reminder: ReminderDueData
    ) -> str | None:
        """Attempt once; the error text, or None when the channel took it."""
        try:
            await self._channels[channel].send(event, reminder)
        except Exception as exc:  # any failure of a channel is a failed attempt, retried
            return f"{type(exc).__name__}: {exc}"[:500]
        return None

    async def _schedule_retry(self, event: CloudEvent, record: DeliveryRecord) -> None:
        assert record.next_attempt_at is not None
        data = RetryJobData(event=event, channel=record.channel, attempt=record.attempts + 1)
        await self._dapr.schedule_job(
            retry_job_name(event.id, record.channel),
            due_time=record.next_attempt_at.isoformat(),
            data=data.model_dump(mode="json"),
            overwrite=True,
            failure_policy=self._settings.job_failure_policy,
        )

    async def _dead_letter(
        self, event: CloudEvent, reminder: ReminderDueData, record: DeliveryRecord
    ) -> None:
        failed = dead_letter_event(event, reminder, record, source=EVENT_SOURCE)
        await self._dapr.publish(
            self._settings.pubsub_name, self._settings.deadletter_topic, failed
        )

    def _log_attempt(self, event: CloudEvent, record: DeliveryRecord) -> None:
        fields: dict[str, Any] = {
            "event_id": event.id,
            "reminder_id": record.reminder_id,
            "user_id": record.user_id,
            "channel": record.channel,
            "attempts": record.attempts,
        }
        if record.status is DeliveryStatus.DELIVERED:
            self._metrics.outcomes.labels(record.channel, "delivered").inc()
            logger.info("notification.delivered", **fields)
        elif record.status is DeliveryStatus.DEAD_LETTERED:
            self._metrics.outcomes.labels(record.channel, "dead_lettered").inc()
            logger.error(
                "notification.dead_lettered",
                topic=self._settings.deadletter_topic,
                error=record.last_error,
                **fields,
            )
        else:
            logger.warning(
                "notification.attempt_failed",
                error=record.last_error,
                next_attempt_at=record.next_attempt_at.isoformat()
                if record.next_attempt_at
                else None,
                **fields,
            )
