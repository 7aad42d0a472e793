"""One client's WebSocket session: authenticate, then pump its queue and read its requests."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress

import structlog
from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError
from starlette.websockets import WebSocketState

from todo_common.auth import CurrentUser, decode_token
from todo_common.errors import AuthenticationError
from todo_websocket.connections import CLOSE_TRY_AGAIN_LATER, ClientConnection, ConnectionRegistry
from todo_websocket.settings import WebsocketSettings

logger = structlog.get_logger()

CLOSE_UNAUTHORIZED = 4401
CLOSE_MESSAGE_TOO_BIG = 1009
BEARER_SUBPROTOCOL_PREFIX = "bearer."


Resume = Callable[[ClientConnection, int], Awaitable[None]]


class ResumeRequest(BaseModel):
    type: str
    after_seq: int = Field(ge=0, le=2**63 - 1)  # a seq is a positive BIGINT


def _token_from(websocket: WebSocket) -> tuple[str | None, str | None]:
    """Token from `?token=` or a `bearer.<jwt>` subprotocol (browsers cannot set headers)."""
    token = websocket.query_params.get("token")
    if token:
        return token, None
    protocols = websocket.headers.get("sec-websocket-protocol", "")
    for protocol in (p.strip() for p in protocols.split(",")):
        if protocol.startswith(BEARER_SUBPROTOCOL_PREFIX):
            return protocol[len(BEARER_SUBPROTOCOL_PREFIX) :], protocol
    return None, None


async def authenticate(websocket: WebSocket, secret: str) -> CurrentUser | None:
    token, subprotocol = _token_from(websocket)
    try:
        if not token:
            raise AuthenticationError("missing token")
        user = decode_token(token, secret)
    except AuthenticationError as exc:
        await websocket.accept()
        await websocket.close(CLOSE_UNAUTHORIZED, reason=exc.detail[:120])
        return None
    await websocket.accept(subprotocol=subprotocol)
    return user


async def _pump(connection: ClientConnection, registry: ConnectionRegistry) -> None:
    while True:
        text = await connection.queue.get()
        await connection.websocket.send_text(text)
        registry.stats.messages_sent += 1


async def _read(connection: ClientConnection, settings: WebsocketSettings, resume: Resume) -> None:
    websocket = connection.websocket
    while True:
        # No application-level idle limit: a quiet client that answers the server's
        # protocol pings is healthy; one that stops answering is closed by uvicorn.
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            text = (message.get("bytes") or b"").decode("utf-8", errors="replace")
        if len(text.encode()) > settings.max_message_bytes:
            await websocket.close(CLOSE_MESSAGE_TOO_BIG, reason="message too big")
            return
        try:
            payload = json.loads(text)
        except (json.JSONDecodeError, RecursionError):  # nesting deeper than ~1000 levels
            connection.offer_error("message is not JSON")
            continue
        kind = payload.get("type") if isinstance(payload, dict) else None
        if kind != "resume":
            # A client that speaks without asking for a resume wants live messages now.
            connection.go_live_unless_resuming()
        if kind == "ping":
            connection.offer(json.dumps({"type": "pong"}))
        elif kind == "resume":
            try:
                request = ResumeRequest.model_validate(payload)
            except ValidationError:
                connection.offer_error("resume needs an integer after_seq (0 or more)")
                continue
            connection.request_resume()
            await resume(connection, request.after_seq)
        else:
            connection.offer_error(f"unknown message type: {kind!r}")


async def serve_client(
    websocket: WebSocket,
    registry: ConnectionRegistry,
    settings: WebsocketSettings,
    resume: Resume,
) -> None:
    if registry.is_full():
        registry.stats.refused_full += 1
        await websocket.accept()
        await websocket.close(CLOSE_TRY_AGAIN_LATER, reason="replica at connection capacity")
        return
    user = await authenticate(websocket, settings.jwt_secret)
    if user is None:
        return
    connection = registry.add(user.id, websocket)
    logger.info("ws.connected", user_id=user.id, active=registry.active_connections)
    pump = asyncio.create_task(_pump(connection, registry))
    reader = asyncio.create_task(_read(connection, settings, resume))
    # A reconnecting client sends `resume` first; until it does (or the grace ends) live
    # messages wait, so none can jump ahead of the replay it is about to ask for.
    grace = asyncio.get_running_loop().call_later(
        settings.resume_grace_seconds, connection.go_live_unless_resuming
    )
    overflow = asyncio.create_task(connection.overflow.wait())
    close_code, reason = 1000, ""
    try:
        await asyncio.wait({pump, reader, overflow}, return_when=asyncio.FIRST_COMPLETED)
        if overflow.done():
            # The pump may be blocked on a full socket: drop it rather than wait.
            registry.stats.slow_disconnects += 1
            close_code, reason = CLOSE_TRY_AGAIN_LATER, "too slow: reconnect and resume"
    finally:
        registry.remove(connection)
        grace.cancel()
        for task in (pump, reader, overflow):
            task.cancel()
            with suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, TimeoutError):
                await task
        if websocket.client_state is WebSocketState.CONNECTED:
            with suppress(RuntimeError, WebSocketDisconnect, TimeoutError):
                await asyncio.wait_for(websocket.close(close_code, reason=reason), 2.0)
        logger.info("ws.disconnected", user_id=user.id, active=registry.active_connections)
