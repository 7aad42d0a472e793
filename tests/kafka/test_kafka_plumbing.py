"""devstack's Kafka plumbing as plain functions (no broker): components, groups, lag."""

from pathlib import Path

import yaml

from devstack.infra import REPO_ROOT
from devstack.kafka import (
    KafkaPorts,
    PartitionLag,
    assigned_topics,
    lag_rows,
    merged_components,
    random_cluster_id,
    server_properties,
)


def test_merged_components_put_the_kafka_pubsubs_in_place_of_the_redis_ones(
    tmp_path: Path,
) -> None:
    base = REPO_ROOT / "dapr" / "components"
    merged = merged_components(base, tmp_path / "components")

    assert {p.name for p in merged.glob("*.yaml")} == {p.name for p in base.glob("*.yaml")}
    for name in ("pubsub", "websocket-pubsub"):
        component = yaml.safe_load((merged / f"{name}.yaml").read_text())
        assert component["spec"]["type"] == "pubsub.kafka"
    statestore = yaml.safe_load((merged / "statestore.yaml").read_text())
    assert statestore["spec"]["type"] == "state.redis"  # Redis stays for state
    assert not (merged / "kafka").exists()


def test_a_group_is_assigned_only_when_stable_and_holding_partitions() -> None:
    member = {
        "member_assignment": {
            "assigned_partitions": [
                {"topic": "task-updates", "partitions": [0, 1]},
                {"topic": "task-events", "partitions": []},
            ]
        }
    }
    assert assigned_topics({"group_state": "Stable", "members": [member]}) == {"task-updates"}
    assert assigned_topics({"group_state": "PreparingRebalance", "members": [member]}) == set()
    assert assigned_topics({"group_state": "Dead", "members": []}) == set()


def test_lag_is_the_log_end_less_the_committed_offset_per_partition() -> None:
    committed = {"reminders": {("task-events", 0): 7, ("task-events", 1): 3}}
    ends = {("task-events", 0): 10, ("task-events", 1): 3, ("task-events", 2): 5, ("x", 0): 9}

    rows = lag_rows(committed, ends)

    assert rows == [
        PartitionLag("reminders", "task-events", 0, 7, 10),
        PartitionLag("reminders", "task-events", 1, 3, 3),
        PartitionLag("reminders", "task-events", 2, None, 5),  # never committed there
    ]
    assert [row.lag for row in rows] == [3, 0, 5]


def test_the_local_broker_is_one_kraft_node_on_loopback() -> None:
    properties = server_properties(KafkaPorts(19092, 19093), Path("/data/logs"))

    assert properties["process.roles"] == "broker,controller"
    assert properties["listeners"] == ("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
    assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert properties["auto.create.topics.enable"] == "true"
    assert int(properties["num.partitions"]) > 1
    assert len(random_cluster_id()) == 22 and random_cluster_id() != random_cluster_id()
