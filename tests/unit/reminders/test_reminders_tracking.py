"""Per-task records and the job each change calls for; staleness of fired jobs."""

from datetime import UTC, datetime, timedelta, timezone

from todo_common.events import TaskEventData, TaskEventType, TaskSnapshot
from todo_reminders.tracking import (
    ChangeKind,
    JobAction,
    JobOp,
    ReminderJobData,
    ScheduledReminder,
    Staleness,
    TrackedTask,
    plan_change,
    reminder_id,
    reminder_job_name,
    rfc3339,
    staleness,
    task_id_from_job_name,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TASK_ID = "0b7c3f7e-3d1a-4c4e-9d55-5a8e2b4f6a10"
GRACE = timedelta(seconds=60)


def event(
    seq: int,
    *,
    remind_at: datetime | None = None,
    completed: bool = False,
    updated_at: datetime = NOW,
    title: str = "call mom",
) -> TaskEventData:
    task = TaskSnapshot(
        id=TASK_ID,
        title=title,
        completed=completed,
        priority="medium",
        tags=[],
        due_at=None,
        remind_at=remind_at,
        completed_at=updated_at if completed else None,
        created_at=NOW - timedelta(days=1),
        updated_at=updated_at,
        recurrence=None,
    )
    return TaskEventData(user_id="alice", seq=seq, task=task)


def apply(
    previous: TrackedTask | None,
    data: TaskEventData,
    event_type: str = TaskEventType.UPDATED,
    correlation_id: str | None = "corr-1",
) -> tuple[TrackedTask | None, JobAction, ChangeKind]:
    change = plan_change(
        previous,
        event_type=event_type,
        data=data,
        correlation_id=correlation_id,
        past_grace=GRACE,
    )
    return change.record, change.action, change.kind


def test_job_names_are_one_per_task_and_round_trip() -> None:
    assert reminder_job_name(TASK_ID) == f"reminder-{TASK_ID}"
    assert task_id_from_job_name(reminder_job_name(TASK_ID)) == TASK_ID
    assert task_id_from_job_name("notify-email-x") is None
    assert task_id_from_job_name("reminder-") is None


def test_reminder_id_is_stable_per_task_and_instant() -> None:
    later = NOW + timedelta(minutes=5)
    assert reminder_id(TASK_ID, later) == reminder_id(TASK_ID, later)
    same_instant = later.astimezone(timezone(timedelta(hours=2)))
    assert reminder_id(TASK_ID, same_instant) == reminder_id(TASK_ID, later)
    assert reminder_id(TASK_ID, later) != reminder_id(TASK_ID, later + timedelta(seconds=1))
    assert reminder_id(TASK_ID, later) != reminder_id("another-task", later)


def test_rfc3339_due_time_is_utc_with_offset() -> None:
    assert rfc3339(datetime(2026, 3, 2, 14, 0, 3, 250000, tzinfo=UTC)) == (
        "2026-03-02T14:00:03.250000+00:00"
    )


def test_created_task_with_future_reminder_schedules_a_job() -> None:
    remind_at = NOW + timedelta(minutes=10)
    record, action, kind = apply(None, event(1, remind_at=remind_at), TaskEventType.CREATED)
    assert kind is ChangeKind.APPLY
    assert record is not None and record.job is not None
    assert record.job == ScheduledReminder(remind_at=remind_at, seq=1, correlation_id="corr-1")
    assert action.op is JobOp.SCHEDULE
    assert action.tracked == record


def test_created_task_without_reminder_needs_no_job_operation() -> None:
    record, action, _ = apply(None, event(1), TaskEventType.CREATED)
    assert record is not None and record.job is None
    assert action.op is JobOp.NONE


def test_reminder_set_in_the_past_is_not_scheduled() -> None:
    record, action, _ = apply(
        None, event(1, remind_at=NOW - timedelta(hours=2)), TaskEventType.CREATED
    )
    assert record is not None and record.job is None
    assert action.op is JobOp.NONE


def test_reminder_that_became_due_while_the_event_waited_still_fires_late() -> None:
    # Set at 12:00 for 12:01; processed at 12:05 (reminders was down): schedule anyway.
    data = event(1, remind_at=NOW + timedelta(minutes=1), updated_at=NOW)
    record, action, _ = apply(None, data, TaskEventType.CREATED)
    assert record is not None and record.job is not None
    assert action.op is JobOp.SCHEDULE


def test_changing_remind_at_reschedules_with_the_new_instant() -> None:
    first, _, _ = apply(None, event(1, remind_at=NOW + timedelta(minutes=10)))
    new_time = NOW + timedelta(minutes=20)
    record, action, _ = apply(first, event(2, remind_at=new_time), correlation_id="corr-2")
    assert record is not None and record.job is not None
    assert record.job.remind_at == new_time
    assert record.job.correlation_id == "corr-2"
    assert action.op is JobOp.SCHEDULE


def test_other_edits_keep_the_scheduled_job_untouched() -> None:
    remind_at = NOW + timedelta(minutes=10)
    first, _, _ = apply(None, event(1, remind_at=remind_at))
    record, action, _ = apply(first, event(2, remind_at=remind_at, title="call dad"))
    assert record is not None and first is not None
    assert record.job == first.job  # still made by change 1, with its correlation id
    assert record.task.title == "call dad"  # but the reminder will show the new title
    assert action.op is JobOp.NONE


def test_clearing_remind_at_cancels_the_job() -> None:
    first, _, _ = apply(None, event(1, remind_at=NOW + timedelta(minutes=10)))
    record, action, _ = apply(first, event(2, remind_at=None))
    assert record is not None and record.job is None
    assert action == JobAction(JobOp.CANCEL, TASK_ID)


def test_completing_cancels_the_job() -> None:
    remind_at = NOW + timedelta(minutes=10)
    first, _, _ = apply(None, event(1, remind_at=remind_at))
    record, action, _ = apply(
        first, event(2, remind_at=remind_at, completed=True), TaskEventType.COMPLETED
    )
    assert record is not None and record.finished and record.job is None
    assert action.op is JobOp.CANCEL


def test_deleting_cancels_the_job_and_leaves_a_tombstone() -> None:
    remind_at = NOW + timedelta(minutes=10)
    first, _, _ = apply(None, event(1, remind_at=remind_at))
    record, action, _ = apply(first, event(2, remind_at=remind_at), TaskEventType.DELETED)
    assert record is not None and record.deleted and record.job is None
    assert action.op is JobOp.CANCEL


def test_reopening_a_completed_task_schedules_its_future_reminder_again() -> None:
    remind_at = NOW + timedelta(minutes=10)
    first, _, _ = apply(None, event(1, remind_at=remind_at))
    done, _, _ = apply(first, event(2, remind_at=remind_at, completed=True))
    record, action, _ = apply(done, event(3, remind_at=remind_at, completed=False))
    assert record is not None and record.job is not None
    assert action.op is JobOp.SCHEDULE


def test_an_older_event_than_the_record_changes_nothing() -> None:
    first, _, _ = apply(None, event(5, remind_at=NOW + timedelta(minutes=10)))
    record, action, kind = apply(first, event(4, remind_at=None))
    assert kind is ChangeKind.OUTDATED
    assert record is None
    assert action.op is JobOp.NONE


def test_a_redelivered_event_resyncs_the_job_without_writing() -> None:
    first, _, _ = apply(None, event(1, remind_at=NOW + timedelta(minutes=10)))
    record, action, kind = apply(first, event(1, remind_at=NOW + timedelta(minutes=10)))
    assert kind is ChangeKind.REDELIVERED
    assert record is None
    assert action.op is JobOp.SCHEDULE and action.tracked == first

    done, _, _ = apply(first, event(2, completed=True), TaskEventType.COMPLETED)
    _, action, kind = apply(done, event(2, completed=True), TaskEventType.COMPLETED)
    assert kind is ChangeKind.REDELIVERED
    assert action == JobAction(JobOp.CANCEL, TASK_ID)


def test_first_sight_of_a_task_by_a_later_event_cancels_any_leftover_job() -> None:
    _, action, _ = apply(None, event(7, remind_at=None))
    assert action.op is JobOp.CANCEL


def tracked_with_job(remind_at: datetime, **overrides: object) -> TrackedTask:
    record, _, _ = apply(None, event(3, remind_at=remind_at))
    assert record is not None
    return record.model_copy(update=overrides)


def job_for(remind_at: datetime) -> ReminderJobData:
    return ReminderJobData(
        task_id=TASK_ID, user_id="alice", remind_at=remind_at, seq=3, correlation_id="corr-1"
    )


def test_fired_job_for_the_current_reminder_is_not_stale() -> None:
    remind_at = NOW + timedelta(minutes=10)
    tracked = tracked_with_job(remind_at)
    assert staleness(job_for(remind_at), tracked) is None
    assert ReminderJobData.for_task(tracked) == job_for(remind_at)


def test_fired_job_is_stale_once_the_task_changed_its_reminder_or_finished() -> None:
    remind_at = NOW + timedelta(minutes=10)
    tracked = tracked_with_job(remind_at)
    moved = tracked_with_job(remind_at + timedelta(minutes=5))
    cleared = tracked.model_copy(update={"job": None})
    completed = tracked.model_copy(
        update={"task": tracked.task.model_copy(update={"completed": True})}
    )
    deleted = tracked.model_copy(update={"deleted": True})
    job = job_for(remind_at)
    assert staleness(job, moved) is Staleness.REMINDER_CHANGED
    assert staleness(job, cleared) is Staleness.REMINDER_CHANGED
    assert staleness(job, completed) is Staleness.TASK_COMPLETED
    assert staleness(job, deleted) is Staleness.TASK_DELETED
    assert staleness(job, None) is Staleness.TASK_UNKNOWN


def test_job_data_survives_the_json_round_trip_of_the_jobs_api() -> None:
    job = job_for(NOW + timedelta(minutes=10, microseconds=123456))
    assert ReminderJobData.model_validate_json(job.model_dump_json()) == job
