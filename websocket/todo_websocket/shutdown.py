"""Graceful shutdown: close every client with 1001 (going away) before the server stops.

uvicorn would otherwise fail open WebSockets with 1012 as it stops. 1001 tells clients
this replica is leaving: reconnect (to another replica) and resume. The handler runs the
close first, then hands the signal on to uvicorn's own handler.
"""

import asyncio
import signal
from contextlib import suppress
from types import FrameType

import structlog

from todo_websocket.connections import ConnectionRegistry

logger = structlog.get_logger()

CLOSE_GOING_AWAY = 1001
_CLOSE_TIMEOUT_SECONDS = 2.0


async def close_all(registry: ConnectionRegistry) -> None:
    connections = registry.all()
    await asyncio.gather(
        *(
            asyncio.wait_for(
                connection.websocket.close(CLOSE_GOING_AWAY, reason="server shutting down"),
                _CLOSE_TIMEOUT_SECONDS,
            )
            for connection in connections
        ),
        return_exceptions=True,
    )
    logger.info("ws.shutdown_closed_clients", clients=len(connections))


def install_sigterm_handler(registry: ConnectionRegistry) -> None:
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    def hand_on(signum: int, frame: FrameType | None) -> None:
        if callable(previous):
            previous(signum, frame)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        async def close_then_stop() -> None:
            with suppress(Exception):
                await close_all(registry)
            hand_on(signum, frame)

        loop.call_soon_threadsafe(lambda: loop.create_task(close_then_stop()))

    signal.signal(signal.SIGTERM, on_sigterm)
