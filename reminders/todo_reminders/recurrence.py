"""The next occurrence of a recurring task, counted from its ORIGINAL due date.

The RRULE's DTSTART is the completed task's `due_at`, and the next occurrence is the
first one strictly after it: completing a weekly task three days late still yields the
next date in the series, never "a week from now". A `COUNT` is carried forward as what
remains of the series, so `COUNT=3` gives exactly three tasks in all.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dateutil.rrule import rrulestr

from todo_common.events import TaskSnapshot


def _parts(rule: str) -> list[tuple[str, str]]:
    rule = rule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    parts = []
    for part in rule.split(";"):
        if part.strip():
            name, _, value = part.partition("=")
            parts.append((name.strip().upper(), value.strip()))
    return parts


def _join(parts: list[tuple[str, str]]) -> str:
    return ";".join(f"{name}={value}" for name, value in parts)


def next_due(rule: str, due_at: datetime) -> datetime | None:
    """The first occurrence of `rule` strictly after `due_at` (its DTSTART), or None."""
    series = rrulestr(_join(_parts(rule)), dtstart=due_at)
    following: datetime | None = series.after(due_at, inc=False)
    return following


def remaining_rule(rule: str) -> str:
    """The rule the next occurrence carries: a COUNT shrinks by the one just completed."""
    parts = []
    for name, value in _parts(rule):
        if name == "COUNT" and value.isdigit():
            value = str(max(int(value) - 1, 1))
        parts.append((name, value))
    return _join(parts)


def occurrence_key(source_task_id: str, next_due_at: datetime) -> str:
    """Idempotency key of the next occurrence: redelivery never creates a second one."""
    return f"{source_task_id}:{next_due_at.astimezone(UTC).isoformat()}"


@dataclass(frozen=True)
class NextOccurrence:
    user_id: str
    occurrence_key: str
    title: str
    description: str | None
    priority: str
    tags: list[str]
    due_at: datetime
    remind_at: datetime | None
    recurrence: str

    def request_body(self) -> dict[str, Any]:
        """The backend's `OccurrenceCreate` (POST /internal/occurrences)."""
        return {
            "user_id": self.user_id,
            "occurrence_key": self.occurrence_key,
            "title": self.title,
            "description": self.description,
            "priority": self.priority,
            "tags": list(self.tags),
            "due_at": self.due_at.isoformat(),
            "remind_at": self.remind_at.isoformat() if self.remind_at else None,
            "recurrence": self.recurrence,
        }


def plan_next_occurrence(task: TaskSnapshot, *, user_id: str) -> NextOccurrence | None:
    """What completing `task` creates next; None when it does not recur or the series ended."""
    if not task.recurrence or task.due_at is None:
        return None
    due = next_due(task.recurrence, task.due_at)
    if due is None:
        return None
    delta = due - task.due_at
    return NextOccurrence(
        user_id=user_id,
        occurrence_key=occurrence_key(task.id, due),
        title=task.title,
        description=task.description,
        priority=task.priority,
        tags=list(task.tags),
        due_at=due,
        remind_at=task.remind_at + delta if task.remind_at else None,
        recurrence=remaining_rule(task.recurrence),
    )
