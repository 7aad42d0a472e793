"""What is on a pub/sub topic, read from the broker itself (Redis Streams or Kafka)."""

import json
import time
from typing import Any, cast

import redis
from kafka import KafkaConsumer, TopicPartition

from devstack.stack import Stack

Event = dict[str, Any]


def topic_events(stack: Stack, topic: str) -> list[Event]:
    """Every CloudEvent published to `topic` so far, oldest first (per partition on Kafka)."""
    if stack.config.pubsub == "kafka":
        return kafka_topic_events(f"127.0.0.1:{stack.config.kafka_ports.broker}", topic)
    client = redis.Redis(port=stack.config.ports.redis)
    try:
        entries = cast(list[tuple[bytes, dict[bytes, bytes]]], client.xrange(topic))
    finally:
        client.close()
    return [json.loads(fields[b"data"]) for _, fields in entries if b"data" in fields]


def kafka_topic_events(bootstrap: str, topic: str) -> list[Event]:
    return [event for _, _, event in kafka_records(bootstrap, topic)]


def kafka_records(
    bootstrap: str, topic: str, timeout: float = 15.0
) -> list[tuple[int, str | None, Event]]:
    """(partition, key, CloudEvent) of every message on the topic, from its beginning to
    its current end, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        ends: dict[TopicPartition, int] = consumer.end_offsets(assigned)
        records: list[tuple[int, str | None, Event]] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout:.0f}s")
            for batch in consumer.poll(timeout_ms=500).values():
                records += [
                    (r.partition, r.key.decode() if r.key else None, json.loads(r.value))
                    for r in batch
                ]
        return records
    finally:
        consumer.close()
