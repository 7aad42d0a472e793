"""The backend's request dependencies, as `Annotated` aliases routes declare.

Everything a request needs comes from one typed `BackendState`, built by the lifespan
(main.py); routes never look into `app.state` themselves.
"""

from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.outbox.relay import OutboxRelay
from todo_backend.ratelimit import RateLimiter
from todo_backend.settings import BackendSettings
from todo_backend.tasks.service import TaskService
from todo_common.auth import CurrentUser, CurrentUserDep
from todo_common.dapr.client import DaprClient
from todo_common.errors import RateLimitedError, error_responses

logger = structlog.get_logger()


@dataclass(frozen=True)
class BackendState:
    """What the backend holds while it runs (built at start-up, disposed at shutdown)."""

    settings: BackendSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    dapr: DaprClient
    relay: OutboxRelay
    rate_limiter: RateLimiter
    nlu: NluPipeline


def backend_state(app: FastAPI) -> BackendState:
    state = app.state.backend
    assert isinstance(state, BackendState), "the backend's lifespan has not run"
    return state


def get_state(request: Request) -> BackendState:
    return backend_state(request.app)


StateDep = Annotated[BackendState, Depends(get_state)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    session = state.sessionmaker()
    try:
        yield session
    finally:
        await close_session(session)


async def close_session(session: AsyncSession) -> None:
    """Closing runs after the response has started: raising then would drop the client's
    connection without an answer. A connection that cannot even roll back (PostgreSQL going
    away mid-request) is discarded instead; the server ends its transaction anyway."""
    try:
        await session.close()
    except Exception as exc:
        logger.warning("session.close_failed", error=repr(exc)[:300])
        with suppress(Exception):
            await session.invalidate()


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_task_service(state: StateDep, session: SessionDep) -> TaskService:
    # A commit that wrote events wakes the relay, so they leave without waiting a poll.
    return TaskService(session, on_commit=state.relay.wake)


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]


async def enforce_rate_limit(state: StateDep, user: CurrentUserDep) -> CurrentUser:
    limiter = state.rate_limiter
    count, retry_after = await limiter.hit(user.id)
    if count > limiter.limit:
        raise RateLimitedError(
            f"rate limit of {limiter.limit} requests per minute exceeded",
            headers={"Retry-After": str(retry_after)},
        )
    return user


# Use instead of CurrentUserDep on /api routes: authenticates, then counts the request.
RateLimitedUser = Annotated[CurrentUser, Depends(enforce_rate_limit)]

# The errors every /api route can answer (OpenAPI `responses`).
ERRORS = error_responses(400, 401, 404, 413, 422, 429, 503, e404="no such task for this user")
