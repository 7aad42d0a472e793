"""Live connections of this replica, each with a bounded send queue.

A slow client never slows the others: fan-out only enqueues; when a client's queue is
full it is disconnected (1013) and must resume, which loses nothing.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from fastapi import WebSocket

logger = structlog.get_logger()

CLOSE_TRY_AGAIN_LATER = 1013
_SENT_MEMORY = 4096


@dataclass(eq=False)
class ClientConnection:
    user_id: str
    websocket: WebSocket
    queue: asyncio.Queue[str]
    last_sent_seq: int = 0
    overflowed: bool = False
    # While a resume replays history, live messages wait here so none jumps ahead of it.
    # A new client starts held: it may be about to ask for a resume (see `release`).
    resuming: bool = True
    resume_requested: bool = False
    held: list[tuple[int | None, str]] = field(default_factory=list)
    sent: set[int] = field(default_factory=set)
    dropped: int = 0
    overflow: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        """Go live: send what was held, in order, and stop holding."""
        for seq, text in sorted(self.held, key=lambda item: item[0] or 0):
            self.offer_in_order(text, seq)
        self.held.clear()
        self.resuming = False

    def has_gap_before(self, seq: int | None) -> bool:
        return seq is not None and self.last_sent_seq > 0 and seq > self.last_sent_seq + 1

    def offer_in_order(self, text: str, seq: int | None) -> bool:
        """Offer a sequenced message unless this client already has it.

        `last_sent_seq` is the ordering watermark (a resume rewinds it to `after_seq`);
        `sent` remembers what went out, so a rewind never sends anything twice.
        """
        if seq is not None:
            if seq <= self.last_sent_seq:
                return True
            self.last_sent_seq = seq
            if seq in self.sent:
                return True
            self.sent.add(seq)
            if len(self.sent) > _SENT_MEMORY:
                self.sent = {s for s in self.sent if s > seq - _SENT_MEMORY // 2}
        return self.offer(text)

    def offer(self, text: str) -> bool:
        """Enqueue without waiting; False (and marked overflowed) when the queue is full."""
        if not self.overflowed:
            try:
                self.queue.put_nowait(text)
                return True
            except asyncio.QueueFull:
                self.overflowed = True
                self.overflow.set()
        self.dropped += 1
        return False


@dataclass
class ConnectionStats:
    messages_sent: int = 0
    messages_dropped: int = 0
    slow_disconnects: int = 0
    refused_full: int = 0


GapHandler = Callable[[ClientConnection], None]


class ConnectionRegistry:
    def __init__(
        self, *, max_connections: int, queue_size: int, on_gap: GapHandler | None = None
    ) -> None:
        self.on_gap = on_gap
        self._by_user: dict[str, set[ClientConnection]] = defaultdict(set)
        self._max_connections = max_connections
        self._queue_size = queue_size
        self.stats = ConnectionStats()

    @property
    def active_connections(self) -> int:
        return sum(len(conns) for conns in self._by_user.values())

    @property
    def users(self) -> int:
        return len(self._by_user)

    def is_full(self) -> bool:
        return self.active_connections >= self._max_connections

    def add(self, user_id: str, websocket: WebSocket) -> ClientConnection:
        connection = ClientConnection(user_id, websocket, asyncio.Queue(self._queue_size))
        self._by_user[user_id].add(connection)
        return connection

    @property
    def messages_dropped(self) -> int:
        return self.stats.messages_dropped + sum(conn.dropped for conn in self.all())

    def remove(self, connection: ClientConnection) -> None:
        self.stats.messages_dropped += connection.dropped
        connection.dropped = 0
        conns = self._by_user.get(connection.user_id)
        if conns is None:
            return
        conns.discard(connection)
        if not conns:
            del self._by_user[connection.user_id]

    def all(self) -> list[ClientConnection]:
        return [conn for conns in self._by_user.values() for conn in conns]

    def deliver(self, user_id: str, text: str, seq: int | None) -> int:
        """Enqueue a message for each of the user's live connections; returns how many."""
        delivered = 0
        for connection in list(self._by_user.get(user_id, ())):
            if connection.resuming:
                connection.held.append((seq, text))
            elif connection.has_gap_before(seq) and self.on_gap:
                # An event overtook another (a publish retried later): fetch the missing
                # ones from the log first, then this one, so the client sees no hole.
                connection.held.append((seq, text))
                self.on_gap(connection)
            elif connection.offer_in_order(text, seq):
                delivered += 1
        return delivered
