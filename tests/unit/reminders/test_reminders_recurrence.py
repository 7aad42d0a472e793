"""Next occurrences: counted from the original due date, per RFC 5545 (dateutil)."""

from datetime import UTC, datetime, timedelta

import pytest

from todo_backend.tasks.schemas import OccurrenceCreate
from todo_common.events import TaskSnapshot
from todo_reminders.recurrence import (
    next_due,
    occurrence_key,
    plan_next_occurrence,
    remaining_rule,
)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def snapshot(**overrides: object) -> TaskSnapshot:
    fields: dict[str, object] = {
        "id": "7d3c0d52-0b7e-4d55-8a3c-2f0c1f0a9b11",
        "title": "water the plants",
        "description": "balcony too",
        "completed": True,
        "priority": "high",
        "tags": ["home", "plants"],
        "due_at": at(2026, 1, 5),  # a Monday
        "remind_at": at(2026, 1, 5, 8, 30),
        "completed_at": at(2026, 1, 8),
        "created_at": at(2026, 1, 1),
        "updated_at": at(2026, 1, 8),
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    }
    fields.update(overrides)
    return TaskSnapshot.model_validate(fields)


@pytest.mark.parametrize(
    ("rule", "due", "expected"),
    [
        ("FREQ=DAILY", at(2026, 1, 5), at(2026, 1, 6)),
        ("FREQ=DAILY;INTERVAL=3", at(2026, 1, 5), at(2026, 1, 8)),
        ("FREQ=WEEKLY", at(2026, 1, 5), at(2026, 1, 12)),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", at(2026, 1, 5), at(2026, 1, 7)),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", at(2026, 1, 9), at(2026, 1, 12)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", at(2026, 1, 6), at(2026, 1, 20)),
        # Due on a day the rule does not name: the next named day after it.
        ("FREQ=WEEKLY;BYDAY=MO", at(2026, 1, 7), at(2026, 1, 12)),
        ("FREQ=MONTHLY;BYMONTHDAY=15", at(2026, 1, 15), at(2026, 2, 15)),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", at(2026, 1, 1), at(2026, 1, 15)),
        # The 31st skips months without one (RFC 5545), it never drifts to the 28th.
        ("FREQ=MONTHLY;BYMONTHDAY=31", at(2026, 1, 31), at(2026, 3, 31)),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", at(2026, 1, 31), at(2026, 2, 28)),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10", at(2026, 1, 10), at(2026, 4, 10)),
        ("FREQ=MONTHLY;BYDAY=1MO", at(2026, 1, 5), at(2026, 2, 2)),
        ("FREQ=YEARLY", at(2028, 2, 29), at(2032, 2, 29)),
        ("RRULE:FREQ=DAILY", at(2026, 1, 5, 23, 59), at(2026, 1, 6, 23, 59)),
    ],
)
def test_next_due_is_first_occurrence_strictly_after_the_original_due_date(
    rule: str, due: datetime, expected: datetime
) -> None:
    assert next_due(rule, due) == expected


def test_next_due_keeps_the_time_of_day_of_the_original_due_date() -> None:
    assert next_due("FREQ=WEEKLY;BYDAY=FR", at(2026, 1, 2, 17, 45)) == at(2026, 1, 9, 17, 45)


def test_series_that_ended_has_no_next_occurrence() -> None:
    assert next_due("FREQ=DAILY;COUNT=1", at(2026, 1, 5)) is None
    assert next_due("FREQ=DAILY;UNTIL=20260105T235959Z", at(2026, 1, 5)) is None
    assert next_due("FREQ=DAILY;UNTIL=20260106T090000Z", at(2026, 1, 5)) == at(2026, 1, 6)


def test_count_carried_forward_is_what_remains_of_the_series() -> None:
    assert remaining_rule("FREQ=DAILY;COUNT=3") == "FREQ=DAILY;COUNT=2"
    assert remaining_rule("FREQ=WEEKLY;BYDAY=MO") == "FREQ=WEEKLY;BYDAY=MO"
    assert remaining_rule("RRULE:freq=daily;count=2") == "FREQ=daily;COUNT=1"


def test_a_count_of_three_makes_exactly_three_tasks() -> None:
    task = snapshot(recurrence="FREQ=DAILY;COUNT=3", due_at=at(2026, 1, 5), remind_at=None)
    dues = [task.due_at]
    while (plan := plan_next_occurrence(task, user_id="alice")) is not None:
        dues.append(plan.due_at)
        task = snapshot(recurrence=plan.recurrence, due_at=plan.due_at, remind_at=None)
    assert dues == [at(2026, 1, 5), at(2026, 1, 6), at(2026, 1, 7)]


def test_completing_late_still_follows_the_original_schedule() -> None:
    # Due Monday Jan 5, completed Thursday Jan 8: next is Monday Jan 12, not Jan 15.
    plan = plan_next_occurrence(snapshot(completed_at=at(2026, 1, 8)), user_id="alice")
    assert plan is not None
    assert plan.due_at == at(2026, 1, 12)


def test_next_occurrence_carries_the_task_and_shifts_the_reminder_by_the_same_delta() -> None:
    plan = plan_next_occurrence(snapshot(), user_id="alice")
    assert plan is not None
    assert plan.user_id == "alice"
    assert (plan.title, plan.description, plan.priority) == (
        "water the plants",
        "balcony too",
        "high",
    )
    assert plan.tags == ["home", "plants"]
    assert plan.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert plan.due_at == at(2026, 1, 12)
    assert plan.remind_at == at(2026, 1, 12, 8, 30)
    assert plan.due_at - plan.remind_at == timedelta(minutes=30)


def test_next_occurrence_without_reminder_has_none() -> None:
    plan = plan_next_occurrence(snapshot(remind_at=None), user_id="alice")
    assert plan is not None
    assert plan.remind_at is None


def test_tasks_without_recurrence_or_due_date_have_no_next_occurrence() -> None:
    assert plan_next_occurrence(snapshot(recurrence=None), user_id="alice") is None
    assert plan_next_occurrence(snapshot(due_at=None), user_id="alice") is None


def test_occurrence_key_is_stable_per_source_task_and_next_due_date() -> None:
    task = snapshot()
    first = plan_next_occurrence(task, user_id="alice")
    again = plan_next_occurrence(task, user_id="alice")
    assert first is not None and again is not None
    assert first.occurrence_key == again.occurrence_key
    assert first.occurrence_key == f"{task.id}:2026-01-12T09:00:00+00:00"
    assert occurrence_key(task.id, at(2026, 1, 12)) == first.occurrence_key
    assert len(first.occurrence_key) <= 200  # the backend's column


def test_request_body_is_a_valid_backend_occurrence_create() -> None:
    plan = plan_next_occurrence(snapshot(), user_id="alice")
    assert plan is not None
    body = OccurrenceCreate.model_validate(plan.request_body())
    assert body.occurrence_key == plan.occurrence_key
    assert body.due_at == plan.due_at
    assert body.recurrence == "FREQ=WEEKLY;BYDAY=MO"
