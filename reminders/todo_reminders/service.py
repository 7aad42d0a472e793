"""The reminders rules with their Dapr side effects.

* `handle_task_event`: keep the task's record, make its reminder job agree with it, and
  create a completed recurring task's next occurrence (idempotent by occurrence key).
* `fire`: a reminder job is due; publish `reminder.due` unless the trigger is stale.

Delivery is at least once everywhere (pub/sub, job triggers): every step is idempotent.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pydantic import ValidationError

from todo_common.correlation import correlation_scope
from todo_common.dapr.app import Outcome, unwrap_job_data
from todo_common.dapr.client import DaprClient, DaprError, StateConflictError, save_record
from todo_common.events import (
    REMINDER_DUE,
    REMINDERS_TOPIC,
    CloudEvent,
    ReminderDueData,
    TaskEventData,
    TaskEventType,
    new_event,
)
from todo_common.locks import KeyedLocks
from todo_common.telemetry import linked_span
from todo_reminders.metrics import RemindersMetrics
from todo_reminders.recurrence import plan_next_occurrence
from todo_reminders.settings import RemindersSettings
from todo_reminders.tracking import (
    ChangeKind,
    JobAction,
    JobOp,
    ReminderJobData,
    Staleness,
    TrackedTask,
    plan_change,
    reminder_id,
    reminder_job_name,
    rfc3339,
    staleness,
    task_id_from_job_name,
    task_key,
)

logger = structlog.get_logger()

EVENT_SOURCE = "todo-chatbot/reminders"
_WRITE_ATTEMPTS = 8
_CONVERGE_ROUNDS = 4


class TransientError(Exception):
    """A dependency failed in a way worth retrying (sidecar, scheduler, backend down)."""


class ReminderService:
    def __init__(
        self, dapr: DaprClient, settings: RemindersSettings, metrics: RemindersMetrics
    ) -> None:
        self._dapr = dapr
        self._settings = settings
        self._metrics = metrics
        self._store = settings.statestore_name
        # Changes to one task are applied one at a time per replica; across replicas
        # ETags and `_converge` keep them consistent.
        self._locks = KeyedLocks()

    # -- task events -----------------------------------------------------------------

    async def handle_task_event(self, event: CloudEvent) -> Outcome:
        try:
            data = TaskEventData.model_validate(event.data)
        except ValidationError as exc:
            logger.error("reminders.event_invalid", event_id=event.id, error=str(exc)[:300])
            self._metrics.task_events.labels(event.type, Outcome.DROPPED).inc()
            return Outcome.DROPPED
        try:
            async with self._locks.hold(data.task.id):
                await self._track(event, data)
            if event.type == TaskEventType.COMPLETED:
                await self._create_next_occurrence(data)
        except (DaprError, TransientError) as exc:
            logger.warning(
                "reminders.event_retry", event_id=event.id, type=event.type, error=str(exc)[:300]
            )
            self._metrics.task_events.labels(event.type, Outcome.RETRY).inc()
            return Outcome.RETRY
        self._metrics.task_events.labels(event.type, Outcome.DONE).inc()
        return Outcome.DONE

    async def _read(self, key: str) -> tuple[TrackedTask | None, str | None]:
        entry = await self._dapr.get_state_entry(self._store, key)
        if entry.value is None:
            return None, None
        return TrackedTask.model_validate(entry.value), entry.etag

    async def _track(self, event: CloudEvent, data: TaskEventData) -> None:
        if event.type == TaskEventType.CREATED and data.task.remind_at is None:
            # Nothing to schedule, and every later change of the task has a higher seq:
            # plain tasks (most of them) need no record and cost no sidecar call.
            # (The subscription's rule normally keeps these events away from us.)
            logger.info(
                "reminders.task_ignored", event_id=event.id, type=event.type, task_id=data.task.id
            )
            return
        key = task_key(data.task.id)
        grace = timedelta(seconds=self._settings.past_reminder_grace_seconds)
        for _ in range(_WRITE_ATTEMPTS):
            previous, etag = await self._read(key)
            change = plan_change(
                previous,
                event_type=event.type,
                data=data,
                correlation_id=event.correlationid,
                past_grace=grace,
                traceparent=event.traceparent,
            )
            if change.record is None or await self._write(key, change.record, etag):
                break
        else:
            raise TransientError(f"task {data.task.id}: record kept changing under us")
        await self._perform(change.action)
        logger.info(
            "reminders.task_tracked",
            event_id=event.id,
            type=event.type,
            task_id=data.task.id,
            seq=data.seq,
            change=change.kind,
            job=change.action.op,
        )
        if change.kind is ChangeKind.APPLY and change.record is not None:
            await self._converge(key, change.record.seq)

    async def _write(self, key: str, record: TrackedTask, etag: str | None) -> bool:
        """Write over the version we read; False when another writer got there first."""
        ttl = self._settings.finished_task_ttl_seconds if record.finished else -1
        try:
            await save_record(self._dapr, self._store, key, record, etag=etag, ttl_seconds=ttl)
        except StateConflictError:
            return False
        except DaprError:
            if etag is not None:
                raise
            return False  # a first write lost to a concurrent one (else the re-read fails)
        return True

    async def _converge(self, key: str, written_seq: int) -> None:
        """After our job operation, re-read: if a newer change landed meanwhile (another
        replica), make the job agree with it, so the last operation always wins."""
        for _ in range(_CONVERGE_ROUNDS):
            current, _ = await self._read(key)
            if current is None or current.seq == written_seq:
                return
            await self._perform(JobAction.sync_to(current))
            written_seq = current.seq

    async def _perform(self, action: JobAction) -> None:
        if action.op is JobOp.SCHEDULE:
            tracked = action.tracked
            assert tracked is not None and tracked.job is not None
            await self._dapr.schedule_job(
                reminder_job_name(tracked.task_id),
                due_time=rfc3339(tracked.job.remind_at),
                data=ReminderJobData.for_task(tracked).model_dump(mode="json"),
                overwrite=True,
                failure_policy=self._settings.job_failure_policy,
            )
            self._metrics.job_operations.labels("schedule").inc()
            logger.info(
                "reminders.job_scheduled",
                task_id=tracked.task_id,
                remind_at=rfc3339(tracked.job.remind_at),
                seq=tracked.job.seq,
            )
        elif action.op is JobOp.CANCEL and action.task_id is not None:
            await self._dapr.delete_job(reminder_job_name(action.task_id))
            self._metrics.job_operations.labels("cancel").inc()
            logger.info("reminders.job_cancelled", task_id=action.task_id)

    async def _create_next_occurrence(self, data: TaskEventData) -> None:
        plan = plan_next_occurrence(data.task, user_id=data.user_id)
        if plan is None:
            if data.task.recurrence:
                logger.info("reminders.series_ended", task_id=data.task.id)
                self._metrics.occurrences.labels("series_ended").inc()
            return
        response = await self._dapr.invoke(
            self._settings.backend_app_id,
            "POST",
            "internal/occurrences",
            json=plan.request_body(),
        )
        if response.status_code in (200, 201):
            created = response.status_code == 201
            self._metrics.occurrences.labels("created" if created else "existing").inc()
            logger.info(
                "reminders.occurrence_created" if created else "reminders.occurrence_exists",
                task_id=data.task.id,
                next_task_id=response.json().get("id"),
                occurrence_key=plan.occurrence_key,
                due_at=plan.due_at.isoformat(),
            )
            return
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            # The backend refuses it for good (invalid data): retrying cannot help.
            self._metrics.occurrences.labels("rejected").inc()
            logger.error(
                "reminders.occurrence_rejected",
                task_id=data.task.id,
                status=response.status_code,
                detail=response.text[:300],
            )
            return
        raise TransientError(f"backend answered {response.status_code}: {response.text[:200]}")

    # -- job triggers ----------------------------------------------------------------

    async def fire(self, name: str, body: Any) -> Outcome:
        task_id = task_id_from_job_name(name)
        try:
            job = ReminderJobData.model_validate(unwrap_job_data(body))
        except ValidationError as exc:
            logger.error("reminders.job_invalid", job=name, error=str(exc)[:300])
            self._metrics.triggers.labels("invalid").inc()
            return Outcome.DROPPED
        if task_id != job.task_id:
            logger.error("reminders.job_invalid", job=name, task_id=job.task_id)
            self._metrics.triggers.labels("invalid").inc()
            return Outcome.DROPPED
        with (
            correlation_scope(job.correlation_id),
            linked_span("reminder.fire", job.traceparent, EVENT_SOURCE),
        ):
            try:
                return await self._fire(job)
            except DaprError as exc:
                logger.warning("reminders.trigger_retry", task_id=job.task_id, error=str(exc))
                self._metrics.triggers.labels("retry").inc()
                return Outcome.RETRY

    async def _fire(self, job: ReminderJobData) -> Outcome:
        tracked, _ = await self._read(task_key(job.task_id))
        reason = staleness(job, tracked)
        if reason is not None or tracked is None:
            # Not an error loop: acknowledged and logged. A changed or finished task is
            # routine; a task we never heard of (or whose record expired) is worth a look.
            log = logger.warning if reason is Staleness.TASK_UNKNOWN else logger.info
            log(
                "reminders.trigger_dropped",
                task_id=job.task_id,
                reason=reason,
                remind_at=rfc3339(job.remind_at),
                job_seq=job.seq,
                task_seq=tracked.seq if tracked else None,
            )
            self._metrics.triggers.labels(str(reason)).inc()
            return Outcome.DROPPED
        reminder = ReminderDueData(
            user_id=tracked.user_id,
            task=tracked.task,
            remind_at=job.remind_at,
            reminder_id=reminder_id(job.task_id, job.remind_at),
        )
        event = new_event(
            # The reminder id as event id: a trigger delivered twice is one event downstream.
            id=reminder.reminder_id,
            source=EVENT_SOURCE,
            type=REMINDER_DUE,
            subject=job.task_id,
            data=reminder.model_dump(mode="json"),
        )
        await self._dapr.publish(self._settings.pubsub_name, REMINDERS_TOPIC, event)
        lateness = (datetime.now(UTC) - job.remind_at).total_seconds()
        self._metrics.lateness.observe(max(lateness, 0.0))
        self._metrics.triggers.labels("published").inc()
        logger.info(
            "reminders.reminder_due_published",
            task_id=job.task_id,
            reminder_id=reminder.reminder_id,
            user_id=tracked.user_id,
            remind_at=rfc3339(job.remind_at),
            lateness_ms=round(lateness * 1000, 1),
        )
        return Outcome.DONE
