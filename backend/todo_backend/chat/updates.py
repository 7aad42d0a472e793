"""What an update message changes on a task, and the reply that says what changed.

Plain functions over the task as it is and the parsed entities; the chat service sends the
result through `TaskService.update` (so validation, events and undo are the REST ones).
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from todo_backend.chat.replies import reminder, repeats, when
from todo_backend.nlu.dates import DUE_DEFAULT_TIME
from todo_backend.nlu.intents import Entities
from todo_backend.nlu.recurrence import Recurrence, changed_rule, falls_on
from todo_backend.tasks.schemas import TaskPublic, TaskUpdate


def _at_time(moment: datetime, clock: time, tz: ZoneInfo) -> datetime:
    """The same local day as `moment`, at `clock`."""
    return datetime.combine(moment.astimezone(tz).date(), clock, tzinfo=tz)


def _end_of_today(now: datetime, tz: ZoneInfo) -> datetime:
    return datetime.combine(now.astimezone(tz).date(), DUE_DEFAULT_TIME, tzinfo=tz)


def _due_and_reminder(
    task: TaskPublic, entities: Entities, *, now: datetime, tz: ZoneInfo
) -> dict[str, datetime | None]:
    """The new due date and reminder ("push X to friday" moves its reminder along)."""
    values: dict[str, datetime | None] = {}
    if "due_at" in entities.clear:
        values["due_at"] = None
    elif entities.due_shift:
        # "postpone X by two days": from its due date (today when it has none)
        base = entities.due_at or task.due_at or _end_of_today(now, tz)
        values["due_at"] = base + entities.due_shift
        if task.remind_at:
            values["remind_at"] = task.remind_at + entities.due_shift
    elif entities.time_only and (entities.due_at or entities.remind_at):
        # "change it to 7pm": the task keeps its day(s), the time moves; "change the reminder
        # for X to 8am" moves only the reminder.
        moment = entities.due_at or entities.remind_at
        assert moment is not None
        clock = moment.astimezone(tz).time()
        reminder_only = entities.due_at is None
        if task.remind_at:
            values["remind_at"] = _at_time(task.remind_at, clock, tz)
        elif reminder_only:
            values["remind_at"] = _at_time(task.due_at, clock, tz) if task.due_at else moment
        if not reminder_only:
            values["due_at"] = _at_time(task.due_at, clock, tz) if task.due_at else moment
    elif entities.due_at:
        values["due_at"] = entities.due_at
        if task.remind_at and task.due_at and not (entities.remind_at or entities.remind_before):
            values["remind_at"] = entities.due_at - (task.due_at - task.remind_at)
    due = values.get("due_at", task.due_at)
    if "remind_at" in entities.clear:
        values["remind_at"] = None
    elif entities.remind_at and not entities.time_only:
        values["remind_at"] = entities.remind_at
    elif entities.remind_before and due:
        values["remind_at"] = due - entities.remind_before
    return values


def task_changes(
    task: TaskPublic, entities: Entities, *, now: datetime, tz: ZoneInfo
) -> TaskUpdate:
    """The fields `entities` change on `task`; an emptied field is set to null."""
    values: dict[str, object] = {}
    if entities.new_title:
        values["title"] = entities.new_title
    if entities.priority:
        values["priority"] = entities.priority
    values.update(_due_and_reminder(task, entities, now=now, tz=tz))
    if "recurrence" in entities.clear or ("due_at" in entities.clear and task.recurrence):
        values["recurrence"] = None  # a repeating task counts from its due date
    elif entities.recurrence:
        # "make it every other week" on a task every Tuesday keeps the Tuesday
        rule = changed_rule(task.recurrence, entities.recurrence)
        values["recurrence"] = rule
        due = values.get("due_at", task.due_at)
        if (
            isinstance(due, datetime)
            and "due_at" not in values
            and not falls_on(rule, due.astimezone(tz))
        ):
            # "change it to every thursday" on a task due Tuesday: due the next Thursday, at
            # its own time of day
            moved = Recurrence(rule).first_occurrence(
                now=now.astimezone(tz), at=due.astimezone(tz).time()
            )
            values["due_at"] = moved
            if task.remind_at and "remind_at" not in values:
                values["remind_at"] = task.remind_at + (moved - due)
        elif due is None:
            # "make X weekly" on a task without a date: due when it first comes round
            at = task.remind_at or entities.remind_at
            clock = at.astimezone(tz).time() if at else DUE_DEFAULT_TIME
            first = Recurrence(rule).first_occurrence(now=now.astimezone(tz), at=clock)
            values["due_at"] = first
    if "tags" in entities.clear:
        removed = set(entities.tags)
        values["tags"] = [tag for tag in task.tags if removed and tag not in removed]
    elif entities.tags:
        values["tags"] = sorted(set(task.tags) | set(entities.tags))
    return TaskUpdate.model_validate(values)


def _moment(moment: datetime | None, tz: ZoneInfo, now: datetime) -> str:
    return when(moment, tz, now) if moment else "none"


def describe_update(before: TaskPublic, after: TaskPublic, tz: ZoneInfo, now: datetime) -> str:
    """'Updated "wash the car": priority low (was high).' — only what changed."""
    parts: list[str] = []
    if after.due_at != before.due_at:
        if after.due_at is None:
            parts.append("no due date")
        else:
            was = f" (was {_moment(before.due_at, tz, now)})" if before.due_at else ""
            parts.append(f"due {when(after.due_at, tz, now)}{was}")
    if after.priority != before.priority:
        parts.append(f"priority {after.priority} (was {before.priority})")
    if after.recurrence != before.recurrence:
        parts.append(
            repeats(after.recurrence, tz, now) if after.recurrence else "no longer repeats"
        )
    if after.remind_at != before.remind_at:
        parts.append(reminder(after, tz, now) if after.remind_at else "no reminder")
    added = [tag for tag in after.tags if tag not in before.tags]
    removed = [tag for tag in before.tags if tag not in after.tags]
    if added:
        parts.append("tagged " + " ".join(f"#{tag}" for tag in added))
    if removed:
        parts.append("untagged " + " ".join(f"#{tag}" for tag in removed))
    if after.title != before.title:
        head = f'Renamed "{before.title}" to "{after.title}"'
    else:
        head = f'Updated "{after.title}"'
    if not parts:
        return f"{head}." if after.title != before.title else f'"{after.title}" already has that.'
    return f"{head}: " + ", ".join(parts) + "."
