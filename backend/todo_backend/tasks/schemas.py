import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from dateutil.rrule import rrulestr
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from todo_common.events import (
    DESCRIPTION_MAX_LENGTH,
    MAX_TAGS,
    OCCURRENCE_KEY_MAX_LENGTH,
    RECURRENCE_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    USER_ID_MAX_LENGTH,
    TaskSnapshot,
)

Priority = Literal["low", "medium", "high"]
PRIORITY_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}

# Deeper pages than this are refused (422), not handed to the database (whose integers overflow).
MAX_OFFSET = 1_000_000
# RFC 3339 date-time, what the schema's `format: date-time` promises: an offset is required,
# and no other spelling (a bare number would otherwise be read as a Unix timestamp).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
# One RRULE without DTSTART: NAME=value parts separated by ";" (the schema's pattern too).
RRULE_PATTERN = (
    r"^(?:[Rr][Rr][Uu][Ll][Ee]:)?[A-Za-z]+=[A-Za-z0-9,+-]+(?:;[A-Za-z]+=[A-Za-z0-9,+-]+)*$"
)


def _validate_rrule(value: str) -> str:
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if "DTSTART" in value.upper() or "\n" in value:
        raise ValueError("recurrence must be a single RRULE without DTSTART")
    try:
        rrulestr(value, dtstart=datetime(2000, 1, 1, tzinfo=UTC))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid RRULE: {exc}") from exc
    return value.upper()


def _normalise_tags(tags: list[str]) -> list[str]:
    return sorted(set(tags))


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rfc3339_only(value: Any) -> Any:
    if isinstance(value, datetime):  # built in code (chat), not parsed from a request
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00Z")
    return value


# Offsets are required on input; stored and returned in UTC.
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_rfc3339_only), AfterValidator(_to_utc)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH)
]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX_LENGTH)]
Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=TAG_MAX_LENGTH, pattern=r"^[^\s,]+$"
    ),
]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_normalise_tags)]
Recurrence = Annotated[
    str,
    StringConstraints(max_length=RECURRENCE_MAX_LENGTH, pattern=RRULE_PATTERN),
    AfterValidator(_validate_rrule),
]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None
    priority: Priority = "medium"
    tags: Tags = []
    due_at: UtcDatetime | None = None
    remind_at: UtcDatetime | None = None
    recurrence: Recurrence | None = None


class TaskUpdate(BaseModel):
    """Partial update: only the fields present are changed; `null` clears a nullable field."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    priority: Priority | None = None
    tags: Tags | None = None
    due_at: UtcDatetime | None = None
    remind_at: UtcDatetime | None = None
    recurrence: Recurrence | None = None
    completed: bool | None = None


class OccurrenceCreate(TaskCreate):
    """Internal: the next occurrence of a recurring task (called by the reminders service)."""

    user_id: Annotated[str, StringConstraints(min_length=1, max_length=USER_ID_MAX_LENGTH)]
    occurrence_key: Annotated[
        str, StringConstraints(min_length=1, max_length=OCCURRENCE_KEY_MAX_LENGTH)
    ]


# The contract's Task: the fields events carry (TaskSnapshot), read from a task row.
class TaskPublic(TaskSnapshot):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    description: str | None  # always present in the API's JSON (null when unset)


class TaskList(BaseModel):
    items: list[TaskPublic]
    total: int
    limit: int
    offset: int


class StatusFilter(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    ALL = "all"


class SortField(StrEnum):
    DUE_AT = "due_at"
    PRIORITY = "priority"
    CREATED_AT = "created_at"
    TITLE = "title"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class TaskQuery(BaseModel):
    """Filters, sort and page of `GET /api/tasks`."""

    model_config = ConfigDict(extra="forbid")

    status: StatusFilter = StatusFilter.ALL
    priority: Priority | None = None
    tag: Tag | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    due_before: UtcDatetime | None = None
    due_after: UtcDatetime | None = None
    has_reminder: bool | None = None
    sort: SortField = SortField.CREATED_AT
    order: SortOrder = SortOrder.ASC
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
