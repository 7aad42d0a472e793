"""Browser-facing hardening every service gets: security headers and (opt-in) CORS."""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todo_common.settings import ServiceSettings

HSTS_VALUE = "max-age=31536000; includeSubDomains"
FRAME_ANCESTORS = "frame-ancestors 'none'"
_DEFAULTS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Nothing here is meant to be framed (clickjacking); CSP's frame-ancestors says the same
    # to current browsers, X-Frame-Options to old ones.
    "X-Frame-Options": "DENY",
}


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response, keeping any a route set itself (the web page
    sets its own Content-Security-Policy; frame-ancestors is appended to it)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _DEFAULTS.items():
                    headers.setdefault(name, value)
                policy = headers.get("Content-Security-Policy")
                if policy is None:
                    headers["Content-Security-Policy"] = FRAME_ANCESTORS
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {FRAME_ANCESTORS}"
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS_VALUE)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_http_security(app: FastAPI, settings: ServiceSettings) -> None:
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.hsts_enabled)
    if settings.cors_allowed_origins:
        # Bearer tokens, not cookies: no credentials mode needed.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Correlation-ID"],
            expose_headers=["X-Correlation-ID", "Retry-After"],
            max_age=600,
        )
