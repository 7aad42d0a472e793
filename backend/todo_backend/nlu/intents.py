"""The NLU result types: what the chat layer receives from `NluPipeline.parse`."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

Priority = Literal["low", "medium", "high"]
StatusFilter = Literal["pending", "completed", "all"]
DecisionSource = Literal["model", "rules", "rules_override"]


class Intent(StrEnum):
    ADD_TASK = "add_task"
    LIST_TASKS = "list_tasks"
    COMPLETE_TASK = "complete_task"
    DELETE_TASK = "delete_task"
    UPDATE_TASK = "update_task"
    SET_REMINDER = "set_reminder"
    GREETING = "greeting"
    HELP = "help"
    OUT_OF_SCOPE = "out_of_scope"
    UNDO = "undo"


# Intents that change tasks; on a message that is not a task command any of them is a false
# action, and the destructive ones (they change or remove an existing task) are the worst.
DESTRUCTIVE_INTENTS = frozenset({Intent.COMPLETE_TASK, Intent.DELETE_TASK, Intent.UPDATE_TASK})
ACTION_INTENTS = DESTRUCTIVE_INTENTS | {Intent.ADD_TASK, Intent.SET_REMINDER, Intent.UNDO}


@dataclass(frozen=True)
class Entities:
    """What the message says about a task; every field is empty unless the message says it.

    `title` is the title of a task to create; `reference` names an existing task; when the
    message points back ("it", "that", "the last one", or names nothing) `refers_to_context`
    is True and `reference` is None. For `set_reminder`, "remind me to X" gives only `title`,
    while "remind me about X" gives both `title` and `reference` (remind on X if it exists,
    else create it). `list_tag` is the list a message names ("add eggs to my shopping list":
    `shopping`, also in `tags`). `time_only` says the date-time came from a time of day alone
    ("change it to 7pm"), so a change keeps the task's own day. `reference_hint` is the task a
    clause beside an "it" names ("I've booked the flights, mark it done"). An update may also
    say `due_shift` ("postpone X by two days": the due date and reminder move by it) and
    `clear`, the fields it empties ("stop repeating X": `recurrence`; also `due_at`,
    `remind_at`, and `tags`: the tags listed in `tags`, or all of them).
    """

    title: str | None = None
    reference: str | None = None
    refers_to_context: bool = False
    new_title: str | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    remind_before: timedelta | None = None
    recurrence: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    list_tag: str | None = None
    time_only: bool = False
    reference_hint: str | None = None
    due_shift: timedelta | None = None
    clear: tuple[str, ...] = ()
    status_filter: StatusFilter | None = None
    search_text: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    with_reminder: bool | None = None  # a listing of tasks with (True) or without a reminder

    def as_json(self) -> dict[str, object]:
        """JSON-ready dict (ISO 8601 datetimes, seconds for `remind_before`), empty fields kept."""
        out: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                out[name] = value.isoformat()
            elif isinstance(value, timedelta):
                out[name] = value.total_seconds()
            elif isinstance(value, tuple):
                out[name] = list(value)
            else:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Entities":
        """The inverse of `as_json` (a remembered request, parsed once, applied later)."""
        values: dict[str, object] = {}
        for name, value in data.items():
            if name not in cls.__dataclass_fields__ or value is None:
                continue
            if name in _DATETIME_FIELDS:
                values[name] = datetime.fromisoformat(str(value))
            elif name in ("remind_before", "due_shift"):
                values[name] = timedelta(seconds=float(str(value)))
            elif name in ("tags", "clear"):
                values[name] = tuple(str(tag) for tag in value)  # type: ignore[attr-defined]
            else:
                values[name] = value
        return cls(**values)  # type: ignore[arg-type]


_DATETIME_FIELDS = frozenset({"due_at", "remind_at", "due_before", "due_after"})


@dataclass(frozen=True)
class IntentDecision:
    intent: Intent
    confidence: float
    fallback: bool
    source: DecisionSource


@dataclass(frozen=True)
class NluResult:
    intent: Intent
    confidence: float
    fallback: bool
    entities: Entities = field(default_factory=Entities)
    # Which part decided the intent: the classifier, the rules after a low-confidence or
    # missing model ("rules", i.e. `fallback`), or an explicit command overriding the model.
    source: DecisionSource = "model"
