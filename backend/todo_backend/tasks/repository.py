"""Queries over the task tables; every query is scoped to one owner."""

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, case, func, insert, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from todo_backend.tasks.models import TASK_TABLE, TASK_TAG_TABLE, Task, TaskTag
from todo_backend.tasks.schemas import (
    PRIORITY_RANK,
    SortField,
    SortOrder,
    StatusFilter,
    TaskPublic,
    TaskQuery,
)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def insert_task(session: AsyncSession, task: Task) -> None:
    """Insert a new task and its tags with plain INSERTs (no unit-of-work flush: the
    create path is the API's hottest write). `task` stays a transient object."""
    # Parameters passed separately, so SQLAlchemy compiles each statement once and caches it.
    await session.execute(
        insert(TASK_TABLE),
        {column.name: getattr(task, column.name) for column in TASK_TABLE.columns},
    )
    if task.tag_rows:
        await session.execute(
            insert(TASK_TAG_TABLE), [{"task_id": task.id, "tag": row.tag} for row in task.tag_rows]
        )


async def get_task(session: AsyncSession, *, owner_id: str, task_id: str) -> Task | None:
    statement = select(Task).where(col(Task.id) == task_id, col(Task.owner_id) == owner_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def get_task_by_occurrence_key(
    session: AsyncSession, *, owner_id: str, occurrence_key: str
) -> Task | None:
    statement = select(Task).where(
        col(Task.owner_id) == owner_id, col(Task.occurrence_key) == occurrence_key
    )
    return (await session.execute(statement)).scalar_one_or_none()


def _filtered(statement: Select[Any], *, owner_id: str, query: TaskQuery) -> Select[Any]:
    statement = statement.where(col(Task.owner_id) == owner_id)
    if query.status is StatusFilter.PENDING:
        statement = statement.where(col(Task.completed).is_(False))
    elif query.status is StatusFilter.COMPLETED:
        statement = statement.where(col(Task.completed).is_(True))
    if query.priority:
        statement = statement.where(col(Task.priority) == query.priority)
    if query.tag:
        tagged = select(col(TaskTag.task_id)).where(col(TaskTag.tag) == query.tag)
        statement = statement.where(col(Task.id).in_(tagged))
    if query.q:
        pattern = f"%{_escape_like(query.q)}%"
        statement = statement.where(
            or_(
                col(Task.title).ilike(pattern, escape="\\"),
                col(Task.description).ilike(pattern, escape="\\"),
            )
        )
    if query.due_before:
        statement = statement.where(col(Task.due_at) < query.due_before)
    if query.due_after:
        statement = statement.where(col(Task.due_at) >= query.due_after)
    if query.has_reminder is not None:
        reminded = col(Task.remind_at).is_not(None)
        statement = statement.where(reminded if query.has_reminder else ~reminded)
    return statement


def _sort_key(field: SortField) -> Any:
    if field is SortField.PRIORITY:
        return case(PRIORITY_RANK, value=col(Task.priority), else_=1)
    if field is SortField.TITLE:
        return func.lower(col(Task.title))
    return col(Task.due_at) if field is SortField.DUE_AT else col(Task.created_at)


async def list_tasks(
    session: AsyncSession, *, owner_id: str, query: TaskQuery, count_total: bool = True
) -> tuple[list[TaskPublic], int]:
    """One page and the total count, read as plain rows (no ORM objects: a page is built
    on every list call).

    The page is its own query, so PostgreSQL can walk an index in the page's order and
    stop at LIMIT; the total is counted apart, and only when the page does not tell it
    (a window count over the page query made every list sort all of a user's tasks: list
    CPU grew linearly with tasks per user, see docs/performance.md). Without
    `count_total` (chat's reference lookups) the total is the page's length.
    """
    key = _sort_key(query.sort)
    ordered = key.desc() if query.order is SortOrder.DESC else key.asc()
    statement = (
        _filtered(sa_select(*_PUBLIC_COLUMNS), owner_id=owner_id, query=query)
        .order_by(ordered.nulls_last(), col(Task.created_at), col(Task.id))
        .limit(query.limit)
        .offset(query.offset)
    )
    rows = (await session.execute(statement)).all()
    if not count_total or (query.offset == 0 and len(rows) < query.limit):
        total = query.offset + len(rows)
    else:
        matching = _filtered(sa_select(col(Task.id)), owner_id=owner_id, query=query).subquery()
        total = (await session.execute(sa_select(func.count()).select_from(matching))).scalar_one()
    tags = await _tags_by_task(session, [row.id for row in rows])
    page = [TaskPublic.model_validate({**row._mapping, "tags": tags[row.id]}) for row in rows]
    return page, total


async def _tags_by_task(session: AsyncSession, task_ids: list[str]) -> defaultdict[str, list[str]]:
    tags: defaultdict[str, list[str]] = defaultdict(list)
    if task_ids:
        statement = (
            sa_select(TASK_TAG_TABLE.c.task_id, TASK_TAG_TABLE.c.tag)
            .where(TASK_TAG_TABLE.c.task_id.in_(task_ids))
            .order_by(TASK_TAG_TABLE.c.tag)
        )
        for task_id, tag in (await session.execute(statement)).all():
            tags[task_id].append(tag)
    return tags


_PUBLIC_COLUMNS = [TASK_TABLE.c[name] for name in TaskPublic.model_fields if name != "tags"]
