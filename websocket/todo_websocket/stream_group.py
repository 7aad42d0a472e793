"""This replica's Redis Streams consumer group: where it starts, whether it delivers, and
the removal of groups whose replica is gone.

Every websocket replica reads `task-updates` through its own consumer group, named after
its stable replica id (`ws-replica-<id>`, the component's `consumerID: ws-replica-{podName}`).
Dapr creates a missing group at the *start* of the stream (`XGROUP CREATE … 0`), so a new
group would replay the whole capped stream before anything live. The app therefore puts
its group at the stream's *end* before its sidecar subscribes (uvicorn opens the port,
which daprd waits for, only after start-up): a restarted app has no clients yet, and a
client that reconnects gets what it missed from the backend's event log (`resume`).
A restarted sidecar alone keeps the group and continues where it stopped.

See docs/architecture.md ("WebSocket fan-out and resume").
"""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

logger = structlog.get_logger()

GROUP_PREFIX = "ws-replica-"
ALIVE_KEY_PREFIX = "websocket:replica-alive:"
# Groups made by the earlier `consumerID: {uuid}` component: nothing can ever read them.
_LEGACY_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PENDING_BATCH = 1000


def group_name(replica_id: str) -> str:
    return f"{GROUP_PREFIX}{replica_id}"


def is_replica_group(name: str) -> bool:
    """A group this service owns (others on the stream, e.g. per-app groups, are left alone)."""
    return name.startswith(GROUP_PREFIX) or bool(_LEGACY_UUID.match(name))


@dataclass(frozen=True)
class GroupView:
    """What `XINFO GROUPS` and `XINFO CONSUMERS` say about one group."""

    name: str
    alive: bool  # its replica's heartbeat key exists
    consumer_idle_ms: list[int]


def is_abandoned(group: GroupView, *, own: str, stale_after_ms: int) -> bool:
    """A replica's group nobody will read again: no heartbeat from its app, and no sidecar
    polling it (a live sidecar's consumer is seen at least every read timeout, ~3 s).

    Both are required: a sidecar that restarts while its app lives keeps its group, and so
    does an app whose heartbeat missed a beat while its sidecar still reads.
    """
    if group.name == own or not is_replica_group(group.name) or group.alive:
        return False
    return all(idle > stale_after_ms for idle in group.consumer_idle_ms)


def backlog_ok(lag: int | None, *, max_backlog: int) -> bool:
    return lag is not None and lag <= max_backlog


def stream_id(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


def was_rewound(previous: str | None, current: str, lag: int | None, *, max_backlog: int) -> bool:
    """The group's read position moved back and it now lags far behind: the sidecar
    recreated it at the stream's start (after a NOGROUP) and would replay the stream."""
    moved_back = previous is not None and stream_id(current) < stream_id(previous)
    return moved_back and not backlog_ok(lag, max_backlog=max_backlog)


class ReplicaGroup:
    def __init__(
        self,
        redis: Redis,
        *,
        stream: str,
        replica_id: str,
        heartbeat_ttl_ms: int = 15_000,
        stale_after_ms: int = 20_000,
        max_backlog: int = 1000,
    ) -> None:
        self._redis = redis
        self.stream = stream
        self.name = group_name(replica_id)
        self._alive_key = f"{ALIVE_KEY_PREFIX}{self.name}"
        self._heartbeat_ttl_ms = heartbeat_ttl_ms
        self._stale_after_ms = stale_after_ms
        self._max_backlog = max_backlog
        self._last_delivered: str | None = None

    async def start_at_end(self) -> None:
        """Create the group at the stream's end, or move it there, dropping old pending."""
        await self.heartbeat()
        self._last_delivered = None
        try:
            await self._redis.xgroup_create(self.stream, self.name, id="$", mkstream=True)
            logger.info("ws.group_created_at_end", group=self.name, stream=self.stream)
            return
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        # SETID, never DESTROY: a sidecar still reading would recreate a missing group at 0.
        await self._redis.xgroup_setid(self.stream, self.name, id="$")
        acked = 0
        while pending := await self._redis.xpending_range(
            self.stream, self.name, min="-", max="+", count=_PENDING_BATCH
        ):
            ids = [entry["message_id"] for entry in pending]
            await self._redis.xack(self.stream, self.name, *ids)
            acked += len(ids)
        logger.info("ws.group_moved_to_end", group=self.name, stream=self.stream, acked=acked)

    async def heartbeat(self) -> None:
        await self._redis.set(self._alive_key, "1", px=self._heartbeat_ttl_ms)

    async def _view(self, group: dict[str, Any]) -> GroupView:
        name = str(group["name"])
        alive = bool(await self._redis.exists(f"{ALIVE_KEY_PREFIX}{name}"))
        consumers = await self._redis.xinfo_consumers(self.stream, name)
        return GroupView(name, alive, [int(c["idle"]) for c in consumers])

    async def prune(self) -> list[str]:
        """Destroy the groups of replicas that are gone; returns their names."""
        removed = []
        for group in await self._groups():
            if not is_replica_group(str(group["name"])) or group["name"] == self.name:
                continue
            view = await self._view(group)
            if is_abandoned(view, own=self.name, stale_after_ms=self._stale_after_ms):
                await self._redis.xgroup_destroy(self.stream, view.name)
                removed.append(view.name)
        if removed:
            logger.info("ws.groups_pruned", groups=removed, stream=self.stream)
        return removed

    async def _groups(self) -> list[dict[str, Any]]:
        try:
            groups: list[dict[str, Any]] = await self._redis.xinfo_groups(self.stream)
        except ResponseError as exc:  # the stream does not exist (yet)
            if "no such key" in str(exc).lower():
                return []
            raise
        return groups

    async def caught_up(self) -> bool:
        """Readiness, with the probe (subscription.py): the group exists and lies at most
        `max_backlog` entries behind the stream's end (a replay would be far behind)."""
        try:
            group = next((g for g in await self._groups() if g["name"] == self.name), None)
            return group is not None and backlog_ok(
                await self._lag(group), max_backlog=self._max_backlog
            )
        except RedisError:
            return False

    async def _lag(self, group: dict[str, Any]) -> int | None:
        lag = group.get("lag")
        if lag is not None:
            return int(lag)
        # Unknown after a SETID or a trim: count what lies past the last delivered entry.
        after = await self._redis.xrange(
            self.stream, f"({group['last-delivered-id']}", "+", count=self._max_backlog + 1
        )
        return len(after or [])

    async def keep_in_place(self) -> None:
        """Put the group back at the end if it is gone or was recreated at the start
        (pruned by mistake, e.g. after a missed heartbeat, or lost with Redis)."""
        group = next((g for g in await self._groups() if g["name"] == self.name), None)
        if group is None:
            # Before the sidecar's NOGROUP recreates it at 0: from the start when that is
            # cheap (open clients then miss nothing), else from the end.
            short = await self._redis.xlen(self.stream) <= self._max_backlog
            with suppress(ResponseError):  # BUSYGROUP: the sidecar was quicker
                await self._redis.xgroup_create(
                    self.stream, self.name, id="0" if short else "$", mkstream=True
                )
            logger.warning("ws.group_recreated", group=self.name, from_start=short)
            return
        current = str(group["last-delivered-id"])
        lag = await self._lag(group)
        if was_rewound(self._last_delivered, current, lag, max_backlog=self._max_backlog):
            logger.warning("ws.group_rewound", group=self.name, lag=lag)
            await self.start_at_end()
            return
        self._last_delivered = current

    async def maintain(self, interval_seconds: float, *, placed: bool) -> None:
        """Forever: the heartbeat, the group's place, the pruning, and the start-up
        placement if Redis was not reachable then (a SETID while the sidecar reads is safe)."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                if not placed:
                    await self.start_at_end()
                    placed = True
                else:
                    await self.heartbeat()
                    await self.keep_in_place()
                await self.prune()
            except RedisError as exc:
                logger.warning("ws.group_maintenance_failed", error=repr(exc)[:200])


@asynccontextmanager
async def replica_group(
    redis_url: str, *, stream: str, replica_id: str, interval_seconds: float
) -> AsyncIterator[ReplicaGroup]:
    """The replica's group placed at the stream's end, kept alive while the app runs."""
    redis = Redis.from_url(
        redis_url, decode_responses=True, socket_connect_timeout=1.0, socket_timeout=2.0
    )
    ttl_ms = int(interval_seconds * 3000)
    group = ReplicaGroup(
        redis,
        stream=stream,
        replica_id=replica_id,
        heartbeat_ttl_ms=ttl_ms,
        stale_after_ms=max(ttl_ms, 20_000),
    )
    placed = False
    try:
        await group.start_at_end()
        placed = True
        await group.prune()
    except RedisError as exc:
        logger.warning("ws.group_placement_deferred", error=repr(exc)[:200])
    maintenance = asyncio.create_task(group.maintain(interval_seconds, placed=placed))
    try:
        yield group
    finally:
        maintenance.cancel()
        with suppress(asyncio.CancelledError):
            await maintenance
        # The heartbeat is left to expire: an app restarted within its TTL while its
        # sidecar keeps reading must find its group where it was (a pruned group would be
        # recreated by the sidecar at the stream's start).
        await redis.aclose()
