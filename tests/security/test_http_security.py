"""Who may call what: the sidecar only with the Dapr API token, the sidecar-only routes only
with the app API token; security headers on every answer; CORS closed unless configured."""

import httpx
import pytest

from devstack.stack import Stack
from tests.harness import api_client
from todo_backend.main import create_app
from todo_backend.settings import BackendSettings
from todo_common.http_security import HSTS_VALUE

pytestmark = pytest.mark.integration


def test_the_sidecar_api_refuses_calls_without_the_dapr_api_token(secured_backend: Stack) -> None:
    token = secured_backend.config.dapr_api_token
    assert token
    sidecar = f"http://127.0.0.1:{secured_backend.instances['backend'].sidecar.http}"
    url = f"{sidecar}/v1.0/state/statestore/chat-context:someone:conversation"
    assert httpx.get(url, timeout=5).status_code == 401
    assert httpx.get(url, headers={"dapr-api-token": "wrong"}, timeout=5).status_code == 401
    assert httpx.get(url, headers={"dapr-api-token": token}, timeout=5).status_code in (200, 204)
    # ...while the app, which presents the token, uses its sidecar (chat keeps its context
    # in the state store through it).
    with api_client(secured_backend, "token-user") as client:
        chat = client.post("/api/chat", json={"message": "add water the plants"})
    assert chat.status_code == 200, chat.text


def test_sidecar_only_routes_require_the_app_api_token(secured_backend: Stack) -> None:
    app_token = secured_backend.config.app_api_token
    body = {"user_id": "u", "occurrence_key": "k", "title": "t"}
    with api_client(secured_backend, "someone") as client:
        refused = [
            client.post("/internal/occurrences", json=body),
            client.get("/internal/users/someone/events"),
            client.get("/internal/users/someone/events", headers={"dapr-api-token": "guess"}),
            client.post("/internal/users/someone/reminders", json={"type": "reminder.due"}),
        ]
        allowed = client.get(
            "/internal/users/someone/events", headers={"dapr-api-token": app_token}
        )
    assert [r.status_code for r in refused] == [401, 401, 401, 401]
    assert allowed.status_code == 200


def test_every_answer_carries_the_security_headers(secured_backend: Stack) -> None:
    with api_client(secured_backend) as anonymous:
        answers = [
            anonymous.get("/health/live"),
            anonymous.get("/api/tasks"),  # 401
            anonymous.get("/api/tasks/nope", headers={"Authorization": "Bearer x"}),
            anonymous.get("/openapi.json"),
        ]
    for response in answers:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in response.headers  # no TLS locally
        assert "Access-Control-Allow-Origin" not in response.headers


def in_process_client(**settings: object) -> httpx.AsyncClient:
    app = create_app(BackendSettings(**settings))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backend")


async def test_cors_is_closed_by_default_and_open_only_to_configured_origins() -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    async with in_process_client() as closed:
        response = await closed.options("/api/tasks", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    async with in_process_client(cors_allowed_origins=["https://app.example"]) as open_:
        allowed = await open_.options("/api/tasks", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        other = await open_.options(
            "/api/tasks", headers={**preflight, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        simple = await open_.get("/health/live", headers={"Origin": "https://app.example"})
        assert simple.headers["access-control-allow-origin"] == "https://app.example"


async def test_hsts_is_sent_when_configured_behind_tls() -> None:
    async with in_process_client(hsts_enabled=True) as client:
        response = await client.get("/health/live")
    assert response.headers["Strict-Transport-Security"] == HSTS_VALUE
