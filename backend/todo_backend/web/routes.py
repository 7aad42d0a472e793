"""Serves the chat page from the `web/` folder, with a strict Content-Security-Policy.

`/config.json` tells the page where the WebSocket service is; `/dev/token` mints a token
for a name and exists only when ENVIRONMENT=development. Neither is under `/api`, whose
routes all require a token.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, StringConstraints

from todo_backend.settings import BackendSettings
from todo_common.auth import create_token
from todo_common.settings import Environment

STATIC_PREFIX = "/static"


class ClientConfig(BaseModel):
    # Absolute (`ws://host:8001/ws`) or a path on the page's own origin (`/ws`).
    websocket_url: str
    dev_sign_in: bool


class DevTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$"
        ),
    ]


class DevToken(BaseModel):
    token: str
    user_id: str


def websocket_url(settings: BackendSettings, request: Request) -> str:
    """Where the page connects: the configured URL, else (outside development, behind the
    Ingress) `/ws` on the page's origin, else the local websocket port on the page's host."""
    if settings.web_websocket_url:
        return settings.web_websocket_url
    if settings.environment is not Environment.DEVELOPMENT:
        return "/ws"
    return f"ws://{request.url.hostname}:{settings.websocket_port}/ws"


def content_security_policy(ws_url: str) -> str:
    # No inline script or style anywhere; 'self' covers same-origin ws(s) (CSP level 3),
    # a WebSocket on another port is named explicitly.
    connect = "'self'" if ws_url.startswith("/") else f"'self' {ws_url}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "manifest-src 'self'",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ]
    )


def web_router(settings: BackendSettings, index: Path) -> APIRouter:
    router = APIRouter(tags=["web"])

    @router.get("/", include_in_schema=False)
    async def page(request: Request) -> FileResponse:
        policy = content_security_policy(websocket_url(settings, request))
        return FileResponse(
            index,
            media_type="text/html",
            headers={
                "Content-Security-Policy": policy,
                "Cache-Control": "no-cache",
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.get("/config.json", response_model=ClientConfig)
    async def client_config(request: Request) -> ClientConfig:
        """What the page needs before sign-in: its WebSocket URL, whether dev sign-in exists."""
        return ClientConfig(
            websocket_url=websocket_url(settings, request),
            dev_sign_in=settings.environment is Environment.DEVELOPMENT,
        )

    if settings.environment is Environment.DEVELOPMENT:

        @router.post("/dev/token", response_model=DevToken)
        async def dev_token(body: DevTokenRequest) -> DevToken:
            """Development only (absent otherwise): a token for any name, as `make token`."""
            return DevToken(token=create_token(body.name, settings.jwt_secret), user_id=body.name)

    return router


def add_web_client(app: FastAPI, settings: BackendSettings) -> None:
    """The page at `/` and its modules under `/static`, when the `web/` folder is there."""
    web_dir = Path(settings.web_dir)
    index, static = web_dir / "index.html", web_dir / "static"
    if not index.is_file() or not static.is_dir():
        return
    app.include_router(web_router(settings, index))
    app.mount(STATIC_PREFIX, StaticFiles(directory=static), name="web-static")
