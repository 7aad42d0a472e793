"""The task REST API against real PostgreSQL and SQLite (each test runs on both)."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from sqlmodel import col, select

from tests.integration.conftest import ClientFactory, backend_settings
from todo_backend.deps import backend_state
from todo_backend.main import create_app
from todo_backend.outbox.models import OutboxEvent
from todo_common.auth import create_token
from todo_common.events import TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC

pytestmark = pytest.mark.integration

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events"
CONTRACT_FIELDS = {
    "id", "title", "description", "completed", "priority", "tags", "due_at", "remind_at",
    "completed_at", "created_at", "updated_at", "recurrence",
}  # fmt: skip


async def create(client_for: ClientFactory, user: str, **fields: Any) -> dict[str, Any]:
    async with client_for(user) as client:
        response = await client.post("/api/tasks", json={"title": "task", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_returns_every_contract_field(client_for: ClientFactory) -> None:
    task = await create(
        client_for, "alice", title="pay rent", priority="high", tags=["home", "money"],
        due_at="2026-12-01T09:00:00+01:00", recurrence="FREQ=MONTHLY;BYMONTHDAY=1",
    )  # fmt: skip
    assert set(task) == CONTRACT_FIELDS
    assert task["completed"] is False and task["completed_at"] is None
    assert task["tags"] == ["home", "money"]
    assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert datetime.fromisoformat(task["created_at"]).tzinfo is not None


async def test_read_update_complete_delete_roundtrip(client_for: ClientFactory) -> None:
    task = await create(client_for, "alice", title="buy milk", description="2 litres")
    async with client_for("alice") as client:
        assert (await client.get(f"/api/tasks/{task['id']}")).json() == task

        patched = (await client.patch(f"/api/tasks/{task['id']}", json={"priority": "low"})).json()
        assert patched["priority"] == "low"
        assert patched["description"] == "2 litres"  # untouched fields stay

        cleared = await client.patch(f"/api/tasks/{task['id']}", json={"description": None})
        assert cleared.json()["description"] is None

        done = (await client.post(f"/api/tasks/{task['id']}/complete")).json()
        assert done["completed"] is True and done["completed_at"] is not None
        again = (await client.post(f"/api/tasks/{task['id']}/complete")).json()
        assert again["completed_at"] == done["completed_at"]

        assert (await client.delete(f"/api/tasks/{task['id']}")).status_code == 204
        missing = await client.get(f"/api/tasks/{task['id']}")
        assert missing.status_code == 404
        assert "not found" in missing.json()["detail"]


async def test_list_filters(client_for: ClientFactory) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    later = datetime.now(UTC) + timedelta(days=10)
    a = await create(client_for, "carol", title="Book flights", tags=["travel"], priority="high",
                     due_at=soon.isoformat())  # fmt: skip
    b = await create(client_for, "carol", title="water plants", description="the FLIGHT of ferns",
                     due_at=later.isoformat())  # fmt: skip
    c = await create(client_for, "carol", title="file taxes", priority="low")
    async with client_for("carol") as client:
        await client.post(f"/api/tasks/{c['id']}/complete")

        async def ids(**params: str) -> list[str]:
            response = await client.get("/api/tasks", params=params)
            assert response.status_code == 200, response.text
            return [t["id"] for t in response.json()["items"]]

        assert set(await ids(status="pending")) == {a["id"], b["id"]}
        assert await ids(status="completed") == [c["id"]]
        assert await ids(priority="high") == [a["id"]]
        assert await ids(tag="travel") == [a["id"]]
        assert set(await ids(q="flight")) == {a["id"], b["id"]}  # title or description, any case
        assert await ids(q="100%") == []
        cutoff = (soon + timedelta(days=2)).isoformat()
        assert await ids(due_before=cutoff) == [a["id"]]
        assert await ids(due_after=cutoff) == [b["id"]]


async def test_list_sorts_and_paginates(client_for: ClientFactory) -> None:
    base = datetime(2027, 1, 1, tzinfo=UTC)
    titles = ["delta", "Alpha", "charlie", "bravo"]
    priorities = ["low", "high", "medium", "low"]
    for i, (title, priority) in enumerate(zip(titles, priorities, strict=True)):
        await create(client_for, "dave", title=title, priority=priority,
                     due_at=(base + timedelta(days=(i * 3) % 4)).isoformat())  # fmt: skip
    async with client_for("dave") as client:

        async def listed(**params: str | int) -> list[str]:
            response = await client.get("/api/tasks", params=params)
            return [t["title"] for t in response.json()["items"]]

        assert await listed(sort="title") == ["Alpha", "bravo", "charlie", "delta"]
        assert await listed(sort="title", order="desc") == ["delta", "charlie", "bravo", "Alpha"]
        assert (await listed(sort="priority", order="desc"))[0] == "Alpha"
        assert (await listed(sort="priority"))[-1] == "Alpha"
        assert await listed(sort="due_at") == ["delta", "bravo", "charlie", "Alpha"]
        assert await listed(sort="created_at") == titles

        page = await client.get("/api/tasks", params={"sort": "title", "limit": 2, "offset": 1})
        body = page.json()
        assert body["total"] == 4 and body["limit"] == 2 and body["offset"] == 1
        assert [t["title"] for t in body["items"]] == ["bravo", "charlie"]
        past_the_end = (await client.get("/api/tasks", params={"offset": 10})).json()
        assert past_the_end["items"] == [] and past_the_end["total"] == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "description": "x" * 5001}, "description"),
        ({"title": "ok", "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"title": "ok", "tags": ["x" * 33]}, "tags.0"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "due_at": "2026-12-01T09:00:00"}, "due_at"),
        ({"title": "ok", "due_at": "tomorrow"}, "due_at"),
        ({"title": "ok", "due_at": "2026-12-01T09:00:00Z", "recurrence": "FREQ=SOMETIMES"},
         "recurrence"),
        ({"title": "ok", "owner_id": "mallory"}, "owner_id"),
        ({}, "title"),
    ],
)  # fmt: skip
async def test_bad_input_gets_422_naming_the_field(
    client_for: ClientFactory, body: dict[str, Any], field: str
) -> None:
    async with client_for("erin") as client:
        response = await client.post("/api/tasks", json=body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert field.split(".")[0] in response.json()["detail"]


async def test_rule_violations_and_malformed_bodies_are_4xx(client_for: ClientFactory) -> None:
    async with client_for("erin") as client:
        no_due = await client.post("/api/tasks", json={"title": "x", "recurrence": "FREQ=DAILY"})
        assert no_due.status_code == 422 and "due_at" in no_due.json()["detail"]
        not_json = await client.post(
            "/api/tasks", content=b"{nope", headers={"Content-Type": "application/json"}
        )
        assert not_json.status_code == 422
        too_big = await client.post("/api/tasks", json={"title": "x", "description": "y" * 70_000})
        assert too_big.status_code == 413 and "bytes" in too_big.json()["detail"]
        bad_query = await client.get("/api/tasks", params={"limit": 0, "sort": "colour"})
        assert bad_query.status_code == 422
        assert {"limit", "sort"} <= {e["field"] for e in bad_query.json()["errors"]}
        null_title = await client.patch("/api/tasks/whatever", json={"title": None})
        assert null_title.status_code in (404, 422)


async def test_query_and_body_values_the_schema_refuses_are_422_never_500(
    client_for: ClientFactory,
) -> None:
    """What a fuzzer found: a huge offset was a 500, a bare number a date, "" a rule."""
    async with client_for("ivan") as client:
        for params in (
            {"offset": "10000000000000000001"},
            {"offset": "1000001"},
            {"due_before": "0.5"},
            {"due_after": "1700000000"},
            {"due_before": "2026-12-01T09:00:00"},  # no offset
        ):
            response = await client.get("/api/tasks", params=params)
            assert response.status_code == 422, (params, response.text)
            assert response.json()["errors"][0]["field"] in params
        deepest = await client.get("/api/tasks", params={"offset": "1000000"})
        assert deepest.status_code == 200 and deepest.json()["items"] == []
        due = {"due_before": "2026-12-01T09:00:00.5+01:00"}
        assert (await client.get("/api/tasks", params=due)).status_code == 200
        for body in (
            {"title": "x", "due_at": "2026-12-01T09:00:00Z", "recurrence": ""},
            {"title": "x", "due_at": "2026-12-01T09:00:00Z", "recurrence": "FREQ=DAILY;"},
            {"title": "x", "due_at": 1700000000},
        ):
            response = await client.post("/api/tasks", json=body)
            assert response.status_code == 422, (body, response.text)


async def test_the_openapi_document_matches_what_the_api_answers(backend_app: FastAPI) -> None:
    schema = backend_app.openapi()
    assert not [path for path in schema["paths"] if path.startswith("/internal")]
    listing = schema["paths"]["/api/tasks"]["get"]
    offset = next(p for p in listing["parameters"] if p["name"] == "offset")["schema"]
    assert offset["maximum"] == 1_000_000
    create = schema["components"]["schemas"]["TaskCreate"]["properties"]
    recurrence = next(s for s in create["recurrence"]["anyOf"] if s["type"] == "string")
    assert recurrence["pattern"].startswith("^")
    for operation in (
        listing,
        schema["paths"]["/api/tasks"]["post"],
        schema["paths"]["/api/chat"]["post"],
    ):
        assert {"400", "401", "413", "422", "429", "503"} <= set(operation["responses"])
        error = operation["responses"]["503"]
        assert error["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
        assert "Retry-After" in error["headers"]
    assert schema["components"]["schemas"]["HTTPValidationError"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }


async def test_tokens_are_required_and_checked(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    import httpx

    transport = httpx.ASGITransport(app=backend_app)
    expired = create_token(
        "frank", "dev-secret-change-me-0123456789abcdef", ttl=timedelta(seconds=-120)
    )
    forged = create_token("frank", "another-secret-another-secret-0000")
    async with httpx.AsyncClient(transport=transport, base_url="http://backend") as anonymous:
        bad_headers = [
            {},
            {"Authorization": f"Bearer {expired}"},
            {"Authorization": f"Bearer {forged}"},
            {"Authorization": "Basic abc"},
        ]
        for headers in bad_headers:
            response = await anonymous.get("/api/tasks", headers=headers)
            assert response.status_code == 401, headers
            assert response.json()["detail"]
        expired_response = await anonymous.get(
            "/api/tasks", headers={"Authorization": f"Bearer {expired}"}
        )
        assert "expired" in expired_response.json()["detail"]


async def test_users_never_see_each_others_tasks(client_for: ClientFactory) -> None:
    secret = await create(client_for, "grace", title="grace's secret")
    async with client_for("heidi") as heidi:
        assert (await heidi.get("/api/tasks")).json()["total"] == 0
        assert (await heidi.get("/api/tasks", params={"q": "secret"})).json()["items"] == []
        for method, path in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/complete")]:
            response = await heidi.request(
                method,
                f"/api/tasks/{secret['id']}{path}",
                json={"title": "x"} if method == "PATCH" else None,
            )
            assert response.status_code == 404, (method, path)
    async with client_for("grace") as grace:
        unchanged = (await grace.get(f"/api/tasks/{secret['id']}")).json()
    assert unchanged == secret


async def test_rate_limit_answers_429_with_retry_after(
    database_url: str, redis_server: int
) -> None:
    import httpx

    app = create_app(backend_settings(database_url, redis_server, rate_limit_per_minute=3))
    token = create_token(f"ivan-{uuid.uuid4().hex}", "dev-secret-change-me-0123456789abcdef")
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://b",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        statuses = [(await client.get("/api/tasks")).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200]
        limited = await client.get("/api/tasks")
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert "rate limit" in limited.json()["detail"]


async def test_rate_limit_degrades_to_local_counting_without_redis(database_url: str) -> None:
    import httpx

    from devstack.ports import free_port

    dead_redis = free_port()
    app = create_app(backend_settings(database_url, dead_redis, rate_limit_per_minute=2))
    token = create_token(f"judy-{uuid.uuid4().hex}", "dev-secret-change-me-0123456789abcdef")
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://b",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        statuses = [(await client.get("/api/tasks")).status_code for _ in range(3)]
        ready = await client.get("/health/ready")
    assert statuses == [200, 200, 429]
    assert "redis" in ready.json()["degraded"]


async def test_every_change_is_in_the_outbox_once_per_topic_with_increasing_seq(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    task = await create(client_for, "kim", title="one")
    async with client_for("kim") as client:
        await client.patch(f"/api/tasks/{task['id']}", json={"title": "two"})
        await client.patch(f"/api/tasks/{task['id']}", json={"title": "two"})  # no change: no event
        await client.post(f"/api/tasks/{task['id']}/complete")
        await client.delete(f"/api/tasks/{task['id']}")

    async with backend_state(backend_app).sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboxEvent).order_by(col(OutboxEvent.id))))
            .scalars()
            .all()
        )
    envelope_schema = json.loads((SCHEMAS / "cloudevent.schema.json").read_text())
    data_schema = json.loads((SCHEMAS / "task-event-data.schema.json").read_text())
    by_topic: dict[str, list[dict[str, Any]]] = {TASK_EVENTS_TOPIC: [], TASK_UPDATES_TOPIC: []}
    for row in rows:
        event = json.loads(row.payload)
        jsonschema.validate(event, envelope_schema)
        jsonschema.validate(event["data"], data_schema)
        by_topic[row.topic].append(event)
    for events in by_topic.values():
        assert [e["type"] for e in events] == [
            "task.created", "task.updated", "task.completed", "task.deleted",
        ]  # fmt: skip
        assert [e["data"]["seq"] for e in events] == [1, 2, 3, 4]
        assert len({e["id"] for e in events}) == 4
    assert [e["id"] for e in by_topic[TASK_EVENTS_TOPIC]] == [
        e["id"] for e in by_topic[TASK_UPDATES_TOPIC]
    ]


async def test_next_occurrence_is_created_once_per_key(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    body = {"user_id": "liam", "occurrence_key": "t1:2026-12-08", "title": "water plants",
            "due_at": "2026-12-08T08:00:00Z", "recurrence": "FREQ=WEEKLY;BYDAY=MO"}  # fmt: skip
    async with client_for("liam") as client:
        first = await client.post("/internal/occurrences", json=body)
        second = await client.post("/internal/occurrences", json=body)
        listed = (await client.get("/api/tasks")).json()
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert listed["total"] == 1


async def test_openapi_documents_routes_fields_and_errors(client_for: ClientFactory) -> None:
    async with client_for("x") as client:
        spec = (await client.get("/openapi.json")).json()
    for path in ("/api/tasks", "/api/tasks/{task_id}", "/api/tasks/{task_id}/complete"):
        assert path in spec["paths"]
        for operation in spec["paths"][path].values():
            assert {"401", "404", "422", "429"} <= set(operation["responses"])
    assert set(spec["components"]["schemas"]["TaskPublic"]["properties"]) == CONTRACT_FIELDS
