import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from todo_backend.db import UTCDateTime, utcnow
from todo_common.events import (
    DESCRIPTION_MAX_LENGTH,
    OCCURRENCE_KEY_MAX_LENGTH,
    RECURRENCE_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    USER_ID_MAX_LENGTH,
)


def new_task_id() -> str:
    return str(uuid.uuid4())


class TaskTag(SQLModel, table=True):
    __tablename__ = "task_tag"

    task_id: str = Field(
        sa_column=Column(String(36), ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    tag: str = Field(primary_key=True, max_length=TAG_MAX_LENGTH, index=True)
    task: "Task" = Relationship(back_populates="tag_rows")


class Task(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_owner_completed_due", "owner_id", "completed", "due_at"),
        Index("ix_task_owner_created", "owner_id", "created_at"),
        # A recurring task's next occurrence is created at most once per key.
        UniqueConstraint("owner_id", "occurrence_key", name="uq_task_owner_occurrence"),
    )

    id: str = Field(default_factory=new_task_id, primary_key=True, max_length=36)
    owner_id: str = Field(index=True, max_length=USER_ID_MAX_LENGTH)
    title: str = Field(max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)
    completed: bool = False
    priority: str = Field(default="medium", max_length=6)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    remind_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recurrence: str | None = Field(default=None, max_length=RECURRENCE_MAX_LENGTH)
    occurrence_key: str | None = Field(default=None, max_length=OCCURRENCE_KEY_MAX_LENGTH)

    tag_rows: list[TaskTag] = Relationship(
        back_populates="task",
        sa_relationship_kwargs={"lazy": "selectin", "cascade": "all, delete-orphan"},
    )

    @property
    def tags(self) -> list[str]:
        return sorted(row.tag for row in self.tag_rows)

    def set_tags(self, tags: list[str]) -> None:
        wanted = set(tags)
        self.tag_rows = [row for row in self.tag_rows if row.tag in wanted]
        present = {row.tag for row in self.tag_rows}
        self.tag_rows.extend(TaskTag(task_id=self.id, tag=tag) for tag in sorted(wanted - present))


# The tables themselves, for Core statements on hot paths.
TASK_TABLE = SQLModel.metadata.tables["task"]
TASK_TAG_TABLE = SQLModel.metadata.tables["task_tag"]
