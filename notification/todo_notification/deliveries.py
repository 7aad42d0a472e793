"""Delivery records: one per (event, channel), the dedupe key and the retry ledger.

A record is created first-write-wins before the first attempt, so a `reminder.due`
delivered twice (broker redelivery, a job trigger fired twice: both keep the event id)
is sent at most once per channel. A record in `sending` holds a short lease: if its
owner dies mid-attempt, a redelivery takes over once the lease has run out.

A failed attempt is retried later by a Dapr job (never by sleeping in the subscriber,
so one bad channel blocks neither other reminders nor other channels); after the last
attempt the failure goes to the dead-letter topic. Everything here is pure.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from todo_common.events import CloudEvent, ReminderDueData

DELIVERY_FAILED = "reminder.delivery_failed"
RETRY_JOB_PREFIX = "notify-"
_JOB_NAMESPACE = uuid.UUID("b3e7a0c4-2f61-4f0e-8e0b-6a9d1c5e7f20")


class Channel(StrEnum):
    INAPP = "inapp"
    WEBHOOK = "webhook"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    SENDING = "sending"
    RETRY_SCHEDULED = "retry_scheduled"
    DELIVERED = "delivered"
    DEAD_LETTERED = "dead_lettered"


FINAL = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.DEAD_LETTERED})


class DeliveryRecord(BaseModel):
    event_id: str
    reminder_id: str
    user_id: str
    channel: Channel
    status: DeliveryStatus
    attempts: int = 0
    last_error: str | None = None
    lease_until: datetime | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    updated_at: datetime


def delivery_key(event_id: str, channel: Channel) -> str:
    return f"delivery:{event_id}:{channel}"


def retry_job_name(event_id: str, channel: Channel) -> str:
    """One retry job per (event, channel); the event id is hashed into safe characters."""
    return f"{RETRY_JOB_PREFIX}{channel}-{uuid.uuid5(_JOB_NAMESPACE, event_id)}"


class RetryJobData(BaseModel):
    """A retry job's `data`: the event to deliver again, on which channel, which attempt."""

    event: CloudEvent
    channel: Channel
    attempt: int


class Claim(StrEnum):
    START = "start"  # make the attempt now
    SKIP = "skip"  # done, dead-lettered, or another attempt owns it: nothing to do
    BUSY = "busy"  # an attempt is in flight elsewhere: ask again later


def claim(record: DeliveryRecord | None, *, now: datetime, attempt: int | None) -> Claim:
    """May this caller make a delivery attempt?

    `attempt` is None for the first delivery (the subscription), or the number a retry
    job was made for.
    """
    if record is None:
        return Claim.START if attempt is None else Claim.SKIP
    if record.status in FINAL:
        return Claim.SKIP
    if attempt is not None and record.attempts >= attempt:
        return Claim.SKIP  # that attempt was made already: a duplicate trigger
    if record.status is DeliveryStatus.SENDING and record.lease_until and record.lease_until > now:
        return Claim.BUSY
    if attempt is None and record.status is DeliveryStatus.RETRY_SCHEDULED:
        return Claim.SKIP  # a retry job owns the next attempt
    return Claim.START


def start_attempt(
    record: DeliveryRecord | None,
    *,
    event_id: str,
    reminder: ReminderDueData,
    channel: Channel,
    now: datetime,
    lease: timedelta,
) -> DeliveryRecord:
    return DeliveryRecord(
        event_id=event_id,
        reminder_id=reminder.reminder_id,
        user_id=reminder.user_id,
        channel=channel,
        status=DeliveryStatus.SENDING,
        attempts=(record.attempts if record else 0) + 1,
        last_error=record.last_error if record else None,
        lease_until=now + lease,
        updated_at=now,
    )


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def backoff(self, attempts: int) -> timedelta:
        """Wait before the attempt after `attempts` failed ones: base, 2x, 4x, ... capped."""
        seconds = self.base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_seconds))


def finish_attempt(
    record: DeliveryRecord, *, error: str | None, now: datetime, policy: RetryPolicy
) -> DeliveryRecord:
    """The record after an attempt: delivered, a retry scheduled, or dead-lettered."""
    if error is None:
        return record.model_copy(
            update={
                "status": DeliveryStatus.DELIVERED,
                "lease_until": None,
                "next_attempt_at": None,
                "delivered_at": now,
                "updated_at": now,
            }
        )
    if record.attempts >= policy.max_attempts:
        return record.model_copy(
            update={
                "status": DeliveryStatus.DEAD_LETTERED,
                "last_error": error,
                "lease_until": None,
                "next_attempt_at": None,
                "updated_at": now,
            }
        )
    return record.model_copy(
        update={
            "status": DeliveryStatus.RETRY_SCHEDULED,
            "last_error": error,
            "lease_until": None,
            "next_attempt_at": now + policy.backoff(record.attempts),
            "updated_at": now,
        }
    )


def outgoing_event(event: CloudEvent) -> CloudEvent:
    """The event as we hand it on: our attributes only, without what Dapr added on the way
    in (topic, pubsubname, traceid, ...); the id stays, so consumers can dedupe."""
    return CloudEvent(**event.model_dump(include=set(CloudEvent.model_fields)))


def dead_letter_event(
    event: CloudEvent, reminder: ReminderDueData, record: DeliveryRecord, *, source: str
) -> CloudEvent:
    data: dict[str, Any] = {
        "event_id": event.id,
        "reminder_id": reminder.reminder_id,
        "user_id": reminder.user_id,
        "channel": record.channel,
        "attempts": record.attempts,
        "last_error": record.last_error,
        "reminder": reminder.model_dump(mode="json"),
    }
    return CloudEvent(
        id=f"{event.id}:{record.channel}:dead-lettered",
        source=source,
        type=DELIVERY_FAILED,
        subject=reminder.task.id,
        correlationid=event.correlationid,
        data=data,
    )
