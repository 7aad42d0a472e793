"""In-app reminders join the user's event log (`POST /internal/users/{id}/reminders`):
one outbox row on task-updates with the user's next seq, idempotent on the event id."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import col, select

from tests.integration.conftest import ClientFactory
from todo_backend.deps import backend_state
from todo_backend.outbox.models import OutboxEvent
from todo_common.events import TASK_UPDATES_TOPIC, ReminderDueData

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def reminder_event(user_id: str, event_id: str = "rem-1") -> dict[str, Any]:
    task = {
        "id": "task-1",
        "title": "pay rent",
        "completed": False,
        "priority": "high",
        "tags": [],
        "due_at": None,
        "remind_at": NOW.isoformat(),
        "completed_at": None,
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "recurrence": None,
    }
    data = {"user_id": user_id, "task": task, "remind_at": NOW.isoformat(), "reminder_id": event_id}
    return {
        "id": event_id,
        "source": "todo-chatbot/reminders",
        "type": "reminder.due",
        "correlationid": "corr-9",
        "data": data,
    }


def internal(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backend")


async def user_rows(app: FastAPI, user_id: str) -> list[OutboxEvent]:
    async with backend_state(app).sessionmaker() as session:
        rows = await session.execute(
            select(OutboxEvent).where(col(OutboxEvent.user_id) == user_id).order_by("seq")
        )
        return list(rows.scalars())


async def test_a_reminder_gets_the_users_next_seq_once_per_event_id(
    backend_app: FastAPI, client_for: ClientFactory
) -> None:
    async with client_for("rita") as user:
        created = await user.post("/api/tasks", json={"title": "water plants"})
        assert created.status_code == 201
    async with internal(backend_app) as sidecar:
        first = await sidecar.post("/internal/users/rita/reminders", json=reminder_event("rita"))
        again = await sidecar.post("/internal/users/rita/reminders", json=reminder_event("rita"))
        log = await sidecar.get("/internal/users/rita/events?after_seq=1")

    assert first.status_code == 200 and first.json() == {"seq": 2, "duplicate": False}
    assert again.status_code == 200 and again.json() == {"seq": 2, "duplicate": True}
    reminders = [row for row in await user_rows(backend_app, "rita") if row.event_id == "rem-1"]
    assert [(row.topic, row.seq) for row in reminders] == [(TASK_UPDATES_TOPIC, 2)]
    page = log.json()
    assert page["latest_seq"] == 2  # the duplicate took no seq
    [event] = page["events"]
    assert (event["id"], event["type"], event["correlationid"]) == (
        "rem-1",
        "reminder.due",
        "corr-9",
    )
    assert ReminderDueData.model_validate(event["data"]).seq == 2


async def test_concurrent_copies_of_one_reminder_write_one_row(backend_app: FastAPI) -> None:
    async with internal(backend_app) as sidecar:
        answers = await asyncio.gather(
            *(
                sidecar.post("/internal/users/sam/reminders", json=reminder_event("sam"))
                for _ in range(4)
            )
        )
        other = await sidecar.post(
            "/internal/users/sam/reminders", json=reminder_event("sam", "rem-2")
        )
    assert {answer.status_code for answer in answers} == {200}
    assert {answer.json()["seq"] for answer in answers} == {1}
    assert other.json() == {"seq": 2, "duplicate": False}
    assert [row.seq for row in await user_rows(backend_app, "sam")] == [1, 2]


async def test_bad_reminders_are_refused_with_a_clear_4xx(backend_app: FastAPI) -> None:
    wrong_type = reminder_event("tom") | {"type": "task.created"}
    no_task = reminder_event("tom") | {"data": {"user_id": "tom"}}
    async with internal(backend_app) as sidecar:
        answers = [
            await sidecar.post("/internal/users/tom/reminders", json=body)
            for body in (wrong_type, no_task, reminder_event("someone-else"), {"x": 1})
        ]
    assert [answer.status_code for answer in answers] == [422, 422, 422, 422]
    assert all("detail" in answer.json() for answer in answers)
    assert await user_rows(backend_app, "tom") == []
