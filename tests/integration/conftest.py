"""The backend app in-process against real PostgreSQL / SQLite and a real Redis (no sidecar)."""

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from devstack.infra import PostgresCluster
from devstack.stack import DEV_JWT_SECRET
from todo_backend.main import create_app
from todo_backend.settings import BackendSettings
from todo_common.auth import create_token


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/tasks.db"
    postgres: PostgresCluster = request.getfixturevalue("postgres")
    return postgres.create_database(f"api_{uuid.uuid4().hex[:10]}")


def backend_settings(database_url: str, redis_port: int, **overrides: object) -> BackendSettings:
    values: dict[str, object] = {
        "database_url": database_url,
        "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        "jwt_secret": DEV_JWT_SECRET,
        "outbox_relay_enabled": False,  # no sidecar here: events stay in the outbox
        "dapr_http_port": 1,
        # Counters live in the shared test Redis; only the rate-limit tests set a low limit.
        "rate_limit_per_minute": 100_000,
    }
    values.update(overrides)
    return BackendSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def backend_app(database_url: str, redis_server: int) -> AsyncIterator[FastAPI]:
    app = create_app(backend_settings(database_url, redis_server))
    async with app.router.lifespan_context(app):
        yield app


ClientFactory = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def client_for(backend_app: FastAPI) -> ClientFactory:
    """`client_for("alice")`: an HTTP client authenticated as that user."""

    def make(user_id: str) -> httpx.AsyncClient:
        token = create_token(user_id, DEV_JWT_SECRET)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=backend_app),
            base_url="http://backend",
            headers={"Authorization": f"Bearer {token}"},
        )

    return make
