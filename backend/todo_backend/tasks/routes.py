from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from todo_backend.deps import ERRORS, RateLimitedUser, TaskServiceDep
from todo_backend.tasks.schemas import (
    OccurrenceCreate,
    TaskCreate,
    TaskList,
    TaskPublic,
    TaskQuery,
    TaskUpdate,
)
from todo_common.dapr.app import require_dapr_caller

router = APIRouter(prefix="/api/tasks", tags=["tasks"], responses=ERRORS)


@router.get("", response_model=TaskList)
async def list_tasks(
    user: RateLimitedUser, tasks: TaskServiceDep, query: Annotated[TaskQuery, Query()]
) -> TaskList:
    items, total = await tasks.list(user_id=user.id, query=query)
    return TaskList(items=items, total=total, limit=query.limit, offset=query.offset)


@router.post("", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
async def create_task(user: RateLimitedUser, tasks: TaskServiceDep, body: TaskCreate) -> TaskPublic:
    return await tasks.create(user_id=user.id, data=body)


@router.get("/{task_id}", response_model=TaskPublic)
async def read_task(user: RateLimitedUser, tasks: TaskServiceDep, task_id: str) -> TaskPublic:
    return await tasks.get(user_id=user.id, task_id=task_id)


@router.patch("/{task_id}", response_model=TaskPublic)
async def update_task(
    user: RateLimitedUser, tasks: TaskServiceDep, task_id: str, body: TaskUpdate
) -> TaskPublic:
    return await tasks.update(user_id=user.id, task_id=task_id, changes=body)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_task(user: RateLimitedUser, tasks: TaskServiceDep, task_id: str) -> Response:
    await tasks.delete(user_id=user.id, task_id=task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{task_id}/complete", response_model=TaskPublic)
async def complete_task(user: RateLimitedUser, tasks: TaskServiceDep, task_id: str) -> TaskPublic:
    return await tasks.complete(user_id=user.id, task_id=task_id)


# Sidecar-only: not part of the public API, so not in its OpenAPI document.
internal_router = APIRouter(
    prefix="/internal",
    tags=["internal"],
    dependencies=[Depends(require_dapr_caller)],
    include_in_schema=False,
)


@internal_router.post("/occurrences", response_model=TaskPublic)
async def create_occurrence(
    tasks: TaskServiceDep, body: OccurrenceCreate, response: Response
) -> TaskPublic:
    """Reached only through Dapr service invocation (NetworkPolicy + app API token)."""
    task, created = await tasks.create_occurrence(body)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return task
