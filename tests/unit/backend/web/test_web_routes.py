"""The web client's routes: the page with its CSP, its configuration, dev-only sign-in."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from todo_backend.main import create_app
from todo_backend.settings import BackendSettings
from todo_backend.web.routes import add_web_client
from todo_common.auth import decode_token

STRONG_SECRET = "s" * 40
WEB_DIR = Path(__file__).resolve().parents[4] / "web"


def client(environment: str, **settings: object) -> TestClient:
    app = FastAPI()
    add_web_client(
        app,
        BackendSettings(environment=environment, jwt_secret=STRONG_SECRET, **settings),  # type: ignore[arg-type]
    )
    return TestClient(app)


def test_page_is_served_at_root_with_a_csp_without_inline_scripts() -> None:
    response = client("development").get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<textarea id="message"' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "connect-src 'self' ws://testserver:8001/ws" in policy


def test_backend_app_serves_the_page_and_its_modules() -> None:
    settings = BackendSettings(environment="development")  # type: ignore[call-arg]
    http = TestClient(create_app(settings))  # no lifespan: the page needs none
    assert http.get("/").status_code == 200
    module = http.get("/static/js/app.js")
    assert module.status_code == 200
    assert "javascript" in module.headers["content-type"]
    assert http.get("/static/app.css").status_code == 200


def test_page_markup_has_no_inline_script_style_or_handlers() -> None:
    html = (WEB_DIR / "index.html").read_text()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads its module"
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), "inline script body"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "inline style"
    assert "<style" not in html


def test_modules_never_write_html() -> None:
    for module in (WEB_DIR / "static" / "js").glob("*.js"):
        source = module.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{module.name} uses {sink}"


def test_dev_token_mints_a_token_for_the_name_in_development() -> None:
    response = client("development").post("/dev/token", json={"name": "alice"})
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == "alice"
    assert decode_token(body["token"], STRONG_SECRET).id == "alice"


@pytest.mark.parametrize("name", ["", "a b", "<script>", "x" * 65])
def test_dev_token_refuses_bad_names_with_422(name: str) -> None:
    response = client("development").post("/dev/token", json={"name": name})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("environment", ["test", "production"])
def test_dev_token_does_not_exist_outside_development(environment: str) -> None:
    http = client(environment)
    assert http.post("/dev/token", json={"name": "alice"}).status_code == 404
    config = http.get("/config.json").json()
    assert config == {"websocket_url": "/ws", "dev_sign_in": False}


def test_config_points_at_the_local_websocket_port_in_development() -> None:
    config = client("development", websocket_port=18001).get("/config.json").json()
    assert config == {"websocket_url": "ws://testserver:18001/ws", "dev_sign_in": True}


def test_configured_websocket_url_wins_and_is_allowed_by_the_csp() -> None:
    http = client("production", web_websocket_url="wss://live.example.com/ws")
    assert http.get("/config.json").json()["websocket_url"] == "wss://live.example.com/ws"
    policy = http.get("/").headers["content-security-policy"]
    assert "connect-src 'self' wss://live.example.com/ws" in policy


def test_no_page_when_the_web_folder_is_missing(tmp_path: Path) -> None:
    http = client("development", web_dir=str(tmp_path))
    assert http.get("/").status_code == 404
