"""The chart's least privilege (issue 16): no app reads the app Secret unless asked, no
Kubernetes-API egress to the world, every pod (Job and helm test pods included) under a
NetworkPolicy, the migration Job without tokens it never uses, production by digest."""

from __future__ import annotations

import pytest
from chart_support import DEPLOYMENTS, REPO_ROOT, HelmError, Manifest, Render, by_kind, pod_specs

SCOPED = ("dapr.secretStore.scopes={backend}", "networkPolicy.kubeApiServer.cidrs={10.245.0.1/32}")


def _selects(policy: Manifest, labels: dict[str, str]) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return all(labels.get(key) == value for key, value in wanted.items())


def _pod_labels(manifest: Manifest) -> dict[str, str]:
    if manifest["kind"] == "Pod":
        return dict(manifest["metadata"]["labels"])
    return dict(manifest["spec"]["template"]["metadata"]["labels"])


def _api_egress(policy: Manifest) -> list[dict[str, object]]:
    return [
        rule
        for rule in policy["spec"]["egress"]
        if {p["port"] for p in rule.get("ports", [])} & {6443}
    ]


def test_by_default_no_app_can_read_the_app_secret(render: Render) -> None:
    for values_file in (None, "values-doks.yaml"):
        manifests = render(values_file)
        assert not [m for m in manifests if m["kind"] in ("Role", "RoleBinding")]
        assert "kubernetes-secrets" not in by_kind(manifests, "Component")
        (configuration,) = by_kind(manifests, "Configuration").values()
        assert "secrets" not in configuration["spec"]
        for policy in by_kind(manifests, "NetworkPolicy").values():
            assert not _api_egress(policy), policy["metadata"]["name"]


def test_the_secret_store_is_granted_only_to_the_apps_named(render: Render) -> None:
    manifests = render(None, *SCOPED)
    (binding,) = by_kind(manifests, "RoleBinding").values()
    assert [s["name"] for s in binding["subjects"]] == ["todo-chatbot-backend"]
    (role,) = by_kind(manifests, "Role").values()
    assert role["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["secrets"],
            "resourceNames": ["todo-chatbot-secrets"],
            "verbs": ["get"],
        }
    ]
    assert by_kind(manifests, "Component")["kubernetes-secrets"]["scopes"] == ["backend"]
    policies = by_kind(manifests, "NetworkPolicy")
    (rule,) = _api_egress(policies["todo-chatbot-backend"])
    assert rule["to"] == [{"ipBlock": {"cidr": "10.245.0.1/32"}}]
    for name in set(DEPLOYMENTS.values()) - {"todo-chatbot-backend"}:
        assert not _api_egress(policies[name]), name


@pytest.mark.parametrize(
    ("set_values", "message"),
    [
        (("dapr.secretStore.scopes={backend}",), "networkPolicy.kubeApiServer.cidrs"),
        ((*SCOPED[:1], "networkPolicy.kubeApiServer.cidrs={0.0.0.0/0}"), "kubeApiServer"),
    ],
)
def test_the_api_egress_is_never_the_whole_internet(
    render: Render, set_values: tuple[str, ...], message: str
) -> None:
    with pytest.raises(HelmError) as error:
        render(None, *set_values)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "values_file", [None, "values-doks.yaml", "ci/production-kafka-values.yaml"]
)
def test_every_pod_has_a_network_policy(render: Render, values_file: str | None) -> None:
    manifests = render(values_file)
    policies = list(by_kind(manifests, "NetworkPolicy").values())
    workloads = [m for m in manifests if m["kind"] in ("Deployment", "Job", "Pod")]
    assert len(workloads) >= len(DEPLOYMENTS) + 1
    for workload in workloads:
        labels = _pod_labels(workload)
        assert any(_selects(p, labels) for p in policies), workload["metadata"]["name"]


def test_migration_job_policy_is_a_hook_before_the_job_and_allows_only_the_database(
    render: Render,
) -> None:
    manifests = render("values-doks.yaml")
    policy = by_kind(manifests, "NetworkPolicy")["todo-chatbot-migrations"]
    job = by_kind(manifests, "Job")["todo-chatbot-migrations"]
    hook = policy["metadata"]["annotations"]
    assert hook["helm.sh/hook"] == job["metadata"]["annotations"]["helm.sh/hook"]
    assert int(hook["helm.sh/hook-weight"]) < int(
        job["metadata"]["annotations"]["helm.sh/hook-weight"]
    )
    assert policy["spec"]["ingress"] == []
    ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert ports == {53, 5432, 25060}


def test_helm_test_pods_only_reach_the_app_ports(render: Render) -> None:
    manifests = render("values-doks.yaml")
    policy = by_kind(manifests, "NetworkPolicy")["todo-chatbot-helm-test"]
    assert policy["spec"]["ingress"] == []
    ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert ports == {53, 8000, 8001, 8002, 8003}


def test_migration_job_gets_only_the_database_url_and_jwt_secret(render: Render) -> None:
    for values_file in (None, "values-doks.yaml"):
        specs = pod_specs(render(values_file))
        (container,) = specs["Job/todo-chatbot-migrations"]["containers"]
        names = {item["name"] for item in container["env"]}
        assert names == {"ENVIRONMENT", "LOG_LEVEL", "JWT_SECRET", "DATABASE_URL"}


def test_production_values_deploy_by_digest_only(render: Render) -> None:
    with pytest.raises(HelmError) as error:
        render(None, "image.requireDigest=true")
    assert "backend.image.digest" in str(error.value)
    for deployment in by_kind(render("values-doks.yaml"), "Deployment").values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "@sha256:" in container["image"], container["image"]


def test_documented_dapr_install_drops_every_sidecar_capability() -> None:
    doc = (REPO_ROOT / "docs" / "deploy-doks.md").read_text()
    assert "--set dapr_sidecar_injector.sidecarDropALLCapabilities=true" in doc
