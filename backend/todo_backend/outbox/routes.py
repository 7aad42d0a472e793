from typing import Annotated

from fastapi import APIRouter, Depends, Query

from todo_backend.deps import SessionDep
from todo_backend.outbox.event_log import read_event_log
from todo_common.dapr.app import require_dapr_caller
from todo_common.events import EventLogPage

# Sidecar-only (websocket resume through service invocation): not in the public OpenAPI.
router = APIRouter(
    prefix="/internal",
    tags=["internal"],
    dependencies=[Depends(require_dapr_caller)],
    include_in_schema=False,
)


@router.get("/users/{user_id}/events", response_model=EventLogPage)
async def user_event_log(
    session: SessionDep,
    user_id: str,
    after_seq: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> EventLogPage:
    """The user's `task-updates` events after `after_seq`, in order (websocket resume)."""
    return await read_event_log(session, user_id=user_id, after_seq=after_seq, limit=limit)
