from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from todo_backend.tasks.schemas import TaskPublic


def _valid_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {name!r}") from exc
    return name


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    conversation_id: (
        Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\w.:-]+$")]
        | None
    ) = None
    timezone: Annotated[str, AfterValidator(_valid_timezone)] | None = Field(
        None, description="IANA name such as Europe/Paris; relative dates resolve in it (UTC)"
    )


class ChatResponse(BaseModel):
    conversation_id: str
    reply: str
    intent: str
    confidence: float
    fallback: bool
    entities: dict[str, Any] = Field(
        description="What was understood: title, due_at, remind_at, recurrence, priority, tags, "
        "list_tag (the named list, also in tags), reference, status_filter, …"
    )
    tasks: list[TaskPublic]
    can_undo: bool = Field(
        False, description='True when "undo" would revert a change made in this conversation'
    )
