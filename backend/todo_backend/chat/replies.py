"""Short replies that say exactly what was understood and what changed."""

from datetime import datetime
from zoneinfo import ZoneInfo

from todo_backend.tasks.schemas import TaskPublic

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
    if moment is None:
        return ""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    day = {0: "today", 1: "tomorrow"}.get(days) or local.strftime("%a %d %b %Y")
    return f"{day} {local:%H:%M}"


def _details(task: TaskPublic, tz: ZoneInfo, now: datetime, *, skip_tag: str | None) -> list[str]:
    parts = []
    if task.due_at:
        parts.append(f"due {when(task.due_at, tz, now)}")
    if task.priority != "medium":
        parts.append(f"{task.priority} priority")
    if task.recurrence:
        parts.append(f"repeats {task.recurrence}")
    if task.remind_at:
        parts.append(f"reminder {when(task.remind_at, tz, now)}")
    tags = [tag for tag in task.tags if tag != skip_tag]
    if tags:
        parts.append(" ".join(f"#{tag}" for tag in tags))
    return parts


def describe(task: TaskPublic, tz: ZoneInfo, now: datetime) -> str:
    return ", ".join([f'"{task.title}"', *_details(task, tz, now, skip_tag=None)])


def added(task: TaskPublic, tz: ZoneInfo, now: datetime, *, list_tag: str | None) -> str:
    """'Added "eggs" to shopping, due tomorrow 17:00.'"""
    head = f'Added "{task.title}"' + (f" to {list_tag}" if list_tag else "")
    return ", ".join([head, *_details(task, tz, now, skip_tag=list_tag)]) + "."


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
