"""Live connections of this replica, each with a bounded send queue.

A slow client never slows the others: fan-out only enqueues; when a client's queue is
full it is disconnected (1013) and must resume, which loses nothing.
"""

import asyncio
import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import structlog
from fastapi import WebSocket

logger = structlog.get_logger()

CLOSE_TRY_AGAIN_LATER = 1013
_SENT_MEMORY = 4096
# Unsequenced messages remembered per connection (by event id) to drop a redelivery.
_UNSEQUENCED_MEMORY = 256


GapHandler = Callable[["ClientConnection"], None]


@dataclass(eq=False)
class ClientConnection:
    """One client: its send queue and its resume state, changed only through its methods."""

    user_id: str
    websocket: WebSocket
    queue: asyncio.Queue[str]
    # Called when a live event skips ahead: fetch the missing ones first (history.py).
    on_gap: GapHandler | None = None
    last_sent_seq: int = 0
    overflowed: bool = False
    # While a resume replays history, live messages wait here so none jumps ahead of it.
    # A new client starts held: it may be about to ask for a resume (see `release`).
    resuming: bool = True
    resume_requested: bool = False
    held: list[tuple[int | None, str]] = field(default_factory=list)
    sent: set[int] = field(default_factory=set)
    seen_unsequenced: OrderedDict[str, None] = field(default_factory=OrderedDict)
    dropped: int = 0
    overflow: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, text: str, seq: int | None, *, event_id: str | None = None) -> bool:
        """A live message: held during a resume or a gap, else offered in order.

        A message without a `seq` cannot be deduped by it: `event_id` drops a redelivery.
        """
        if seq is None and event_id is not None and not self._first_unsequenced(event_id):
            return False
        if self.resuming:
            self.held.append((seq, text))
            return False
        if self.has_gap_before(seq) and self.on_gap:
            # An event overtook another (a publish retried later): fetch the missing
            # ones from the log first, then this one, so the client sees no hole.
            self.held.append((seq, text))
            self.on_gap(self)
            return False
        return self.offer_in_order(text, seq)

    def _first_unsequenced(self, event_id: str) -> bool:
        if event_id in self.seen_unsequenced:
            return False
        self.seen_unsequenced[event_id] = None
        if len(self.seen_unsequenced) > _UNSEQUENCED_MEMORY:
            self.seen_unsequenced.popitem(last=False)
        return True

    def go_live_unless_resuming(self) -> None:
        """A client that did not ask for a resume (in time, or at all) gets live messages."""
        if self.resuming and not self.resume_requested:
            self.release()

    def request_resume(self) -> None:
        """The client asked for a replay: its live messages wait for it (no grace)."""
        self.resume_requested = True

    def begin_resume(self) -> None:
        self.resuming = True

    def begin_backfill(self) -> bool:
        """Start holding for a silent backfill; False when a resume already runs."""
        if self.resuming:
            return False
        self.resuming = True
        return True

    def replay(
        self, messages: Sequence[tuple[int | None, str]], *, after_seq: int, oldest_seq: int | None
    ) -> None:
        """Offer history after `after_seq` (rewinding the watermark); held ones follow on
        `release`."""
        if oldest_seq is not None and after_seq + 1 < oldest_seq:
            # Older than the retained window: the client must reload its task list.
            self.offer(
                json.dumps(
                    {
                        "type": "resume.gap",
                        "data": {"after_seq": after_seq, "oldest_seq": oldest_seq},
                    }
                )
            )
        self.last_sent_seq = after_seq
        for seq, text in messages:
            self.offer_in_order(text, seq)

    def announce_resumed(self) -> None:
        self.offer(
            json.dumps({"type": "resume.complete", "data": {"last_seq": self.last_sent_seq}})
        )

    def offer_error(self, detail: str) -> None:
        self.offer(json.dumps({"type": "error", "data": {"detail": detail}}))

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
    gaps: int = 0


class ConnectionRegistry:
    def __init__(
        self, *, max_connections: int, queue_size: int, on_gap: GapHandler | None = None
    ) -> None:
        self._on_gap = on_gap
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
        on_gap = self._counted_gap if self._on_gap else None
        connection = ClientConnection(user_id, websocket, asyncio.Queue(self._queue_size), on_gap)
        self._by_user[user_id].add(connection)
        return connection

    def _counted_gap(self, connection: ClientConnection) -> None:
        self.stats.gaps += 1
        assert self._on_gap is not None
        self._on_gap(connection)

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

    def deliver(
        self, user_id: str, text: str, seq: int | None, *, event_id: str | None = None
    ) -> int:
        """Hand a message to each of the user's live connections; returns how many took it
        at once (the others hold it for a resume or a backfill, or already had it)."""
        return sum(
            conn.deliver(text, seq, event_id=event_id)
            for conn in list(self._by_user.get(user_id, ()))
        )
