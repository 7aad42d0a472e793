"""Per-key asyncio locks that exist only while someone holds or awaits them."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLocks:
    """Serialise work on one key within this process; other keys never wait.

    Delivery is at least once: copies of one event handled side by side (a job fired
    twice publishes the event twice) then find each other's record instead of racing to
    write it; a lost first-write or ETag race costs Dapr retries and counts against the
    state store's circuit breaker. Across replicas the stored record still decides.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, holders = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, holders + 1)
        try:
            async with lock:
                yield
        finally:
            lock, holders = self._locks[key]
            if holders == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, holders - 1)
