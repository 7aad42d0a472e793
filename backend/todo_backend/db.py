"""Async engine and sessions: asyncpg on PostgreSQL, aiosqlite on the embedded SQLite default.

Knows nothing of HTTP: it says when the database is unavailable (`is_database_unavailable`),
the app maps that to 503.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# A new connection that takes longer than this is refused: requests answer 503 quickly
# while PostgreSQL is away instead of hanging on a connect that will not succeed.
CONNECT_TIMEOUT_SECONDS = 5.0
# How long a request waits for a pooled connection before it is told to retry.
POOL_TIMEOUT_SECONDS = 10.0
# SQLSTATE classes of a database that is not there: 08 connection exception, 57P
# operator intervention (shutting down, starting up, terminated by the administrator).
_UNAVAILABLE_SQLSTATES = ("08", "57P")


class DatabaseUnavailableError(Exception):
    """No connection to the database could be made (refused, reset, timed out)."""


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means "the database is away", as opposed to a bug or bad data.

    Nothing commits in such a request, so the client may safely retry it."""
    if isinstance(exc, DatabaseUnavailableError | PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; SQLite keeps no offset, so it is restored here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must carry an offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # No pre-ping (a round trip per request): after a PostgreSQL restart the first
        # request on a dead connection fails with 503 (see is_database_unavailable) and the
        # whole pool is recycled at once.
        kwargs.update(
            pool_size=20,
            max_overflow=10,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    else:
        event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
    return engine


def _connect_or_unavailable(
    dialect: Dialect, _: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> Any:
    """asyncpg raises plain OSError/TimeoutError when PostgreSQL is not listening, which
    SQLAlchemy passes through unwrapped: name it, so it is not mistaken for a bug."""
    try:
        return dialect.connect(*cargs, **cparams)
    except (OSError, TimeoutError) as exc:
        raise DatabaseUnavailableError(f"cannot connect to the database: {exc!r}") from exc


def _configure_sqlite(dbapi_connection: Any, _: Any) -> None:
    # WAL lets readers proceed while the outbox relay or a request writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
