"""Resume after reconnect: replay a user's events after `after_seq` from the backend's log.

The backend keeps every committed event with its per-user `seq` (its outbox), so the
history survives websocket restarts and includes events not yet delivered by pub/sub.
It is read through Dapr service invocation.
"""

import asyncio

import structlog

from todo_common.dapr.client import DaprClient, DaprError
from todo_common.events import CloudEvent, EventLogPage
from todo_websocket.connections import ClientConnection
from todo_websocket.messages import message_from_event

logger = structlog.get_logger()

BACKEND_APP_ID = "backend"


class EventHistory:
    def __init__(self, dapr: DaprClient, *, limit: int) -> None:
        self._dapr = dapr
        self._limit = limit
        self._background: set[asyncio.Task[None]] = set()

    async def fetch(self, user_id: str, after_seq: int) -> EventLogPage:
        response = await self._dapr.invoke(
            BACKEND_APP_ID,
            "GET",
            f"internal/users/{user_id}/events?after_seq={after_seq}&limit={self._limit}",
        )
        if not response.is_success:
            raise DaprError("invoke", response.status_code, response.text[:500])
        return EventLogPage.model_validate_json(response.content)

    def backfill(self, connection: ClientConnection) -> None:
        """The gap handler: fill a hole in the live stream, silently, in the background."""
        if not connection.begin_backfill():
            return
        task = asyncio.create_task(
            self.resume(connection, connection.last_sent_seq, announce=False)
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def resume(
        self, connection: ClientConnection, after_seq: int, *, announce: bool = True
    ) -> None:
        """Replay events after `after_seq`, then what arrived live meanwhile, in order."""
        connection.begin_resume()
        replayed: int | None = None
        try:
            page = await self.fetch(connection.user_id, after_seq)
            messages = [_message(event) for event in page.events]
            connection.replay(messages, after_seq=after_seq, oldest_seq=page.oldest_seq)
            replayed = len(messages)
        except (DaprError, ValueError) as exc:
            logger.warning("ws.resume_failed", error=repr(exc)[:200])
            connection.offer_error("resume failed: retry")
        finally:
            connection.release()  # once, whatever happened: live again, held ones first
        if replayed is None:
            return
        if announce:
            connection.announce_resumed()
        logger.info(
            "ws.resumed", after_seq=after_seq, replayed=replayed, user_id=connection.user_id
        )


def _message(event: CloudEvent) -> tuple[int | None, str]:
    _, message = message_from_event(event)
    return message.seq, message.model_dump_json()
