"""A local Kafka broker (KRaft, one combined broker/controller) for `PUBSUB=kafka` and tests.

The jars are Kafka's own server and tools from Maven Central (`tools/kafka/fetch.sh`, run by
`make setup`), started on the system's Java 17+. Topics are auto-created on first use with
`num.partitions` partitions; a managed cluster gets them from `tools/kafka/create-topics.sh`.
"""

import base64
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily

from devstack.infra import REPO_ROOT, TOOLS_DIR, StackError, wait_until
from devstack.ports import free_port, is_listening
from devstack.processes import LineSink, ManagedProcess

KAFKA_VERSION = "4.1.1"
LOG4J_CONFIG = REPO_ROOT / "tools" / "kafka" / "log4j2.properties"
# Partitions of an auto-created topic: more than one, so per-user ordering (partition key =
# user id) and rebalances are exercised locally as they are on the managed cluster.
LOCAL_PARTITIONS = 4
STARTED_LINE = "Kafka Server started"
# A small heap, and the client compiler only: the broker's start-up and the tests' load
# matter on two shared cores, peak throughput does not.
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


def kafka_libs() -> Path:
    libs = TOOLS_DIR / f"kafka-{KAFKA_VERSION}" / "libs"
    if not (libs / f"kafka_2.13-{KAFKA_VERSION}.jar").exists():
        raise StackError(f"Kafka {KAFKA_VERSION} not found in {libs}: run `make setup`")
    return libs


def java_binary() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java:
        raise StackError("java not found: Kafka needs Java 17+ (`make setup` installs it)")
    return java


def java_command(main_class: str, *args: str, heap: str = "-Xmx512m") -> list[str]:
    """The JVM command line that runs one of Kafka's main classes from the fetched jars."""
    return [
        java_binary(),
        *(option for option in JVM_OPTIONS if not option.startswith("-Xmx")),
        heap,
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
        "-cp",
        f"{kafka_libs()}/*",
        main_class,
        *args,
    ]


def random_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


@dataclass(frozen=True)
class KafkaPorts:
    broker: int
    controller: int

    @classmethod
    def free(cls) -> "KafkaPorts":
        return cls(free_port(), free_port())

    @classmethod
    def defaults(cls) -> "KafkaPorts":
        # Not 9092: the sidecars' metrics ports are 9090-9093 under `make run`.
        return cls(broker=19092, controller=19093)


def server_properties(ports: KafkaPorts, log_dir: Path) -> dict[str, str]:
    return {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{ports.controller}",
        "listeners": f"PLAINTEXT://127.0.0.1:{ports.broker},CONTROLLER://127.0.0.1:{ports.controller}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{ports.broker}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(log_dir),
        "auto.create.topics.enable": "true",
        "num.partitions": str(LOCAL_PARTITIONS),
        "log.retention.hours": "24",
        # One broker: every internal topic has a single replica.
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # A group forms as soon as its first member joins (the default waits 3 s).
        "group.initial.rebalance.delay.ms": "0",
    }


class KafkaBroker:
    """One KRaft node with its data under `data_dir`; restartable with its data kept."""

    def __init__(
        self,
        data_dir: Path,
        ports: KafkaPorts,
        sink: LineSink | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.ports = ports
        self.sink = sink
        self.log_file = log_file
        self.process: ManagedProcess | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports.broker}"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "server.properties"

    def _format(self) -> None:
        logs = self.data_dir / "logs"
        properties = server_properties(self.ports, logs)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in properties.items()))
        if (logs / "meta.properties").exists():
            return
        formatted = subprocess.run(
            java_command(
                "kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", random_cluster_id(), "-c", str(self.config_file), heap="-Xmx256m",
            ),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if formatted.returncode != 0:
            raise StackError(f"kafka storage format failed:\n{formatted.stdout}{formatted.stderr}")

    def start(self, timeout: float = 60.0) -> None:
        self._format()
        self.process = ManagedProcess(
            "kafka",
            java_command("kafka.Kafka", str(self.config_file)),
            sink=self.sink,
            log_file=self.log_file,
            cwd=self.data_dir,
        )
        self.process.start()
        wait_until(self._started, timeout, f"kafka on port {self.ports.broker}")

    def _started(self) -> bool:
        process = self.process
        if process is None:
            return False
        if not process.is_running():
            raise StackError(f"kafka exited with code {process.returncode()}\n{process.tail()}")
        return any(STARTED_LINE in line for line in process.recent) and is_listening(
            self.ports.broker
        )

    def stop(self) -> None:
        if self.process:
            # A controlled shutdown flushes and closes the logs; it takes a few seconds.
            self.process.stop(timeout=30)

    def kill(self) -> None:
        if self.process:
            self.process.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_running(self) -> bool:
        return self.process is not None and self.process.is_running()


def start_kafka(
    ports: KafkaPorts, data_dir: Path, sink: LineSink | None, log_file: Path | None
) -> KafkaBroker:
    broker = KafkaBroker(data_dir, ports, sink, log_file)
    broker.start()
    return broker


# -- components ---------------------------------------------------------------------------


def merged_components(base: Path, out: Path) -> Path:
    """`base` with the Kafka variants of its pub/sub components (`base/kafka/`) in place of
    the Redis ones, written to `out` (Dapr loads every YAML file of one folder)."""
    kafka_dir = base / "kafka"
    overrides = {path.name for path in kafka_dir.glob("*.yaml")}
    if not overrides:
        raise StackError(f"no Kafka components in {kafka_dir}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for path in sorted(base.glob("*.yaml")):
        if path.name not in overrides:
            shutil.copy2(path, out / path.name)
    for path in sorted(kafka_dir.glob("*.yaml")):
        shutil.copy2(path, out / path.name)
    return out


# -- consumer groups ------------------------------------------------------------------------


def admin_client(bootstrap: str) -> Any:
    """A kafka-python admin client (close it when done)."""
    from kafka import KafkaAdminClient

    return KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="devstack", request_timeout_ms=10_000
    )


def assigned_topics(description: dict[str, Any]) -> set[str]:
    """Topics with partitions assigned to some member of a described group ('' unless the
    group is Stable: during a rebalance nothing is being consumed)."""
    if description.get("group_state") != "Stable":
        return set()
    return {
        assigned["topic"]
        for member in description.get("members", [])
        for assigned in (member.get("member_assignment") or {}).get("assigned_partitions", [])
        if assigned.get("partitions")
    }


def wait_for_groups(bootstrap: str, groups: dict[str, set[str]], timeout: float) -> None:
    """Until every group is Stable with each of its topics' partitions assigned.

    A sidecar reports ready before its consumer group has joined: an event published in
    between would reach a `newest` group never, and a new replica late."""
    if not groups:
        return
    admin = admin_client(bootstrap)
    missing: dict[str, set[str]] = dict(groups)

    def settled() -> bool:
        descriptions: dict[str, dict[str, Any]] = admin.describe_groups(list(missing))
        for group, topics in list(missing.items()):
            if topics <= assigned_topics(descriptions.get(group, {})):
                del missing[group]
        return not missing

    try:
        wait_until(settled, timeout, f"Kafka consumer groups {sorted(missing)} to be assigned")
    finally:
        admin.close()


# -- consumer lag ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None
    end: int

    @property
    def lag(self) -> int:
        """Messages not yet committed by the group; a partition it never committed counts
        from its start (0), which `initialOffset: newest` groups skip anyway."""
        return max(self.end - (self.committed or 0), 0)


def lag_rows(
    committed: dict[str, dict[tuple[str, int], int]], ends: dict[tuple[str, int], int]
) -> list[PartitionLag]:
    """Per group, topic and partition: the group's committed offset against the log end.
    A group is measured on the topics it has committed on."""
    rows: list[PartitionLag] = []
    for group, offsets in sorted(committed.items()):
        topics = {topic for topic, _ in offsets}
        for (topic, partition), end in sorted(ends.items()):
            if topic in topics:
                offset = offsets.get((topic, partition))
                rows.append(PartitionLag(group, topic, partition, offset, end))
    return rows


def consumer_lag(bootstrap: str) -> list[PartitionLag]:
    """The lag of every consumer group of the cluster (what `kafka-consumer-groups
    --describe --all-groups` and `rpk group describe` show)."""
    from kafka import TopicPartition
    from kafka.admin import OffsetSpec

    admin = admin_client(bootstrap)
    try:
        groups = [g["group_id"] for g in admin.list_groups()]
        committed: dict[str, dict[tuple[str, int], int]] = {}
        if groups:
            for group, offsets in admin.list_group_offsets(dict.fromkeys(groups)).items():
                committed[group] = {
                    (tp.topic, tp.partition): meta.offset
                    for tp, meta in offsets.items()
                    if meta.offset >= 0
                }
        topics = {topic for offsets in committed.values() for topic, _ in offsets}
        partitions = [
            TopicPartition(topic["name"], partition["partition_index"])
            for topic in admin.describe_topics(sorted(topics))
            for partition in topic["partitions"]
        ]
        ends = (
            admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
            if partitions
            else {}
        )
        return lag_rows(committed, {(tp.topic, tp.partition): o.offset for tp, o in ends.items()})
    finally:
        admin.close()


# -- the lag as Prometheus metrics ----------------------------------------------------------

# The names and labels of the Prometheus community's kafka_exporter, so dashboards and alerts
# written for it work on this one (and on a cluster that runs that exporter).
LAG_METRIC = "kafka_consumergroup_lag"
LAG_EXPORTER_PORT = 9308  # kafka_exporter's default


class LagCollector:
    """Reads every group's lag from the broker at each scrape."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rows = consumer_lag(self.bootstrap)
        per_partition = GaugeMetricFamily(
            LAG_METRIC,
            "Messages of the partition the consumer group has not committed yet",
            labels=["consumergroup", "topic", "partition"],
        )
        per_topic = GaugeMetricFamily(
            f"{LAG_METRIC}_sum",
            "Messages of the topic the consumer group has not committed yet",
            labels=["consumergroup", "topic"],
        )
        sums: dict[tuple[str, str], int] = {}
        for row in rows:
            per_partition.add_metric([row.group, row.topic, str(row.partition)], row.lag)
            sums[(row.group, row.topic)] = sums.get((row.group, row.topic), 0) + row.lag
        for (group, topic), lag in sorted(sums.items()):
            per_topic.add_metric([group, topic], lag)
        yield per_partition
        yield per_topic


def lag_registry(bootstrap: str) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LagCollector(bootstrap))
    return registry


def serve_lag_metrics(bootstrap: str, port: int = LAG_EXPORTER_PORT) -> Callable[[], None]:
    """`GET http://127.0.0.1:<port>/metrics` with the lag; returns the function that stops it."""
    server, thread = start_http_server(port, addr="127.0.0.1", registry=lag_registry(bootstrap))

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
