"""Assertions on the objects the chart renders: names, Dapr wiring, probes, security."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from chart_support import (
    CHART_DIR,
    DEPLOYMENTS,
    PORTS,
    VALUES_FILES,
    HelmError,
    Manifest,
    Render,
    by_kind,
    pod_specs,
    values_args,
)

APP_IDS = set(DEPLOYMENTS)
COMPONENT_SCOPES = {
    "pubsub": {"backend", "reminders", "notification"},
    "websocket-pubsub": {"websocket"},
    "statestore": {"backend", "websocket", "reminders", "notification"},
    "notification-webhook": {"notification"},
    "notification-smtp": {"notification"},
}
SELECTOR_KEYS = {
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
}


def pod_annotations(manifest: Manifest) -> dict[str, str]:
    return manifest["spec"]["template"]["metadata"]["annotations"]


def app_container(deployment: Manifest) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


@pytest.fixture(scope="module")
def manifests(render: Render) -> list[Manifest]:
    return render()


@pytest.fixture(scope="module")
def deployments(manifests: list[Manifest]) -> dict[str, Manifest]:
    return by_kind(manifests, "Deployment")


def test_deployment_names_match_the_runbook(deployments: dict[str, Manifest]) -> None:
    assert set(deployments) == set(DEPLOYMENTS.values())
    for key, name in DEPLOYMENTS.items():
        assert app_container(deployments[name])["name"] == key
        assert deployments[name]["metadata"]["namespace"] == "todo-chatbot"


def test_every_pod_template_carries_the_dapr_annotations(
    deployments: dict[str, Manifest], manifests: list[Manifest]
) -> None:
    (configuration,) = by_kind(manifests, "Configuration")
    for key, name in DEPLOYMENTS.items():
        pod = pod_annotations(deployments[name])
        assert pod["dapr.io/enabled"] == "true"
        assert pod["dapr.io/app-id"] == key
        assert pod["dapr.io/app-port"] == str(PORTS[key])
        assert pod["dapr.io/config"] == configuration
        assert pod["dapr.io/log-as-json"] == "true"
        assert pod["dapr.io/enable-metrics"] == "true"
        assert pod["dapr.io/metrics-port"] == "9090"
        assert pod["dapr.io/app-token-secret"] == "todo-chatbot-dapr-app-token"
        assert pod["dapr.io/api-token-secret"] == "todo-chatbot-dapr-api-token"
        for resource in ("cpu", "memory"):
            assert pod[f"dapr.io/sidecar-{resource}-request"]
            assert pod[f"dapr.io/sidecar-{resource}-limit"]
        assert all(isinstance(value, str) for value in pod.values())


def test_app_token_env_comes_from_the_secret_daprd_uses(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        env = env_of(app_container(deployment))
        pod = pod_annotations(deployment)
        app_token = env["APP_API_TOKEN"]["valueFrom"]["secretKeyRef"]
        assert app_token == {"name": pod["dapr.io/app-token-secret"], "key": "token"}
        api_token = env["DAPR_API_TOKEN"]["valueFrom"]["secretKeyRef"]
        assert api_token == {"name": pod["dapr.io/api-token-secret"], "key": "token"}


def test_probes_use_the_health_endpoints(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        container = app_container(deployment)
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert container[probe]["httpGet"]["port"] == "http"
        assert container["resources"]["requests"]
        assert container["resources"]["limits"]


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_every_pod_is_hardened(render: Render, values_file: str | None) -> None:
    specs = pod_specs(render(values_file))
    assert specs
    for name, spec in specs.items():
        pod_context = spec["securityContext"]
        assert pod_context["runAsNonRoot"] is True, name
        assert pod_context["seccompProfile"]["type"] == "RuntimeDefault", name
        if not name.startswith("Deployment/"):  # service pods: see the daprd-only token test
            assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "limits" in container["resources"], name


def test_writable_tmp_is_an_empty_dir(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        spec = deployment["spec"]["template"]["spec"]
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"]
        mounts = {m["mountPath"]: m["name"] for m in app_container(deployment)["volumeMounts"]}
        assert mounts == {"/tmp": "tmp"}


def test_only_daprd_gets_a_kubernetes_api_token(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        spec = deployment["spec"]["template"]["spec"]
        assert spec["automountServiceAccountToken"] is False
        volume, _, path = pod_annotations(deployment)["dapr.io/volume-mounts"].partition(":")
        assert path == "/var/run/secrets/kubernetes.io/serviceaccount"
        assert volume in {v["name"] for v in spec["volumes"]}
        assert volume not in {m["name"] for m in app_container(deployment)["volumeMounts"]}


def test_rolling_updates_never_reduce_capacity(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        rolling = deployment["spec"]["strategy"]["rollingUpdate"]
        assert rolling["maxUnavailable"] == 0
        assert rolling["maxSurge"] >= 1


def test_selectors_are_immutable_labels_matched_by_pods_and_services(
    manifests: list[Manifest], deployments: dict[str, Manifest]
) -> None:
    services = by_kind(manifests, "Service")
    for name, deployment in deployments.items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert set(selector) == SELECTOR_KEYS
        template_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= template_labels.items()
        assert services[name]["spec"]["selector"] == selector


def test_selectors_do_not_change_between_chart_versions(render: Render) -> None:
    selectors = {
        name: d["spec"]["selector"]
        for name, d in by_kind(render(None, "image.tag=2.0.0"), "Deployment").items()
    }
    again = {
        name: d["spec"]["selector"]
        for name, d in by_kind(render(None, "image.tag=2.0.1"), "Deployment").items()
    }
    assert selectors == again


def test_services_expose_the_app_ports(manifests: list[Manifest]) -> None:
    services = by_kind(manifests, "Service")
    for key, name in DEPLOYMENTS.items():
        (port,) = services[name]["spec"]["ports"]
        assert port["port"] == PORTS[key]
        assert port["targetPort"] == "http"


def test_each_service_has_its_own_service_account(
    manifests: list[Manifest], deployments: dict[str, Manifest]
) -> None:
    accounts = by_kind(manifests, "ServiceAccount")
    for name, deployment in deployments.items():
        assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == name
        assert name in accounts


def test_components_are_named_and_scoped_as_the_contract_says(manifests: list[Manifest]) -> None:
    components = by_kind(manifests, "Component")
    assert set(components) == set(COMPONENT_SCOPES)
    for name, component in components.items():
        assert set(component["scopes"]) == COMPONENT_SCOPES[name], name
        assert set(component["scopes"]) <= APP_IDS


@pytest.mark.parametrize(
    ("pubsub_type", "metadata_name", "component_type", "group"),
    [
        # Redis: the app finds its group by this name (websocket/todo_websocket/stream_group.py).
        ("redis", "consumerID", "pubsub.redis", "ws-replica-{podName}"),
        ("kafka", "consumerGroup", "pubsub.kafka", "{podName}"),
    ],
)
def test_websocket_replicas_each_consume_every_event(
    render: Render, pubsub_type: str, metadata_name: str, component_type: str, group: str
) -> None:
    manifests = render(
        None,
        f"pubsub.type={pubsub_type}",
        "pubsub.kafka.brokers=kafka:9092",
        "pubsub.kafka.saslUsername=todo",
    )
    components = by_kind(manifests, "Component")
    for name in ("pubsub", "websocket-pubsub"):
        assert components[name]["spec"]["type"] == component_type
    metadata = {m["name"]: m for m in components["websocket-pubsub"]["spec"]["metadata"]}
    assert metadata[metadata_name]["value"] == group
    shared = {m["name"] for m in components["pubsub"]["spec"]["metadata"]}
    assert not shared & {"consumerID", "consumerGroup"}  # per service: the app id
    config = by_kind(manifests, "ConfigMap")[DEPLOYMENTS["websocket"]]["data"]
    assert config["WEBSOCKET_REDIS_STREAM_GROUP"] == str(pubsub_type == "redis").lower()


def test_component_secrets_are_secret_key_refs(render: Render) -> None:
    for values_file in VALUES_FILES:
        for component in by_kind(render(values_file), "Component").values():
            for item in component["spec"]["metadata"]:
                if any(word in item["name"].lower() for word in ("password", "cacert")):
                    assert "secretKeyRef" in item, item
                    assert "value" not in item, item


def test_configuration_and_resiliency(manifests: list[Manifest]) -> None:
    (configuration,) = by_kind(manifests, "Configuration").values()
    spec = configuration["spec"]
    assert spec["metric"]["enabled"] is True
    assert spec["mtls"]["enabled"] is True
    assert float(spec["tracing"]["samplingRate"]) > 0
    (resiliency,) = by_kind(manifests, "Resiliency").values()
    policies = resiliency["spec"]["policies"]
    targets = resiliency["spec"]["targets"]
    assert set(targets["apps"]) == APP_IDS
    assert set(targets["components"]) <= set(COMPONENT_SCOPES)
    for target in [
        *targets["apps"].values(),
        *(direction for c in targets["components"].values() for direction in c.values()),
    ]:
        assert target.get("timeout", "app") in policies["timeouts"]
        assert target.get("retry", "standard") in policies["retries"]
        assert target.get("circuitBreaker", "standard") in policies["circuitBreakers"]
    assert set(resiliency["scopes"]) == APP_IDS


def test_migration_hook_job_runs_without_a_sidecar(manifests: list[Manifest]) -> None:
    (job,) = by_kind(manifests, "Job").values()
    hook = job["metadata"]["annotations"]
    assert hook["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["metadata"]["annotations"]["dapr.io/enabled"] == "false"
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "todo_backend.migrate"]
    assert "DATABASE_URL" in env_of(container)
    account = by_kind(manifests, "ServiceAccount")[
        job["spec"]["template"]["spec"]["serviceAccountName"]
    ]
    assert account["metadata"]["annotations"]["helm.sh/hook"] == hook["helm.sh/hook"]
    assert int(account["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        hook["helm.sh/hook-weight"]
    )


def test_serving_replicas_never_migrate(manifests: list[Manifest]) -> None:
    config = by_kind(manifests, "ConfigMap")[DEPLOYMENTS["backend"]]["data"]
    assert config["BACKEND_MIGRATE_ON_STARTUP"] == "false"


def test_disruption_budgets_and_autoscalers(
    manifests: list[Manifest], deployments: dict[str, Manifest]
) -> None:
    assert set(by_kind(manifests, "PodDisruptionBudget")) == set(DEPLOYMENTS.values())
    hpas = by_kind(manifests, "HorizontalPodAutoscaler")
    assert set(hpas) == {DEPLOYMENTS["backend"], DEPLOYMENTS["websocket"]}
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert "replicas" not in deployments[name]["spec"]  # the HPA owns the count
    for name in (DEPLOYMENTS["reminders"], DEPLOYMENTS["notification"]):
        assert deployments[name]["spec"]["replicas"] >= 1


def test_websocket_connections_metric_is_optional(render: Render) -> None:
    hpa = by_kind(render("ci/production-kafka-values.yaml"), "HorizontalPodAutoscaler")[
        DEPLOYMENTS["websocket"]
    ]
    pods_metrics = [m["pods"] for m in hpa["spec"]["metrics"] if m["type"] == "Pods"]
    assert pods_metrics[0]["metric"]["name"] == "websocket_active_connections"


def test_topology_spread_selects_the_service_pods(deployments: dict[str, Manifest]) -> None:
    for deployment in deployments.values():
        (constraint,) = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert (
            constraint["labelSelector"]["matchLabels"]
            == deployment["spec"]["selector"]["matchLabels"]
        )


def test_network_policies_admit_sidecars_and_allow_control_plane_and_dns(
    manifests: list[Manifest],
) -> None:
    policies = {
        name: policy
        for name, policy in by_kind(manifests, "NetworkPolicy").items()
        if name in DEPLOYMENTS.values()
    }
    assert len(policies) == len(DEPLOYMENTS)
    for name, policy in policies.items():
        spec = policy["spec"]
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        ingress_ports = {p["port"] for rule in spec["ingress"] for p in rule.get("ports", [])}
        assert 50002 in ingress_ports, name
        egress_ports = {p["port"] for rule in spec["egress"] for p in rule.get("ports", [])}
        assert 53 in egress_ports, name
        namespaces = [
            peer["namespaceSelector"]["matchLabels"]
            for rule in spec["egress"]
            for peer in rule["to"]
            if "namespaceSelector" in peer and "podSelector" not in peer
        ]
        assert {"kubernetes.io/metadata.name": "dapr-system"} in namespaces, name


def test_ingress_routes_api_and_websocket_with_tls(render: Render) -> None:
    manifests = render("values-doks.yaml")
    ingresses = by_kind(manifests, "Ingress")
    backend = ingresses[DEPLOYMENTS["backend"]]
    websocket = ingresses[DEPLOYMENTS["websocket"]]
    assert backend["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/api"
    assert websocket["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/ws"
    for ingress in (backend, websocket):
        assert ingress["spec"]["tls"][0]["secretName"] == "todo-chatbot-tls"
    long_timeout = websocket["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/proxy-read-timeout"
    ]
    assert int(long_timeout) >= 3600
    # One Certificate owner for the shared TLS Secret.
    assert "cert-manager.io/cluster-issuer" in backend["metadata"]["annotations"]
    assert "cert-manager.io/cluster-issuer" not in websocket["metadata"]["annotations"]
    policies = by_kind(manifests, "NetworkPolicy")
    for name in (DEPLOYMENTS["backend"], DEPLOYMENTS["websocket"]):
        peers = [peer for rule in policies[name]["spec"]["ingress"] for peer in rule["from"]]
        assert any("namespaceSelector" in peer for peer in peers), name


def test_config_changes_roll_only_the_changed_service(render: Render) -> None:
    before = by_kind(render(), "Deployment")
    after = by_kind(render(None, "websocket.maxConnections=5"), "Deployment")
    changed = {
        name
        for name in before
        if pod_annotations(before[name])["checksum/config"]
        != pod_annotations(after[name])["checksum/config"]
    }
    assert changed == {DEPLOYMENTS["websocket"]}


def test_dapr_component_changes_roll_the_sidecars(render: Render) -> None:
    before = by_kind(render(), "Deployment")
    after = by_kind(render(None, "redis.host=redis.other:6379"), "Deployment")
    for name in before:
        assert (
            pod_annotations(before[name])["checksum/dapr"]
            != pod_annotations(after[name])["checksum/dapr"]
        )


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_chart_never_creates_secrets_and_references_only_existing_ones(
    render: Render, values_file: str | None
) -> None:
    manifests = render(values_file)
    assert not by_kind(manifests, "Secret")
    allowed = {"todo-chatbot-secrets", "todo-chatbot-dapr-app-token", "todo-chatbot-dapr-api-token"}
    for name, spec in pod_specs(manifests).items():
        for container in spec["containers"]:
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] in allowed, (name, item)


def test_websocket_replicas_know_their_pod_name(deployments: dict[str, Manifest]) -> None:
    env = env_of(app_container(deployments[DEPLOYMENTS["websocket"]]))
    assert env["WEBSOCKET_REPLICA_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


def test_service_config_sets_environment_and_ports(manifests: list[Manifest]) -> None:
    configs = by_kind(manifests, "ConfigMap")
    for key, name in DEPLOYMENTS.items():
        data = configs[name]["data"]
        assert data["ENVIRONMENT"] == "production"
        assert data[f"{key.upper()}_PORT"] == str(PORTS[key])
    assert "WEBSOCKET_MAX_CONNECTIONS" in configs[DEPLOYMENTS["websocket"]]["data"]
    backend_env = env_of(
        by_kind(manifests, "Deployment")[DEPLOYMENTS["backend"]]["spec"]["template"]["spec"][
            "containers"
        ][0]
    )
    assert {"DATABASE_URL", "REDIS_URL", "JWT_SECRET"} <= set(backend_env)
    for key in ("websocket", "reminders", "notification"):
        other = env_of(app_container(by_kind(manifests, "Deployment")[DEPLOYMENTS[key]]))
        assert "DATABASE_URL" not in other
        # Only websocket besides the backend: it manages its Redis Streams consumer group.
        assert ("REDIS_URL" in other) == (key == "websocket")


def test_helm_tests_check_each_service_health_through_its_service(
    manifests: list[Manifest],
) -> None:
    pods = by_kind(manifests, "Pod")
    assert len(pods) == len(DEPLOYMENTS)
    for key, name in DEPLOYMENTS.items():
        pod = pods[f"{name}-test-health"]
        assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
        assert pod["metadata"]["annotations"]["dapr.io/enabled"] == "false"
        script = pod["spec"]["containers"][0]["command"][-1]
        assert f"http://{name}.todo-chatbot.svc:{PORTS[key]}/health" in script


def test_fullname_override_renames_everything(render: Render) -> None:
    manifests = render("ci/kafka-no-auth-values.yaml")
    names = set(by_kind(manifests, "Deployment"))
    assert names == {name.replace("todo-chatbot", "todo-staging") for name in DEPLOYMENTS.values()}
    for deployment in by_kind(manifests, "Deployment").values():
        assert pod_annotations(deployment)["dapr.io/config"] == "todo-staging"


def test_notes_tell_how_to_reach_the_app_and_the_dapr_dashboard(
    helm: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    """`helm template` skips NOTES.txt, so render a copy where it is an ordinary template."""
    chart = tmp_path / "chart"
    shutil.copytree(CHART_DIR, chart)
    notes = (chart / "templates" / "NOTES.txt").read_text()
    (chart / "templates" / "NOTES.txt").unlink()
    (chart / "templates" / "notes.yaml").write_text(
        '{{- define "notes.text" -}}\n' + notes + "\n{{- end }}\n"
        'notes: {{ include "notes.text" . | toJson }}\n'
    )
    outputs = {}
    for values_file in ("values-doks.yaml", "ci/development-redis-values.yaml"):
        result = helm(
            "template", "todo-chatbot", str(chart), "-n", "todo-chatbot",
            *values_args(values_file, ()), "--show-only", "templates/notes.yaml",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs[values_file] = yaml.safe_load(result.stdout)["notes"]
    assert "https://todo.example.com/api/tasks" in outputs["values-doks.yaml"]
    assert "svc/todo-chatbot-backend 8000:8000" in outputs["ci/development-redis-values.yaml"]
    for text in outputs.values():
        assert "kubectl port-forward svc/dapr-dashboard -n dapr-system 8080:8080" in text
        assert "helm test todo-chatbot -n todo-chatbot" in text


def test_notification_channels_match_the_bindings(render: Render) -> None:
    config = by_kind(render("values-doks.yaml"), "ConfigMap")[DEPLOYMENTS["notification"]]
    assert config["data"]["NOTIFICATION_CHANNELS"] == "inapp,webhook,email"
    with pytest.raises(HelmError, match="channels"):
        render(None, "notification.channels={sms}")
