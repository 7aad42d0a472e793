"""Chat through the running system: the shared sample, our scenarios, live sync, no model."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.infra import REPO_ROOT, PostgresCluster
from devstack.stack import Stack
from tests.chat_scenarios import Scenario, load_scenarios, run_scenario
from tests.conftest import make_stack_config
from tests.harness import api_client, log_lines, receive_until, ws_connect

pytestmark = pytest.mark.e2e

SHARED_SAMPLE = REPO_ROOT.parent / "shared" / "nlu-sample.jsonl"
OUR_SCENARIOS = Path(__file__).with_name("chat_scenarios.jsonl")


def shared_sample() -> list[Scenario]:
    # CI clones the repo with shared/ beside it; without it this fails, never skips.
    assert SHARED_SAMPLE.exists(), f"missing {SHARED_SAMPLE}: the shared NLU sample"
    return load_scenarios(SHARED_SAMPLE)


@pytest.mark.parametrize(
    "scenario",
    shared_sample() + load_scenarios(OUR_SCENARIOS),
    ids=lambda s: s.name,
)
def test_chat_scenario(system: Stack, scenario: Scenario) -> None:
    with api_client(system, f"chat-{uuid.uuid4().hex[:8]}") as api:
        problems = run_scenario(api, scenario)
    assert not problems, "\n".join(problems)


def test_chat_change_reaches_websocket_like_rest(system: Stack) -> None:
    user = f"chat-ws-{uuid.uuid4().hex[:6]}"
    correlation_id = f"chat-{uuid.uuid4().hex}"
    with ws_connect(system, user) as ws, api_client(system, user) as api:
        reply = api.post(
            "/api/chat",
            json={"message": "add buy bread #home"},
            headers={"X-Correlation-ID": correlation_id},
        ).json()
        message = receive_until(ws, lambda m: m["type"] == "task.created")
    assert message["data"]["id"] == reply["tasks"][0]["id"]
    assert message["correlation_id"] == correlation_id


def test_chat_rejects_bad_input_with_4xx(system: Stack) -> None:
    with api_client(system, "chat-bad") as api:
        bad_bodies = [
            {},
            {"message": ""},
            {"message": "x" * 1001},
            {"message": "hi", "timezone": "Mars/Olympus"},
            {"message": "hi", "extra": 1},
        ]
        for body in bad_bodies:
            response = api.post("/api/chat", json=body)
            assert response.status_code == 422, body
            assert response.json()["errors"]
    with api_client(system) as anonymous:
        assert anonymous.post("/api/chat", json={"message": "hi"}).status_code == 401


@pytest.fixture(scope="module")
def modelless(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster
) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("modelless")
    empty_model_dir = tmp / "empty-model"
    empty_model_dir.mkdir()
    config = make_stack_config(
        tmp,
        postgres.create_database("modelless"),
        services=("backend",),
        app_env={"backend": {"NLU_MODEL_PATH": str(empty_model_dir)}},
    )
    with Stack(config) as running:
        yield running


def test_without_the_model_chat_falls_back_and_says_so(modelless: Stack) -> None:
    backend = modelless.instances["backend"]
    with api_client(modelless, "no-model") as api:
        reply = api.post("/api/chat", json={"message": "add buy milk"}).json()
        listed = api.get("/api/tasks").json()["items"]
    assert reply["fallback"] is True and reply["intent"] == "add_task"
    assert [t["title"] for t in listed] == ["buy milk"]

    ready = httpx.get(f"{backend.base_url}/health/ready").json()
    assert ready["status"] == "degraded" and "nlu-model" in ready["degraded"]
    metrics = httpx.get(f"{backend.base_url}/metrics").text
    assert "nlu_fallback_total 1.0" in metrics
    assert 'chat_requests_total{intent="add_task"} 1.0' in metrics

    events = [line["event"] for line in log_lines(modelless, "backend")]
    assert events.count("NLU_MODEL_LOAD_FAILURE") == 1
    assert "NLU_FALLBACK_TRIGGERED" in events
