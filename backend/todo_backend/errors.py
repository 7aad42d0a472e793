"""Database failures as HTTP answers: an unavailable database is 503 + Retry-After."""

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from todo_backend.db import DatabaseUnavailableError, is_database_unavailable
from todo_common.errors import internal_error_response, service_unavailable_response

logger = structlog.get_logger()

DATABASE_RETRY_AFTER_SECONDS = 1


async def database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database that is away (PostgreSQL stopped or restarting) is the client's cue to
    retry, not a 500: the transaction did not commit, so nothing was acknowledged."""
    if not is_database_unavailable(exc):
        logger.error("request.database_error", path=request.url.path, exc_info=exc)
        return internal_error_response()
    lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
    logger.warning("request.database_unavailable", path=request.url.path, error=repr(exc)[:300])
    detail = (
        "the database connection was lost; retry the request"
        if lost
        else "the database is unavailable; retry the request"
    )
    return service_unavailable_response(detail, retry_after_seconds=DATABASE_RETRY_AFTER_SECONDS)


def add_database_error_handlers(app: FastAPI) -> None:
    for error in (DBAPIError, DatabaseUnavailableError, PoolTimeoutError):
        app.add_exception_handler(error, database_error)
