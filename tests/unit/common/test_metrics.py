"""The shared request, event and health metrics every service exports (todo_common.metrics)."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from todo_common.app import create_service_app
from todo_common.dapr.app import RETRY, SUCCESS
from todo_common.metrics import memory_limit_bytes
from todo_common.settings import ServiceSettings


def make_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def database() -> bool:
            return False

        app.state.health.add("database", database)
        yield

    app = create_service_app(
        ServiceSettings(service_name="unit"), title="t", description="d", lifespan=lifespan
    )

    @app.get("/api/things")
    async def things() -> list[str]:
        return []

    @app.post("/events/things")
    async def on_thing(event: dict[str, object]) -> dict[str, str]:
        return RETRY if event.get("data") == "again" else SUCCESS

    return app


def sample(metrics: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in metrics.splitlines():
        series, _, value = line.rpartition(" ")
        metric, _, label_text = series.partition("{")
        if metric == name and ",".join(sorted(label_text.rstrip("}").split(","))) == wanted:
            return float(value)
    return None


def test_probes_and_scrapes_stay_out_of_the_slo_series() -> None:
    with TestClient(make_app()) as client:
        client.get("/api/things")
        client.get("/health/live")
        client.get("/health/ready")
        client.get("/metrics")
        metrics = client.get("/metrics").text
    assert sample(metrics, "http_requests_total", method="GET", route="/api/things", status="200")
    assert 'route="/health' not in "\n".join(
        line for line in metrics.splitlines() if line.startswith("http_request")
    )
    assert sample(metrics, "http_probe_requests_total", route="/health/ready", status="503") == 1
    # The scrape that returned `metrics` is counted once its response is done.
    assert sample(metrics, "http_probe_requests_total", route="/metrics", status="200") == 1


def test_latency_buckets_include_the_slo_edges() -> None:
    with TestClient(make_app()) as client:
        client.get("/api/things")
        metrics = client.get("/metrics").text
    for edge in ("0.5", "0.8", "2.0"):
        assert (
            sample(
                metrics,
                "http_request_duration_seconds_bucket",
                method="GET",
                route="/api/things",
                status="200",
                le=edge,
            )
            == 1
        )


def test_cloudevent_deliveries_count_by_topic_and_answer() -> None:
    headers = {"Content-Type": "application/cloudevents+json"}
    with TestClient(make_app()) as client:
        for data in ("once", "again", "again"):
            event = {"id": data, "topic": "things", "data": data, "specversion": "1.0"}
            client.post("/events/things", content=json.dumps(event), headers=headers)
        client.post("/events/things", content="{not json", headers=headers)
        client.post("/events/things", json={"topic": "plain-json-is-no-delivery"})
        metrics = client.get("/metrics").text
    consumed = "events_consumed_total"
    assert sample(metrics, consumed, service="unit", topic="things", outcome="success") == 1
    assert sample(metrics, consumed, service="unit", topic="things", outcome="retry") == 2
    assert sample(metrics, consumed, service="unit", topic="unknown", outcome="error") == 1
    assert "plain-json-is-no-delivery" not in metrics


def test_readiness_results_become_health_check_up() -> None:
    with TestClient(make_app()) as client:
        client.get("/health/ready")
        metrics = client.get("/metrics").text
    assert sample(metrics, "health_check_up", check="database", hard="true") == 0
    assert "process_start_time_seconds" in metrics
    assert "process_memory_limit_bytes" in metrics


def test_log_levels_are_upper_case(capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(make_app()) as client:
        capsys.readouterr()
        client.get("/api/things")
    levels = {
        json.loads(line)["level"]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("{")
    }
    assert levels and levels <= {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [("536870912\n", 536870912.0), ("max\n", 0.0), ("9223372036854771712\n", 0.0)],
)
def test_memory_limit_reads_the_cgroup(tmp_path: Path, content: str, expected: float) -> None:
    limit = tmp_path / "memory.max"
    limit.write_text(content)
    assert memory_limit_bytes((tmp_path / "missing", limit)) == expected
