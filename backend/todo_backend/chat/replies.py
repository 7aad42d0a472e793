"""Short replies that say exactly what was understood and what changed."""

from datetime import datetime
from zoneinfo import ZoneInfo

from todo_backend.chat.rrule_text import recurrence_text
from todo_backend.tasks.schemas import TaskPublic, TaskUpdate

HELP_TEXT = (
    'I can add tasks ("add buy milk tomorrow at 5pm #home", "add eggs to my shopping list"), '
    'set reminders ("remind me to call mom at 6pm"), repeat them ("every monday at 8am"), list '
    'them ("show my high priority tasks", "what\'s on my shopping list"), complete, change or '
    'delete them ("mark buy milk as done"), and undo my last change ("undo").'
)
GREETING_TEXT = 'Hi! What can I do for you? Try "add buy milk" or "show my tasks".'
OUT_OF_SCOPE_TEXT = (
    "I can only help with your tasks and reminders, so I left everything as it was. "
    'Try "show my tasks" or "help".'
)
NOTHING_TO_UNDO = "There is nothing to undo in this conversation."
MAX_LISTED = 10


def when(moment: datetime | None, tz: ZoneInfo, now: datetime) -> str:
    """'today 17:00', 'tomorrow 09:00', 'Fri 28 Nov 09:00' (the year only when not this one),
    in the user's timezone."""
    if moment is None:
        return ""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    year = "" if local.year == today.year else f" {local.year}"
    day = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days) or (
        f"{local:%a} {local.day} {local:%b}{year}"
    )
    return f"{day} {local:%H:%M}"


def _before(remind_at: datetime, due_at: datetime) -> str | None:
    """'30 min', '2 h', '1 day': how long before the due time a reminder rings, when that is a
    round span (as "remind me 30 minutes before" stores it); None otherwise."""
    minutes, rest = divmod((due_at - remind_at).total_seconds(), 60)
    minutes = int(minutes)
    if rest or minutes <= 0:
        return None
    if minutes % 1440 == 0 and minutes <= 14 * 1440:
        days = minutes // 1440
        return f"{days} day" if days == 1 else f"{days} days"
    if minutes % 60 == 0 and minutes <= 48 * 60:
        return f"{minutes // 60} h"
    if minutes % 5 == 0 and minutes < 120:
        return f"{minutes} min"
    return None


def reminder(task: TaskPublic, tz: ZoneInfo, now: datetime) -> str:
    """'reminder 30 min before', 'reminder at the due time', else 'reminder tomorrow 08:00'."""
    if task.remind_at is None:
        return ""
    if task.due_at is not None:
        if task.remind_at == task.due_at:
            return "reminder at the due time"
        span = _before(task.remind_at, task.due_at)
        if span:
            return f"reminder {span} before"
    return f"reminder {when(task.remind_at, tz, now)}"


def repeats(rule: str, tz: ZoneInfo, now: datetime) -> str:
    """'repeats every Sunday': the rule in words, never the raw RRULE."""
    return f"repeats {recurrence_text(rule, tz, now)}"


def _details(
    task: TaskPublic,
    tz: ZoneInfo,
    now: datetime,
    *,
    skip_tag: str | None,
    said_medium: bool = False,
) -> list[str]:
    parts = []
    if task.due_at:
        parts.append(f"due {when(task.due_at, tz, now)}")
    if task.recurrence:
        parts.append(repeats(task.recurrence, tz, now))
    if task.remind_at:
        parts.append(reminder(task, tz, now))
    if task.priority != "medium" or said_medium:  # medium is said only when the user set it
        parts.append(f"{task.priority} priority")
    tags = [tag for tag in task.tags if tag != skip_tag]
    if tags:
        parts.append(" ".join(f"#{tag}" for tag in tags))
    return parts


def describe(task: TaskPublic, tz: ZoneInfo, now: datetime) -> str:
    return ", ".join([f'"{task.title}"', *_details(task, tz, now, skip_tag=None)])


def added(
    task: TaskPublic, tz: ZoneInfo, now: datetime, *, list_tag: str | None,
    said_priority: bool = False,
) -> str:  # fmt: skip
    """'Added "eggs" to shopping, due tomorrow 17:00.'; 'Added "X", medium priority.' when the
    user said medium."""
    head = f'Added "{task.title}"' + (f" to {list_tag}" if list_tag else "")
    details = _details(task, tz, now, skip_tag=list_tag, said_medium=said_priority)
    return ", ".join([head, *details]) + "."


def _kept(task: TaskPublic, name: str, tz: ZoneInfo, now: datetime) -> str:
    """The words for a field the task already has: 'has high priority', 'is due today 17:00'."""
    if name == "priority":
        return f"has {task.priority} priority"
    if name == "due_at":
        return f"is due {when(task.due_at, tz, now)}" if task.due_at else "has no due date"
    if name == "remind_at":
        return f"has its {reminder(task, tz, now)}" if task.remind_at else "has no reminder"
    if name == "recurrence":
        return repeats(task.recurrence, tz, now) if task.recurrence else "does not repeat"
    if name == "tags":
        return ("is tagged " + " ".join(f"#{t}" for t in task.tags)) if task.tags else "has no tags"
    return f'is called "{task.title}"'


def unchanged(task: TaskPublic, changes: TaskUpdate) -> list[str]:
    """The fields an update asks for that `task` already has."""
    same = []
    for name in sorted(changes.model_fields_set):
        wanted, current = getattr(changes, name), getattr(task, name, None)
        if name == "tags":
            wanted, current = sorted(wanted or []), sorted(current or [])
        if wanted == current:
            same.append(name)
    return same


def already(task: TaskPublic, fields: list[str], tz: ZoneInfo, now: datetime) -> str:
    """'"pay rent" already has high priority.', '"gym" is already due tomorrow 18:00.'"""
    said = [_kept(task, name, tz, now) for name in fields]
    first, *rest = said
    verb, _, what = first.partition(" ")
    if verb == "is":  # "is already due …"
        head = f'"{task.title}" is already {what}'
    else:  # "already has high priority", "already repeats every Monday"
        head = f'"{task.title}" already {first}'
    return head + "".join(f" and {part}" for part in rest) + "."


def listing(tasks: list[TaskPublic], total: int, tz: ZoneInfo, now: datetime) -> str:
    if not tasks:
        return "No tasks match."
    lines = [f"{i}. {describe(task, tz, now)}" for i, task in enumerate(tasks[:MAX_LISTED], 1)]
    more = f"\n…and {total - MAX_LISTED} more." if total > MAX_LISTED else ""
    noun = "task" if total == 1 else "tasks"
    return f"{total} {noun}:\n" + "\n".join(lines) + more


def clarify(candidates: list[TaskPublic], action: str) -> str:
    options = "; ".join(f'{i}. "{task.title}"' for i, task in enumerate(candidates, 1))
    return f"Which one should I {action}? {options} (answer with the number)"
