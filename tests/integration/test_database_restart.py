"""A PostgreSQL restart or outage under a running backend: every request answers 503 JSON
with `Retry-After` while it is away, readiness fails and liveness holds, service resumes
without a restart, and nothing that was acknowledged is lost."""

import asyncio
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy.exc import InternalError
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.infra import PostgresCluster
from devstack.ports import free_port
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.integration.conftest import backend_settings
from todo_backend.deps import close_session
from todo_backend.main import create_app
from todo_common.auth import create_token

OUTAGE_SECONDS = 6.0


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


def stop_postgres_fast(cluster: PostgresCluster) -> None:
    """Stop it as an outage would: SIGINT is PostgreSQL's fast shutdown (the default SIGTERM
    waits for every client to disconnect, which a connection pool never does)."""
    assert cluster.process is not None and cluster.process.pid is not None
    os.kill(cluster.process.pid, signal.SIGINT)
    deadline = time.monotonic() + 30
    while cluster.process.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    cluster.process.stop()


def assert_unavailable(response: httpx.Response) -> None:
    """The answer every request gets while the database is away."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["Retry-After"].isdigit()
    assert "retry" in response.json()["detail"]


async def test_while_postgres_is_down_every_route_answers_503_json_and_recovers(
    own_postgres: PostgresCluster, redis_server: int
) -> None:
    settings = backend_settings(own_postgres.url("todo"), redis_server)
    app = create_app(settings)
    token = create_token("outage-user", settings.jwt_secret)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://backend",
            headers={"Authorization": f"Bearer {token}"},
        ) as client,
    ):
        task = (await client.post("/api/tasks", json={"title": "before"})).json()
        await asyncio.to_thread(stop_postgres_fast, own_postgres)
        try:
            requests = [
                client.get("/api/tasks"),
                client.get("/api/tasks"),  # the pool holds no live connection any more
                client.post("/api/tasks", json={"title": "during"}),
                client.get(f"/api/tasks/{task['id']}"),
                client.patch(f"/api/tasks/{task['id']}", json={"priority": "high"}),
                client.post(f"/api/tasks/{task['id']}/complete"),
                client.delete(f"/api/tasks/{task['id']}"),
                client.get("/internal/users/outage-user/events"),
            ]
            for request in requests:
                assert_unavailable(await request)
            ready = await client.get("/health/ready")
            assert ready.status_code == 503 and "database" in ready.json()["failing"]
            assert (await client.get("/health/live")).status_code == 200
        finally:
            await asyncio.to_thread(own_postgres.start)

        # Recovery without a restart (no sidecar here: readiness fails on that alone).
        deadline = time.monotonic() + 20
        while "database" in (await client.get("/health/ready")).json()["failing"]:
            assert time.monotonic() < deadline, "the database check did not recover"
            await asyncio.sleep(0.2)
        assert (await client.get(f"/api/tasks/{task['id']}")).status_code == 200
        assert (await client.post("/api/tasks", json={"title": "after"})).status_code == 201
        titles = [t["title"] for t in (await client.get("/api/tasks")).json()["items"]]
    assert titles == ["before", "after"]


@dataclass
class Outcome:
    kind: str  # "create", "chat", "list", "ready", "live"
    phase: str  # "before", "outage", "after"
    status: int | None
    body: Any = None
    retry_after: str | None = None
    error: str | None = None


@dataclass
class Traffic:
    phase: str = "before"
    outcomes: list[Outcome] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, kind: str, request: Callable[[int], Any], interval: float) -> None:
        """Send `request(n)` every `interval` seconds until stopped; record each answer."""
        n = 0
        while not self.stop.is_set():
            phase = self.phase
            try:
                response = await request(n)
            except httpx.HTTPError as exc:  # dropped connection, timeout: never acceptable
                self.outcomes.append(Outcome(kind, phase, None, error=repr(exc)))
            else:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
                retry_after = response.headers.get("Retry-After")
                self.outcomes.append(Outcome(kind, phase, response.status_code, body, retry_after))
            n += 1
            await asyncio.sleep(interval)


@pytest.mark.integration
async def test_postgres_outage_under_load_answers_only_201_or_503_and_loses_nothing(
    own_postgres: PostgresCluster, tmp_path: Path
) -> None:
    """Four writers (~40 creates/s), chat turns, lists and probes over real HTTP through
    uvicorn, with the backend's real sidecar; PostgreSQL stopped for several seconds."""
    config = make_stack_config(
        tmp_path, own_postgres.url("todo"), nlu_model=False, services=("backend",)
    )
    with Stack(config) as stack:
        base = stack.instances["backend"].base_url
        token = create_token("load-user", config.jwt_secret)
        traffic = Traffic()
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=15.0
        ) as client:

            def writer(w: int) -> Callable[[int], Any]:
                return lambda n: client.post("/api/tasks", json={"title": f"w{w} n{n}"})

            def chat(n: int) -> Any:
                return client.post("/api/chat", json={"message": f"add chat item {n}"})

            runners = [traffic.run("create", writer(w), 0.1) for w in range(4)]
            runners += [
                traffic.run("chat", chat, 0.3),
                traffic.run("list", lambda _: client.get("/api/tasks?limit=5"), 0.2),
                traffic.run("ready", lambda _: client.get("/health/ready"), 0.2),
                traffic.run("live", lambda _: client.get("/health/live"), 0.2),
            ]
            running = [asyncio.create_task(r) for r in runners]
            try:
                await asyncio.sleep(2.0)
                traffic.phase = "outage"
                await asyncio.to_thread(stop_postgres_fast, own_postgres)
                await asyncio.sleep(OUTAGE_SECONDS)
                await asyncio.to_thread(own_postgres.start)
                traffic.phase = "after"
                await asyncio.sleep(4.0)
            finally:
                traffic.stop.set()
                await asyncio.gather(*running)

            acknowledged = {
                o.body["id"]: o.body["title"]
                for o in traffic.outcomes
                if o.kind == "create" and o.status == 201
            }
            acknowledged.update(
                {t["id"]: t["title"] for o in traffic.outcomes
                 if o.kind == "chat" and o.status == 200 for t in o.body["tasks"]}
            )  # fmt: skip
            stored: dict[str, str] = {}
            while True:
                page = (
                    await client.get("/api/tasks", params={"limit": 200, "offset": len(stored)})
                ).json()
                stored.update({t["id"]: t["title"] for t in page["items"]})
                if len(stored) >= page["total"]:
                    break

    errors = [o for o in traffic.outcomes if o.error is not None]
    assert errors == [], errors[:5]
    api = [o for o in traffic.outcomes if o.kind in ("create", "chat", "list")]
    ok = {"create": 201, "chat": 200, "list": 200}

    def retry_later(o: Outcome) -> bool:
        return (
            o.status == 503
            and bool(o.retry_after)
            and isinstance(o.body, dict)
            and "detail" in o.body
        )

    wrong = [o for o in api if o.status != ok[o.kind] and not retry_later(o)]
    assert wrong == [], wrong[:5]
    unavailable = [o for o in api if o.phase == "outage" and o.status == 503]
    assert len(unavailable) >= 20, "the outage should have been felt by the writers"
    assert {o.kind for o in unavailable} >= {"create", "chat", "list"}
    readiness = [o.status for o in traffic.outcomes if o.kind == "ready" and o.phase == "outage"]
    assert 503 in readiness
    assert all(o.status == 200 for o in traffic.outcomes if o.kind == "live")
    # Recovery without a restart: the last second of traffic is all successes.
    tail = [o for o in api if o.phase == "after"][-20:]
    assert [o.status for o in tail] == [ok[o.kind] for o in tail]
    # Nothing acknowledged is lost.
    assert acknowledged.keys() <= stored.keys()
    assert all(stored[i] == title for i, title in acknowledged.items())
    for phase in ("before", "after"):  # writes acknowledged on both sides of the outage
        assert sum(o.kind == "create" and o.status == 201 and o.phase == phase for o in api) >= 5


async def test_a_session_that_cannot_roll_back_at_close_is_discarded_not_raised() -> None:
    """Closing runs after the response started (seen under load: asyncpg refusing the
    rollback of a connection PostgreSQL was terminating); raising there drops the client."""

    class DyingSession:
        invalidated = False

        async def close(self) -> None:
            raise InternalError("ROLLBACK", {}, Exception("another operation is in progress"))

        async def invalidate(self) -> None:
            self.invalidated = True

    session = DyingSession()
    await close_session(cast(AsyncSession, session))
    assert session.invalidated
