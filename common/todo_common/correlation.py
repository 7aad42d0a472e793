"""Correlation IDs: accepted from `X-Correlation-ID`, else generated; echoed and logged.

The ID lives in a context variable bound for the duration of one request (or one
consumed event), so logs, published events and outgoing calls pick it up implicitly.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORRELATION_HEADER = "X-Correlation-ID"
_MAX_LENGTH = 128

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    return _correlation_id.get()


def _sanitise(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > _MAX_LENGTH or not value.isprintable():
        return None
    return value


@contextmanager
def correlation_scope(correlation_id: str | None) -> Iterator[str]:
    """Bind a correlation ID (or a fresh one) to logs and the context for a block."""
    value = _sanitise(correlation_id) or new_correlation_id()
    token = _correlation_id.set(value)
    with structlog.contextvars.bound_contextvars(correlation_id=value):
        try:
            yield value
        finally:
            _correlation_id.reset(token)


class CorrelationIdMiddleware:
    """Pure ASGI middleware (works for HTTP and WebSocket scopes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-correlation-id":
                incoming = value.decode("latin-1")
                break
        with correlation_scope(incoming) as correlation_id:

            async def send_with_header(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers.append((b"x-correlation-id", correlation_id.encode("latin-1")))
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_with_header)
