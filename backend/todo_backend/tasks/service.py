"""The task rules. Knows nothing of HTTP or Dapr: raises domain errors, writes events."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from todo_backend.db import utcnow
from todo_backend.tasks import repository
from todo_backend.tasks.events import record_task_event
from todo_backend.tasks.models import Task
from todo_backend.tasks.schemas import (
    OccurrenceCreate,
    TaskCreate,
    TaskPublic,
    TaskQuery,
    TaskUpdate,
)
from todo_common.errors import InvalidInputError, NotFoundError
from todo_common.events import TaskEventType
from todo_common.telemetry import step_span

_PLAIN_FIELDS = ("title", "description", "priority", "due_at", "remind_at", "recurrence")


def _check_recurrence_has_due_date(task: Task) -> None:
    if task.recurrence and task.due_at is None:
        raise InvalidInputError("recurrence requires due_at: occurrences are counted from it")


class TaskService:
    """One user's view of their tasks; each mutating call is one transaction with its event."""

    def __init__(self, session: AsyncSession, *, on_commit: Callable[[], None] = lambda: None):
        self.session = session
        self._on_commit = on_commit

    async def _commit(self) -> None:
        with step_span("db.commit"):  # the task change and its outbox rows, one transaction
            await self.session.commit()
        self._on_commit()

    async def get(self, *, user_id: str, task_id: str) -> TaskPublic:
        return TaskPublic.model_validate(await self._load(user_id=user_id, task_id=task_id))

    async def _load(self, *, user_id: str, task_id: str) -> Task:
        task = await repository.get_task(self.session, owner_id=user_id, task_id=task_id)
        if task is None:  # also for other users' tasks: never reveal that they exist
            raise NotFoundError(f"task {task_id} not found")
        return task

    async def list(
        self, *, user_id: str, query: TaskQuery, count_total: bool = True
    ) -> tuple[list[TaskPublic], int]:
        return await repository.list_tasks(
            self.session, owner_id=user_id, query=query, count_total=count_total
        )

    async def create(
        self, *, user_id: str, data: TaskCreate, occurrence_key: str | None = None
    ) -> TaskPublic:
        task = Task(
            owner_id=user_id,
            occurrence_key=occurrence_key,
            **data.model_dump(exclude={"tags", "user_id", "occurrence_key"}),
        )
        task.set_tags(data.tags)
        _check_recurrence_has_due_date(task)
        await repository.insert_task(self.session, task)
        await record_task_event(self.session, event_type=TaskEventType.CREATED, task=task)
        await self._commit()
        return TaskPublic.model_validate(task)

    async def create_occurrence(self, data: OccurrenceCreate) -> tuple[TaskPublic, bool]:
        """Create the next occurrence once per key; returns (task, created)."""
        existing = await repository.get_task_by_occurrence_key(
            self.session, owner_id=data.user_id, occurrence_key=data.occurrence_key
        )
        if existing is not None:
            return TaskPublic.model_validate(existing), False
        try:
            task = await self.create(
                user_id=data.user_id, data=data, occurrence_key=data.occurrence_key
            )
        except IntegrityError:  # a concurrent redelivery won the race
            await self.session.rollback()
            existing = await repository.get_task_by_occurrence_key(
                self.session, owner_id=data.user_id, occurrence_key=data.occurrence_key
            )
            if existing is None:
                raise
            return TaskPublic.model_validate(existing), False
        return task, True

    async def update(self, *, user_id: str, task_id: str, changes: TaskUpdate) -> TaskPublic:
        task = await self._load(user_id=user_id, task_id=task_id)
        requested = changes.model_dump(exclude_unset=True)
        if requested.get("title", "") is None:
            raise InvalidInputError("title cannot be null")
        if requested.get("priority", "") is None:
            raise InvalidInputError("priority cannot be null")
        changed: list[str] = []
        for name in _PLAIN_FIELDS:
            if name in requested and getattr(task, name) != requested[name]:
                setattr(task, name, requested[name])
                changed.append(name)
        if "tags" in requested and task.tags != (requested["tags"] or []):
            task.set_tags(requested["tags"] or [])
            changed.append("tags")
        event_type = TaskEventType.UPDATED
        completed = requested.get("completed")
        if completed is not None and completed != task.completed:
            task.completed = completed
            task.completed_at = utcnow() if completed else None
            changed.append("completed")
            if completed:
                event_type = TaskEventType.COMPLETED
        if not changed:
            return TaskPublic.model_validate(task)
        _check_recurrence_has_due_date(task)
        task.updated_at = utcnow()
        await record_task_event(
            self.session, event_type=event_type, task=task, changed_fields=changed
        )
        await self._commit()
        return TaskPublic.model_validate(task)

    async def complete(self, *, user_id: str, task_id: str) -> TaskPublic:
        """Idempotent: completing a completed task changes and publishes nothing."""
        return await self.update(
            user_id=user_id, task_id=task_id, changes=TaskUpdate(completed=True)
        )

    async def delete(self, *, user_id: str, task_id: str) -> None:
        task = await self._load(user_id=user_id, task_id=task_id)
        await record_task_event(self.session, event_type=TaskEventType.DELETED, task=task)
        await self.session.delete(task)
        await self._commit()
