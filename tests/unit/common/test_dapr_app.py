"""The app side of the Dapr kit: the sidecar client's lifespan, subscriber and job replies."""

import json

import pytest
from fastapi import FastAPI

from todo_common.dapr.app import (
    DROP,
    RETRY,
    SUCCESS,
    Outcome,
    job_response,
    sidecar_client,
    subscriber_reply,
    unwrap_job_data,
)
from todo_common.dapr.client import DaprClient
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
