"""values.schema.json and validateValues reject bad values; every value is documented."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from chart_support import CHART_DIR, HelmError, Render

VALUES = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
SCHEMA = json.loads((CHART_DIR / "values.schema.json").read_text())


@pytest.mark.parametrize(
    ("set_values", "message"),
    [
        (("backend.replicaCount=-1",), "/backend/replicaCount"),
        (("websocket.replicaCount=two",), "/websocket/replicaCount"),
        (("environment=prod",), "/environment"),
        (("pubsub.type=rabbitmq",), "/pubsub/type"),
        (("backend.replicaCont=3",), "replicaCont"),
        (("backend.containerPort=3500",), "/backend/containerPort"),
        (("reminders.containerPort=80",), "/reminders/containerPort"),
        (("backend.resources.requests.memory=lots",), "/backend/resources/requests/memory"),
        (("podSecurityContext.runAsNonRoot=false",), "/podSecurityContext/runAsNonRoot"),
        (("containerSecurityContext.allowPrivilegeEscalation=true",), "allowPrivilegeEscalation"),
        (("websocket.autoscaling.targetCPUUtilizationPercentage=150",), "targetCPUUtilization"),
        (("dapr.resiliency.appTimeout=soon",), "/dapr/resiliency/appTimeout"),
        (("dapr.configuration.tracing.samplingRate=2",), "samplingRate"),
        (("image.pullPolicy=Sometimes",), "/image/pullPolicy"),
        (("networkPolicy.dataStores[0].cidr=everywhere",), "cidr"),
        (("secrets.existingSecret=Not_A_Name",), "/secrets/existingSecret"),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_schema_rejects_bad_values(
    render: Render, set_values: tuple[str, ...], message: str
) -> None:
    with pytest.raises(HelmError, match="schema") as error:
        render(None, *set_values)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("set_values", "message"),
    [
        (("secrets.existingSecret=",), "secrets.existingSecret: production needs"),
        (("dapr.appTokenSecret=",), "dapr.appTokenSecret: production needs"),
        (("dapr.apiTokenSecret=",), "dapr.apiTokenSecret: production needs"),
        (("image.tag=latest",), "`latest` is not allowed in production"),
        (("ingress.enabled=true", "ingress.tls.enabled=false"), "must terminate TLS"),
        (("ingress.enabled=true", "ingress.host="), "ingress.host: required"),
        (("pubsub.type=kafka",), "pubsub.kafka.brokers: required"),
        (("pubsub.type=kafka", "pubsub.kafka.brokers=k:9092"), "saslUsername: required"),
        (("backend.pdb.minAvailable=1",), "backend.pdb: set minAvailable or maxUnavailable"),
        (("notification.pdb.maxUnavailable=",), "notification.pdb: set one of"),
        (("backend.autoscaling.minReplicas=5", "backend.autoscaling.maxReplicas=2"), "minReplicas"),
        (
            (
                "websocket.autoscaling.enabled=false",
                "websocket.autoscaling.activeConnections.enabled=true",
            ),
            "activeConnections",
        ),
        (("bindings.smtp.skipTLSVerify=true",), "skipTLSVerify: not allowed in production"),
    ],
    ids=lambda value: ",".join(value) if isinstance(value, tuple) else None,
)
def test_validate_values_fails_with_a_clear_message(
    render: Render, set_values: tuple[str, ...], message: str
) -> None:
    with pytest.raises(HelmError, match="VALUES VALIDATION") as error:
        render(None, *set_values)
    assert message in str(error.value)


def test_validate_values_lists_every_problem_at_once(render: Render) -> None:
    with pytest.raises(HelmError) as error:
        render(None, "secrets.existingSecret=", "image.tag=latest")
    assert "secrets.existingSecret" in str(error.value)
    assert "`latest`" in str(error.value)


def test_development_may_run_without_existing_secrets(render: Render) -> None:
    manifests = render(
        None,
        "environment=development",
        "secrets.existingSecret=",
        "dapr.appTokenSecret=",
        "dapr.apiTokenSecret=",
    )
    assert not [m for m in manifests if m["kind"] in ("Secret", "Role", "RoleBinding")]


def test_schema_is_valid_and_accepts_the_chart_defaults() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(VALUES)
    for path in sorted([*CHART_DIR.glob("values-*.yaml"), *CHART_DIR.glob("ci/*.yaml")]):
        merged = deep_merge(VALUES, yaml.safe_load(path.read_text()))
        jsonschema.Draft7Validator(SCHEMA).validate(merged)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def leaf_paths(node: object, documented: set[str], prefix: str = "") -> list[str]:
    """Dotted paths of the values a user sets: scalars, lists, empty maps, and free-form
    maps (annotations, label selectors) documented as a whole."""
    if isinstance(node, dict) and node and prefix not in documented:
        paths = []
        for key, value in node.items():
            paths += leaf_paths(value, documented, f"{prefix}.{key}" if prefix else str(key))
        return paths
    return [prefix]


def test_every_value_is_documented_with_a_param_line() -> None:
    text = (CHART_DIR / "values.yaml").read_text()
    documented = set(re.findall(r"^\s*## @param (\S+) \S", text, flags=re.MULTILINE))
    leaves = leaf_paths(VALUES, documented)
    undocumented = [path for path in leaves if path not in documented]
    assert not undocumented, f"values without `## @param <path> <description>`: {undocumented}"
    stale = sorted(documented - set(leaves))
    assert not stale, f"@param lines for values that do not exist: {stale}"


def test_schema_covers_every_top_level_value() -> None:
    assert SCHEMA["additionalProperties"] is False
    assert set(VALUES) <= set(SCHEMA["properties"])
