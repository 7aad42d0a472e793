"""The backend's own Prometheus series beyond HTTP and chat: the transactional outbox.

`outbox_backlog` and `outbox_oldest_unpublished_age_seconds` come from a periodic count of
unpublished rows (every replica samples, so they stay true while another replica holds
the relay lock); the age is computed at scrape time from the oldest row's creation time,
so it keeps growing between samples while the relay is stuck, which is what the
`OutboxAgeGrowing` alert watches.
"""

import time

from prometheus_client import CollectorRegistry, Counter, Gauge


class OutboxMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.published = Counter(
            "outbox_published_total",
            "Outbox events accepted by the pub/sub, by topic",
            ["topic"],
            registry=registry,
        )
        self.publish_failures = Counter(
            "outbox_publish_failures_total",
            "Outbox events the pub/sub refused (retried with backoff), by topic",
            ["topic"],
            registry=registry,
        )
        self.backlog = Gauge(
            "outbox_backlog",
            "Unpublished outbox events at the last sample",
            registry=registry,
        )
        self._oldest_created: float | None = None
        Gauge(
            "outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox event (0 when none is waiting)",
            registry=registry,
        ).set_function(self._oldest_age)

    def sampled(self, backlog: int, oldest_created_epoch: float | None) -> None:
        self.backlog.set(backlog)
        self._oldest_created = oldest_created_epoch if backlog else None

    def _oldest_age(self) -> float:
        if self._oldest_created is None:
            return 0.0
        return max(0.0, time.time() - self._oldest_created)


class ConsumerLagMetrics:
    """Redis Streams consumer lag: entries of each topic's stream that a consumer group has
    not yet read (`XINFO GROUPS` `lag`, Redis 7+) and entries read but not acknowledged
    (`pending`). With Kafka as the pub/sub the broker's own exporter reports lag instead."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lag = Gauge(
            "pubsub_consumer_lag",
            "Stream entries a consumer group has not read yet, by topic and group",
            ["topic", "group"],
            registry=registry,
        )
        self.pending = Gauge(
            "pubsub_consumer_pending",
            "Stream entries delivered to a consumer group but not acknowledged",
            ["topic", "group"],
            registry=registry,
        )
        self.dead_letters = Gauge(
            "pubsub_deadletter_entries",
            "Entries waiting in a dead-letter stream (scripts/replay_deadletters.py replays them)",
            ["topic"],
            registry=registry,
        )
        self._seen: set[tuple[str, str]] = set()

    def sampled(self, topic: str, groups: list[dict[str, object]]) -> None:
        current: set[tuple[str, str]] = set()
        for group in groups:
            name = _text(group.get("name"))
            lag = group.get("lag")
            self.lag.labels(topic, name).set(float(lag) if isinstance(lag, int) else 0.0)
            pending = group.get("pending")
            self.pending.labels(topic, name).set(float(pending) if isinstance(pending, int) else 0)
            current.add((topic, name))
        for gone in {key for key in self._seen if key[0] == topic} - current:
            self.lag.remove(*gone)
            self.pending.remove(*gone)
        self._seen = {key for key in self._seen if key[0] != topic} | current


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
