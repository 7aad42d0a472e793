"""What the reminders service knows about each task, and the job each change calls for.

For every task it keeps one record in the state store, updated from `task-events`: the
last `seq` applied (events can arrive out of order or twice), the latest snapshot (the
reminder shows the current title), and the reminder job it believes is scheduled. A
job that fires checks this record: a trigger whose `remind_at` is no longer the
scheduled one, or whose task is completed or gone, is stale and dropped.

Everything here is pure: `plan_change` decides, the service performs.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from todo_common.events import TaskEventData, TaskEventType, TaskSnapshot

REMINDER_JOB_PREFIX = "reminder-"
# Fixed namespace: the same (task, remind_at) always gives the same reminder id.
_REMINDER_NAMESPACE = uuid.UUID("6f4c1f2e-8a43-4f53-9a55-1c3b7d2f0e41")


def task_key(task_id: str) -> str:
    return f"task:{task_id}"


def reminder_job_name(task_id: str) -> str:
    """One job per task: rescheduling overwrites it, cancelling deletes it."""
    return f"{REMINDER_JOB_PREFIX}{task_id}"


def task_id_from_job_name(name: str) -> str | None:
    if not name.startswith(REMINDER_JOB_PREFIX) or len(name) == len(REMINDER_JOB_PREFIX):
        return None
    return name[len(REMINDER_JOB_PREFIX) :]


def reminder_id(task_id: str, remind_at: datetime) -> str:
    """Stable per (task, remind_at): the `reminder.due` event id and the dedupe key."""
    instant = remind_at.astimezone(UTC).isoformat()
    return str(uuid.uuid5(_REMINDER_NAMESPACE, f"{task_id}|{instant}"))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class ScheduledReminder(BaseModel):
    """The job we keep for a task: made for this `remind_at` by the change `seq`."""

    remind_at: datetime
    seq: int
    correlation_id: str | None = None
    # The trace of the change that set the reminder: the trigger's span links to it.
    traceparent: str | None = None


class TrackedTask(BaseModel):
    task_id: str
    user_id: str
    seq: int
    deleted: bool = False
    task: TaskSnapshot
    job: ScheduledReminder | None = None

    @property
    def finished(self) -> bool:
        return self.deleted or self.task.completed


class ReminderJobData(BaseModel):
    """The job's `data`: what the trigger needs to check staleness and publish."""

    task_id: str
    user_id: str
    remind_at: datetime
    seq: int
    correlation_id: str | None = None
    traceparent: str | None = None

    @classmethod
    def for_task(cls, tracked: TrackedTask) -> "ReminderJobData":
        assert tracked.job is not None
        return cls(
            task_id=tracked.task_id,
            user_id=tracked.user_id,
            remind_at=tracked.job.remind_at,
            seq=tracked.job.seq,
            correlation_id=tracked.job.correlation_id,
            traceparent=tracked.job.traceparent,
        )


class JobOp(StrEnum):
    NONE = "none"
    SCHEDULE = "schedule"
    CANCEL = "cancel"


@dataclass(frozen=True)
class JobAction:
    op: JobOp
    task_id: str | None = None
    # For SCHEDULE: the record whose `job` to schedule.
    tracked: TrackedTask | None = None

    @classmethod
    def sync_to(cls, tracked: TrackedTask) -> "JobAction":
        """Make the scheduler agree with a record (idempotent: overwrite or delete)."""
        if tracked.job is not None and not tracked.finished:
            return cls(JobOp.SCHEDULE, tracked.task_id, tracked)
        return cls(JobOp.CANCEL, tracked.task_id)


class ChangeKind(StrEnum):
    APPLY = "apply"  # newer than what we know: write the record, then act
    REDELIVERED = "redelivered"  # the change we applied last: re-sync its job, write nothing
    OUTDATED = "outdated"  # older than what we know: nothing to do


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    record: TrackedTask | None
    action: JobAction


def plan_change(
    previous: TrackedTask | None,
    *,
    event_type: str,
    data: TaskEventData,
    correlation_id: str | None,
    past_grace: timedelta,
    traceparent: str | None = None,
) -> Change:
    """Decide the new record and the job operation for one task event."""
    if previous is not None and data.seq < previous.seq:
        return Change(ChangeKind.OUTDATED, None, JobAction(JobOp.NONE))
    if previous is not None and data.seq == previous.seq:
        return Change(ChangeKind.REDELIVERED, None, JobAction.sync_to(previous))

    task = data.task
    deleted = event_type == TaskEventType.DELETED
    wanted = None if deleted or task.completed else task.remind_at
    kept = previous.job if previous is not None and not previous.finished else None
    had_job = kept is not None
    job: ScheduledReminder | None = None
    op = JobOp.NONE
    if wanted is not None and kept is not None and kept.remind_at == wanted:
        job = kept  # unchanged reminder (title edit, ...): the job stays as it is
    elif wanted is not None and wanted >= task.updated_at - past_grace:
        # Not yet due when it was set (a late-processed event still fires, late, once);
        # a reminder set in the past is not scheduled.
        job = ScheduledReminder(
            remind_at=wanted, seq=data.seq, correlation_id=correlation_id, traceparent=traceparent
        )
        op = JobOp.SCHEDULE
    if job is None and (had_job or (previous is None and event_type != TaskEventType.CREATED)):
        op = JobOp.CANCEL  # also when we never saw the task: a leftover job must not fire

    record = TrackedTask(
        task_id=task.id, user_id=data.user_id, seq=data.seq, deleted=deleted, task=task, job=job
    )
    action = JobAction(op, task.id, record if op is JobOp.SCHEDULE else None)
    return Change(ChangeKind.APPLY, record, action)


class Staleness(StrEnum):
    TASK_UNKNOWN = "task_unknown"
    TASK_DELETED = "task_deleted"
    TASK_COMPLETED = "task_completed"
    REMINDER_CHANGED = "reminder_changed"


def staleness(job: ReminderJobData, tracked: TrackedTask | None) -> Staleness | None:
    """Why a fired job must not notify, or None when it is the task's current reminder."""
    if tracked is None:
        return Staleness.TASK_UNKNOWN
    if tracked.deleted:
        return Staleness.TASK_DELETED
    if tracked.task.completed:
        return Staleness.TASK_COMPLETED
    if tracked.job is None or tracked.job.remind_at != job.remind_at:
        return Staleness.REMINDER_CHANGED
    return None
