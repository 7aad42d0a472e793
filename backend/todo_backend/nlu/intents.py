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


# Intents that name an existing task (by `reference` or by conversation context).
TASK_REFERENCING_INTENTS = frozenset(
    {Intent.COMPLETE_TASK, Intent.DELETE_TASK, Intent.UPDATE_TASK, Intent.SET_REMINDER}
)


@dataclass(frozen=True)
class Entities:
    """What the message says about a task; every field is empty unless the message says it.

    `title` is the title of a task to create; `reference` names an existing task; when the
    message points back ("it", "that", "the last one", or names nothing) `refers_to_context`
    is True and `reference` is None. For `set_reminder`, "remind me to X" gives only `title`,
    while "remind me about X" gives both `title` and `reference` (remind on X if it exists,
    else create it).
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
    status_filter: StatusFilter | None = None
    search_text: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None

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


@dataclass(frozen=True)
class NluResult:
    intent: Intent
    confidence: float
    fallback: bool
    entities: Entities = field(default_factory=Entities)
    # Which part decided the intent: the classifier, the rules after a low-confidence or
    # missing model ("rules", i.e. `fallback`), or an explicit command overriding the model.
    source: DecisionSource = "model"
