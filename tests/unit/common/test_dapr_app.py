"""The app side of the Dapr kit: the sidecar client's lifespan, subscriber and job replies."""

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from todo_common.correlation import current_correlation_id
from todo_common.dapr.app import (
    DROP,
    RETRY,
    SUCCESS,
    Outcome,
    job_response,
    job_router,
    sidecar_client,
    subscriber_reply,
    topic_router,
    unwrap_job_data,
)
from todo_common.dapr.client import DaprClient
from todo_common.errors import add_exception_handlers
from todo_common.events import CloudEvent
from todo_common.health import HealthRegistry
from todo_common.settings import ServiceSettings


class RecordingClient(DaprClient):
    closes = 0

    async def aclose(self) -> None:
        self.closes += 1
        await super().aclose()


def bare_app() -> FastAPI:
    app = FastAPI()
    app.state.health = HealthRegistry()
    return app


async def test_sidecar_client_is_the_apps_readiness_check_and_is_closed_on_shutdown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAPR_HTTP_PORT", "9")  # discard: nothing answers there
    monkeypatch.setattr("todo_common.dapr.app.DaprClient", RecordingClient)
    app = bare_app()
    async with sidecar_client(app, ServiceSettings()) as dapr:
        assert app.state.dapr is dapr
        status, body = await app.state.health.report()
        (check,) = body["checks"]
        assert check["name"] == "dapr-sidecar"
        assert status == 503  # the sidecar is a hard check: unreachable, not ready
        assert isinstance(dapr, RecordingClient)
        assert dapr.closes == 0
    assert dapr.closes == 1


async def test_sidecar_client_adopts_a_client_built_at_create_time() -> None:
    app = bare_app()
    built = RecordingClient("http://127.0.0.1:9")
    async with sidecar_client(app, ServiceSettings(), client=built) as dapr:
        assert dapr is built
        assert app.state.dapr is built
        assert built.closes == 0
    assert built.closes == 1


def test_each_outcome_has_its_daprd_reply() -> None:
    assert subscriber_reply(Outcome.DONE) == SUCCESS
    assert subscriber_reply(Outcome.RETRY) == RETRY
    assert subscriber_reply(Outcome.DROPPED) == DROP


def test_only_a_retry_makes_the_scheduler_trigger_a_job_again() -> None:
    assert job_response(Outcome.RETRY).status_code == 503
    assert job_response(Outcome.DONE).status_code == 200
    dropped = job_response(Outcome.DROPPED)
    assert dropped.status_code == 200
    assert json.loads(bytes(dropped.body)) == {"status": "dropped"}


def test_job_data_is_unwrapped_from_the_protobuf_any_of_older_runtimes() -> None:
    data = {"task_id": "t1"}
    wrapped = {"@type": "type.googleapis.com/google.protobuf.Value", "value": data}
    assert unwrap_job_data(wrapped) == data
    assert unwrap_job_data(data) == data
    assert unwrap_job_data(None) is None


async def test_the_job_route_answers_per_outcome_and_refuses_jobs_not_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_API_TOKEN", "sidecar-secret")
    triggered: list[tuple[str, Any]] = []

    async def trigger(request: Request, name: str, data: Any) -> Outcome:
        triggered.append((name, data))
        return Outcome.RETRY if data == {"fail": True} else Outcome.DONE

    app = FastAPI()
    app.state.settings = ServiceSettings()
    add_exception_handlers(app)
    app.include_router(job_router(trigger, prefix="retry-"))
    sidecar = {"dapr-api-token": "sidecar-secret"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        done = await client.post("/job/retry-1", json={"n": 1}, headers=sidecar)
        again = await client.post("/job/retry-2", json={"fail": True}, headers=sidecar)
        unknown = await client.post("/job/reminder-1", json={}, headers=sidecar)
        outsider = await client.post("/job/retry-3", json={})
    assert (done.status_code, done.json()) == (200, {"status": "done"})
    assert again.status_code == 503  # the scheduler triggers it again
    assert unknown.status_code == 404  # final: never retried
    assert outsider.status_code == 401  # only the sidecar may trigger jobs
    assert triggered == [("retry-1", {"n": 1}), ("retry-2", {"fail": True})]


async def test_the_topic_route_replies_per_outcome_with_the_events_correlation_in_scope(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_API_TOKEN", "sidecar-secret")
    seen: list[tuple[str, str | None]] = []

    async def handle(request: Request, event: CloudEvent) -> Outcome:
        seen.append((event.id, current_correlation_id()))
        return Outcome(event.data["outcome"])

    app = FastAPI()
    app.state.settings = ServiceSettings()
    add_exception_handlers(app)
    app.include_router(topic_router("/events/things", handle))
    sidecar = {"dapr-api-token": "sidecar-secret"}

    def event(outcome: str) -> dict[str, Any]:
        return CloudEvent(
            id=f"e-{outcome}",
            source="test",
            type="thing.happened",
            correlationid=f"c-{outcome}",
            data={"outcome": outcome},
        ).model_dump(mode="json")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        replies = [
            (await client.post("/events/things", json=event(o), headers=sidecar)).json()
            for o in ("done", "retry", "dropped")
        ]
        outsider = await client.post("/events/things", json=event("done"))
    assert replies == [SUCCESS, RETRY, DROP]
    assert outsider.status_code == 401  # only the sidecar delivers events
    assert seen == [("e-done", "c-done"), ("e-retry", "c-retry"), ("e-dropped", "c-dropped")]
