"""Floor of an event hop: a raw Redis Streams XADD → XREADGROUP round trip on the same Redis,
and a raw produce → consume on the local Kafka broker.

One producer, one consumer group, entries sent at a fixed rate; latency is from just before
XADD to the consumer's read, both in this process (same clock).
"""

import asyncio
import threading
import time
import uuid
from typing import Any

import redis.asyncio as redis

from bench.stats import summary_ms


async def redis_round_trips(url: str, *, count: int, rate: float) -> dict[str, Any]:
    stream = f"floor-hop-{uuid.uuid4().hex[:8]}"
    producer = redis.from_url(url)
    consumer = redis.from_url(url)
    await producer.xgroup_create(stream, "floor", id="$", mkstream=True)
    sent: dict[bytes, float] = {}
    latencies: list[float] = []

    async def consume() -> None:
        while len(latencies) < count:
            # redis-py's reply type is loose: [[stream, [(id, fields), ...]], ...]
            read: Any = await consumer.xreadgroup(
                "floor", "c1", {stream: ">"}, count=100, block=1000
            )
            now = time.perf_counter()
            for _, entries in read or []:
                for entry_id, fields in entries:
                    latencies.append(now - sent[fields[b"n"]])
                    await consumer.xack(stream, "floor", entry_id)

    reader = asyncio.create_task(consume())
    begin = time.perf_counter()
    for index in range(count):
        delay = begin + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        key = str(index).encode()
        sent[key] = time.perf_counter()
        await producer.xadd(stream, {"n": key})
    await asyncio.wait_for(reader, timeout=30)
    await producer.delete(stream)
    await producer.aclose()
    await consumer.aclose()
    return {"count": count, "rate_per_second": rate, "latency": summary_ms(latencies)}


def kafka_round_trips(bootstrap: str, *, count: int, rate: float) -> dict[str, Any]:
    """The same round trip on the local Kafka broker: produce one record, a consumer group
    reading the topic receives it (kafka-python; producer and consumer in threads of this
    process). The topic is auto-created, as the system's are."""
    from kafka import KafkaConsumer, KafkaProducer

    topic = f"floor-hop-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, acks="all")
    producer.send(topic, b"create").get(timeout=30)  # creates the topic
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}-group",
        auto_offset_reset="latest",
        fetch_max_wait_ms=100,
    )
    while not consumer.assignment():
        consumer.poll(timeout_ms=200)
    sent: dict[bytes, float] = {}
    latencies: list[float] = []

    def consume() -> None:
        deadline = time.monotonic() + count / rate + 30
        while len(latencies) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                now = time.perf_counter()
                latencies.extend(now - sent[r.value] for r in records if r.value in sent)

    reader = threading.Thread(target=consume)
    reader.start()
    begin = time.perf_counter()
    for index in range(count):
        delay = begin + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        key = str(index).encode()
        sent[key] = time.perf_counter()
        producer.send(topic, key)
    producer.flush()
    reader.join()
    producer.close()
    consumer.close()
    return {"count": count, "rate_per_second": rate, "latency": summary_ms(latencies)}
