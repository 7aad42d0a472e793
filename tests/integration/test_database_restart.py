"""A PostgreSQL restart under a running backend: a clear 503 at worst, then service as
usual, and nothing that was acknowledged is lost."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.infra import PostgresCluster
from devstack.ports import free_port
from tests.integration.conftest import backend_settings
from todo_backend.main import create_app
from todo_common.auth import create_token


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster of its own: restarting the shared one would disturb other tests."""
    with tempfile.TemporaryDirectory(prefix="todo-pg-restart-") as tmp:
        Path(tmp).chmod(0o755)
        cluster = PostgresCluster(Path(tmp) / "data", free_port())
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()


async def test_after_a_postgres_restart_one_request_gets_503_then_all_is_well(
    own_postgres: PostgresCluster, redis_server: int
) -> None:
    settings = backend_settings(own_postgres.url("todo"), redis_server)
    app = create_app(settings)
    token = create_token("restart-user", settings.jwt_secret)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://backend",
            headers={"Authorization": f"Bearer {token}"},
        ) as client,
    ):
        for i in range(5):  # fills the pool with connections that the restart will kill
            assert (
                await client.post("/api/tasks", json={"title": f"before {i}"})
            ).status_code == 201

        own_postgres.stop()
        own_postgres.start()

        # The pooled connections are dead: the first request says so and fails cleanly
        # (nothing to acknowledge: it committed nothing), the pool is recycled at once.
        lost = await client.get("/api/tasks")
        assert lost.status_code == 503
        assert lost.headers["Retry-After"] == "1"
        assert "database connection was lost" in lost.json()["detail"]
        assert [(await client.get("/api/tasks")).status_code for _ in range(3)] == [200] * 3
        created = await client.post("/api/tasks", json={"title": "after"})
        assert created.status_code == 201
        listed = (await client.get("/api/tasks", params={"limit": 100})).json()

    assert sorted(t["title"] for t in listed["items"]) == [
        "after", "before 0", "before 1", "before 2", "before 3", "before 4",
    ]  # fmt: skip
