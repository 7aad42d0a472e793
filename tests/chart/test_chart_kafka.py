"""The chart's Kafka Components (values-doks.yaml) against the ones `PUBSUB=kafka` runs locally.

The local files (dapr/components/kafka/) are exercised by the Kafka end-to-end tests; the
chart's are only ever rendered. Keeping the two to the same metadata fields (less SASL and
TLS, which the local broker does not use) and every field a real one of Dapr's Kafka
component means a typo in production fails here, not in the cluster.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from chart_support import REPO_ROOT, Manifest, Render, by_kind

LOCAL_DIR = REPO_ROOT / "dapr" / "components" / "kafka"
KAFKA_COMPONENTS = ("pubsub", "websocket-pubsub")
# What the managed cluster needs and the local broker does not: SASL and the CA.
SASL_TLS_ONLY = {"saslUsername", "saslPassword", "saslMechanism", "caCert"}


def local_component(name: str) -> Manifest:
    component: Manifest = yaml.safe_load((LOCAL_DIR / f"{name}.yaml").read_text())
    return component


def metadata(component: Manifest) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in component["spec"]["metadata"]}


@pytest.fixture(scope="module")
def doks(render: Render) -> dict[str, Manifest]:
    return by_kind(render("values-doks.yaml"), "Component")


@pytest.fixture(scope="module")
def dapr_kafka_fields() -> set[str]:
    """Every metadata name Dapr's pubsub.kafka documents, from the pinned components-contrib
    module (the one tools/dapr builds daprd from)."""
    downloaded = subprocess.run(
        ["go", "mod", "download", "-json", "github.com/dapr/components-contrib"],
        cwd=REPO_ROOT / "tools" / "dapr",
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GOFLAGS": "-mod=readonly"},
    )
    assert downloaded.returncode == 0, downloaded.stderr
    module = Path(json.loads(downloaded.stdout)["Dir"])
    spec = yaml.safe_load((module / "pubsub" / "kafka" / "metadata.yaml").read_text())
    profiles = spec.get("authenticationProfiles", [])
    return {m["name"] for m in spec["metadata"]} | {
        m["name"] for profile in profiles for m in profile.get("metadata", [])
    }


@pytest.mark.parametrize("name", KAFKA_COMPONENTS)
def test_local_kafka_component_has_the_charts_fields_less_sasl_and_tls(
    doks: dict[str, Manifest], name: str
) -> None:
    chart, local = doks[name], local_component(name)

    assert chart["spec"]["type"] == local["spec"]["type"] == "pubsub.kafka"
    assert chart["spec"]["version"] == local["spec"]["version"]
    assert chart["scopes"] == local["scopes"]
    assert set(metadata(chart)) - SASL_TLS_ONLY == set(metadata(local))
    assert set(metadata(chart)) >= SASL_TLS_ONLY  # DOKS: SASL over TLS with the cluster's CA


@pytest.mark.parametrize("name", KAFKA_COMPONENTS)
def test_every_kafka_field_is_one_dapr_knows(
    doks: dict[str, Manifest], dapr_kafka_fields: set[str], name: str
) -> None:
    for component in (doks[name], local_component(name)):
        assert set(metadata(component)) <= dapr_kafka_fields, component["metadata"]["name"]


def test_locally_sasl_and_tls_are_off_and_in_production_on(doks: dict[str, Manifest]) -> None:
    for name in KAFKA_COMPONENTS:
        local, chart = metadata(local_component(name)), metadata(doks[name])
        assert (local["authType"]["value"], local["disableTls"]["value"]) == ("none", "true")
        assert (chart["authType"]["value"], chart["disableTls"]["value"]) == ("password", "false")
        assert "secretKeyRef" in chart["saslPassword"] and "secretKeyRef" in chart["caCert"]


def test_each_websocket_replica_has_its_own_group_and_services_share_theirs(
    doks: dict[str, Manifest],
) -> None:
    for component in (doks["websocket-pubsub"], local_component("websocket-pubsub")):
        fields = metadata(component)
        assert fields["consumerGroup"]["value"] == "{podName}"
        assert fields["initialOffset"]["value"] == "newest"
    for component in (doks["pubsub"], local_component("pubsub")):
        assert "consumerGroup" not in metadata(component)  # the app id: one group per service


def test_local_kafka_components_replace_the_redis_ones_by_name() -> None:
    redis_dir = REPO_ROOT / "dapr" / "components"
    for name in KAFKA_COMPONENTS:
        redis_component = yaml.safe_load((redis_dir / f"{name}.yaml").read_text())
        local = local_component(name)
        assert local["metadata"]["name"] == redis_component["metadata"]["name"] == name
        assert local["scopes"] == redis_component["scopes"]
        assert local["auth"] == redis_component["auth"]
