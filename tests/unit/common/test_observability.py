import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from todo_common.app import create_service_app
from todo_common.settings import Environment, ServiceSettings


def make_app() -> FastAPI:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        async def fails() -> bool:
            return False

        async def ok() -> bool:
            return True

        app.state.health.add("hard-dependency", ok)
        app.state.health.add("soft-dependency", fails, hard=False)
        yield

    app = create_service_app(
        ServiceSettings(service_name="unit"), title="t", description="d", lifespan=lifespan
    )

    @app.get("/echo")
    async def echo() -> dict[str, str]:
        return {"ok": "yes"}

    return app


def test_correlation_id_is_echoed_and_on_every_log_line(capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(make_app()) as client:
        capsys.readouterr()
        response = client.get("/echo", headers={"X-Correlation-ID": "abc-123"})
        generated = client.get("/echo").headers["X-Correlation-ID"]
    assert response.headers["X-Correlation-ID"] == "abc-123"
    assert len(generated) == 32
    lines = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    request_lines = [line for line in lines if line["event"] == "http.request"]
    assert request_lines[0]["correlation_id"] == "abc-123"
    for line in request_lines:
        assert {"timestamp", "level", "service", "event", "correlation_id", "trace_id"} <= set(line)
        assert line["service"] == "unit" and line["trace_id"]


def test_soft_check_failing_is_degraded_not_unready() -> None:
    with TestClient(make_app()) as client:
        ready = client.get("/health/ready")
        assert client.get("/health/live").json() == {"status": "ok"}
        metrics = client.get("/metrics").text
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["degraded"] == ["soft-dependency"]
    assert "http_requests_total" in metrics


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValueError, match="JWT_SECRET"):
        ServiceSettings(environment=Environment.PRODUCTION)
