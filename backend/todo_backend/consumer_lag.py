"""Samples Redis Streams consumer lag into `pubsub_consumer_lag` (see todo_backend.metrics)."""

import asyncio
import contextlib
from collections.abc import Sequence

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from todo_backend.metrics import ConsumerLagMetrics
from todo_common.events import REMINDERS_TOPIC, TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC

logger = structlog.get_logger()

TOPICS = (TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC, REMINDERS_TOPIC)
# The notification service's dead-letter topic (NOTIFICATION_DEADLETTER_TOPIC's default).
DEAD_LETTER_TOPICS = ("reminders-deadletter",)


async def sample_consumer_lag(
    redis: Redis,
    metrics: ConsumerLagMetrics,
    topics: Sequence[str] = TOPICS,
    dead_letter_topics: Sequence[str] = DEAD_LETTER_TOPICS,
    *,
    interval: float = 10.0,
) -> None:
    """Forever: `XINFO GROUPS` of each topic's stream (Dapr names the stream after the topic)
    and the length of each dead-letter stream."""
    while True:
        for topic in dead_letter_topics:
            with contextlib.suppress(RedisError, OSError):
                metrics.dead_letters.labels(topic).set(await redis.xlen(topic))
        for topic in topics:
            try:
                groups = await redis.xinfo_groups(topic)
            except ResponseError:  # no such stream yet (nothing published): nothing lags
                groups = []
            except (RedisError, OSError) as exc:  # Redis down: keep the last values
                logger.debug("consumer_lag.sample_failed", topic=topic, error=repr(exc)[:200])
                continue
            metrics.sampled(topic, [{_key(k): v for k, v in group.items()} for group in groups])
        await asyncio.sleep(interval)


def _key(key: object) -> str:
    return key.decode() if isinstance(key, bytes) else str(key)
