"""The Kafka operations tooling against a real local broker: topic creation for the managed
cluster (tools/kafka/create-topics.sh) and the consumer-lag metrics."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

from devstack.infra import REPO_ROOT
from devstack.kafka import LAG_METRIC, KafkaBroker, KafkaPorts, consumer_lag, serve_lag_metrics
from devstack.ports import free_port
from todo_common.events import REMINDERS_TOPIC, TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC
from todo_notification.settings import REMINDERS_DEADLETTER_TOPIC

pytestmark = pytest.mark.integration

TOPICS_FILE = REPO_ROOT / "tools" / "kafka" / "topics.tsv"


def planned_topics() -> dict[str, tuple[int, int]]:
    """topics.tsv: name -> (partitions, retention.ms)."""
    topics = {}
    for line in TOPICS_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, partitions, retention = line.split("\t")
            topics[name] = (int(partitions), int(retention))
    return topics


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    kafka = KafkaBroker(tmp_path_factory.mktemp("kafka-tools"), KafkaPorts.free())
    kafka.start()
    try:
        yield kafka
    finally:
        kafka.stop()


def create_topics(broker: KafkaBroker) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO_ROOT / "tools" / "kafka" / "create-topics.sh"),
         "--bootstrap-server", broker.bootstrap, "--replication-factor", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_topic_plan_covers_every_topic_the_services_use() -> None:
    used = {TASK_EVENTS_TOPIC, TASK_UPDATES_TOPIC, REMINDERS_TOPIC, REMINDERS_DEADLETTER_TOPIC}
    assert set(planned_topics()) == used


def test_create_topics_sets_partitions_and_retention_and_is_idempotent(
    broker: KafkaBroker,
) -> None:
    first = create_topics(broker)
    assert first.returncode == 0, first.stderr
    again = create_topics(broker)  # existing topics are left alone, not an error
    assert again.returncode == 0, again.stderr

    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        plan = planned_topics()
        described = {t["name"]: t for t in admin.describe_topics(list(plan))}
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in plan]
        )
    finally:
        admin.close()
    # {resource type: {topic: {config key: {"value": ..., ...}}}}
    (per_topic,) = configs.values()
    retention = {name: config["retention.ms"]["value"] for name, config in per_topic.items()}
    for name, (partitions, retention_ms) in plan.items():
        assert len(described[name]["partitions"]) == partitions, name
        assert retention[name] == str(retention_ms), name


def test_consumer_lag_counts_what_a_group_has_not_committed(
    broker: KafkaBroker, tmp_path: Path
) -> None:
    topic = "lag-probe"
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
    for i in range(10):
        producer.send(topic, f"m{i}".encode(), key=b"alice").get(timeout=10)
    producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap,
        group_id="lag-probe-group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=4,
    )
    try:
        polled = 0
        while polled < 4:
            polled += sum(len(batch) for batch in consumer.poll(timeout_ms=1000).values())
        consumer.commit()
    finally:
        consumer.close()

    rows = [r for r in consumer_lag(broker.bootstrap) if r.group == "lag-probe-group"]
    assert sum(r.lag for r in rows) == 10 - polled
    assert {r.topic for r in rows} == {topic}

    port = free_port()
    stop = serve_lag_metrics(broker.bootstrap, port)
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        stop()
    line = f'{LAG_METRIC}_sum{{consumergroup="lag-probe-group",topic="{topic}"}}'
    assert f"{line} {float(10 - polled)}" in text
