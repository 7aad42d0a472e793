"""`helm install`, `helm upgrade` and `helm rollback` against a real kube-apiserver + etcd.

The API server and etcd are the pinned releases that `tools/kube/build.sh` builds from their Go
modules into `.tools/kube-<version>/`; the tests fail (never skip) without them. They run on
loopback ports in a temporary folder: TLS with a throwaway CA (openssl), a static bearer token
(`--token-auth-file`) and `--authorization-mode=AlwaysAllow`. Both are stopped at the end,
whatever happens.

Only the API server and etcd run: no controller manager, scheduler or kubelet, so no Pod ever
starts. Hence:
- helm runs without `--wait` (nothing would ever become ready), and
- helm runs with `--no-hooks`: the chart's `pre-install,pre-upgrade` migration Job would never
  complete. The release's own objects are exactly production's (with `migrations.enabled` the
  chart also tells the serving replicas not to migrate); only the hook Job is not created.

The release is `todo-chatbot` in namespace `todo-chatbot` with `values-doks.yaml`, the
production shape; it only references Secrets by name, and without a kubelet nothing reads
them, so none is created. The Dapr CRDs the chart's objects need are installed first from
`helm/crds-for-tests/` (copies of the pinned Dapr module's CRDs).

What the real server adds over the offline tests: it validates every object (built-in
schemas, the Dapr CRDs' structural schemas, and reports unknown fields back to helm as
warnings), applies defaults, and helm's three-way merges run against live objects.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from chart_support import CHART_DIR, DEPLOYMENTS, NAMESPACE, RELEASE, REPO_ROOT

from devstack.ports import free_port
from devstack.processes import ManagedProcess

HelmRunner = Callable[..., subprocess.CompletedProcess[str]]
Resource = dict[str, Any]

KUBE_TOOLS = REPO_ROOT / "tools" / "kube"
CRD_DIR = REPO_ROOT / "helm" / "crds-for-tests"
VALUES_FILE = CHART_DIR / "values-doks.yaml"
TOKEN = "lifecycle-test-token"  # throwaway token of a loopback test server
START_TIMEOUT = 90.0

# Metadata that the API server writes on every change, whatever the manifest says.
SERVER_MANAGED_METADATA = (
    "creationTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "uid",
)


def _required_version(go_mod: Path, module: str) -> str:
    """The version a wrapper go.mod requires of `module` (as tools/kube/build.sh reads it)."""
    for line in go_mod.read_text().splitlines():
        words = line.split()
        if words[:1] == [module]:
            return words[1]
        if words[:2] == ["require", module]:
            return words[2]
    raise AssertionError(f"{go_mod} does not require {module}")


def kube_binaries() -> tuple[Path, Path]:
    """(kube-apiserver, etcd) of the pinned versions; fails the test when they are missing."""
    version = _required_version(KUBE_TOOLS / "apiserver" / "go.mod", "k8s.io/kubernetes")
    folder = REPO_ROOT / ".tools" / f"kube-{version}"
    binaries = (folder / "kube-apiserver", folder / "etcd")
    missing = [path for path in binaries if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"{', '.join(str(p.relative_to(REPO_ROOT)) for p in missing)} not found: "
            "run tools/kube/build.sh (builds kube-apiserver and etcd from the Go module "
            "proxy, ~10 min cold)",
            pytrace=False,
        )
    return binaries


def _openssl(arguments: str, cwd: Path) -> None:
    result = subprocess.run(
        ["openssl", *arguments.split()],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"openssl {arguments} failed:\n{result.stderr}", pytrace=False)


def make_certificates(folder: Path) -> None:
    """ca.crt, server.crt/key for 127.0.0.1, and sa.key (service-account token signing)."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl not found (needed for the test API server's certificates)")
    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    _openssl(f"req -x509 {ec} -keyout ca.key -out ca.crt -days 1 -subj /CN=test-ca", folder)
    _openssl(f"req {ec} -keyout server.key -out server.csr -subj /CN=kube-apiserver", folder)
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt"
        " -days 1 -extfile server.ext",
        folder,
    )
    _openssl("genrsa -out sa.key 2048", folder)


@dataclass(frozen=True)
class KubeAPI:
    """A running API server: an authenticated client and a kubeconfig for helm."""

    client: httpx.Client
    kubeconfig: Path

    def get(self, path: str) -> Resource:
        response = self.client.get(path)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        result: Resource = response.json()
        return result

    def items(self, path: str) -> dict[str, Resource]:
        """A list endpoint's items by metadata.name."""
        return {item["metadata"]["name"]: item for item in self.get(path)["items"]}


def _wait_until(
    ready: Callable[[], bool], process: ManagedProcess, what: str, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.is_running():
            pytest.fail(
                f"{process.name} exited ({process.returncode()}) before {what}:\n{process.tail()}",
                pytrace=False,
            )
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{process.name}: no {what} within {timeout:.0f}s:\n{process.tail()}")


def _install_crds(api: KubeAPI) -> None:
    """Create the Dapr CRDs and wait until the server serves them (Established)."""
    path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    names = []
    for crd_file in sorted(CRD_DIR.glob("*.yaml")):
        crd = yaml.safe_load(crd_file.read_text())
        response = api.client.post(path, json=crd)
        assert response.status_code == 201, f"{crd_file.name}: {response.text}"
        names.append(crd["metadata"]["name"])
    assert names, f"no CRDs in {CRD_DIR}"
    deadline = time.monotonic() + 30
    for name in names:
        while True:
            status = api.get(f"{path}/{name}").get("status") or {}
            conditions = status.get("conditions") or []  # null right after creation
            if any(c["type"] == "Established" and c["status"] == "True" for c in conditions):
                break
            assert time.monotonic() < deadline, f"CRD {name} not Established: {conditions}"
            time.sleep(0.2)


@pytest.fixture(scope="session")
def kube_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeAPI]:
    """etcd + kube-apiserver on free loopback ports, ready, with the Dapr CRDs installed."""
    apiserver_bin, etcd_bin = kube_binaries()
    folder = tmp_path_factory.mktemp("kube")
    make_certificates(folder)
    (folder / "tokens.csv").write_text(f'{TOKEN},lifecycle-test,lifecycle-test,"system:masters"\n')
    etcd_port, etcd_peer_port, api_port = free_port(), free_port(), free_port()
    etcd = ManagedProcess(
        "etcd",
        [
            str(etcd_bin),
            "--name=lifecycle-test",
            f"--data-dir={folder / 'etcd'}",
            f"--listen-client-urls=http://127.0.0.1:{etcd_port}",
            f"--advertise-client-urls=http://127.0.0.1:{etcd_port}",
            f"--listen-peer-urls=http://127.0.0.1:{etcd_peer_port}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{etcd_peer_port}",
            f"--initial-cluster=lifecycle-test=http://127.0.0.1:{etcd_peer_port}",
            "--unsafe-no-fsync",  # a throwaway store: durability buys nothing here
        ],
        log_file=folder / "etcd.log",
    )
    apiserver = ManagedProcess(
        "kube-apiserver",
        [
            str(apiserver_bin),
            f"--etcd-servers=http://127.0.0.1:{etcd_port}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={api_port}",
            f"--cert-dir={folder / 'certs'}",
            f"--tls-cert-file={folder / 'server.crt'}",
            f"--tls-private-key-file={folder / 'server.key'}",
            f"--token-auth-file={folder / 'tokens.csv'}",
            "--authorization-mode=AlwaysAllow",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={folder / 'sa.key'}",
            f"--service-account-signing-key-file={folder / 'sa.key'}",
            "--service-cluster-ip-range=10.96.0.0/24",
            # The `kubernetes` Service's endpoints would be 127.0.0.1, which Endpoints reject.
            "--endpoint-reconciler-type=none",
            "--profiling=false",
        ],
        log_file=folder / "kube-apiserver.log",
    )
    kubeconfig = folder / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "lifecycle-test",
                        "cluster": {
                            "server": f"https://127.0.0.1:{api_port}",
                            "certificate-authority": str(folder / "ca.crt"),
                        },
                    }
                ],
                "users": [{"name": "lifecycle-test", "user": {"token": TOKEN}}],
                "contexts": [
                    {
                        "name": "lifecycle-test",
                        "context": {"cluster": "lifecycle-test", "user": "lifecycle-test"},
                    }
                ],
                "current-context": "lifecycle-test",
            }
        )
    )
    with ExitStack() as stack:
        stack.callback(etcd.stop)
        etcd.start()
        with httpx.Client(timeout=2) as probe:
            _wait_until(
                lambda: (
                    probe.get(f"http://127.0.0.1:{etcd_port}/health").json().get("health") == "true"
                ),
                etcd,
                "healthy /health",
                START_TIMEOUT,
            )
        stack.callback(apiserver.stop)
        apiserver.start()
        client = stack.enter_context(
            httpx.Client(
                base_url=f"https://127.0.0.1:{api_port}",
                verify=ssl.create_default_context(cafile=folder / "ca.crt"),
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=10,
            )
        )
        _wait_until(
            lambda: client.get("/readyz").status_code == 200,
            apiserver,
            "200 from /readyz",
            START_TIMEOUT,
        )
        api = KubeAPI(client=client, kubeconfig=kubeconfig)
        _install_crds(api)
        yield api


def without_server_fields(resource: Resource) -> Resource:
    """`resource` less status and the metadata the server writes on every change."""
    result = copy.deepcopy(resource)
    result.pop("status", None)
    for key in SERVER_MANAGED_METADATA:
        result["metadata"].pop(key, None)
    return result


def helm_ok(helm: HelmRunner, api: KubeAPI, *args: str) -> str:
    """stdout of `helm ARGS` against `api` in the release namespace; fails the test when helm
    fails or the server warned about an unknown field (strict field validation as warnings)."""
    result = helm(*args, "--namespace", NAMESPACE, "--kubeconfig", str(api.kubeconfig))
    assert result.returncode == 0, f"helm {' '.join(args[:2])} failed:\n{result.stderr}"
    assert "unknown field" not in result.stderr, f"helm {' '.join(args[:2])}:\n{result.stderr}"
    return result.stdout


def test_crds_for_tests_match_the_chart_dapr_version() -> None:
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    dapr_version = chart["annotations"]["todo-chatbot/dapr-version"]
    assert (CRD_DIR / "VERSION").read_text().strip() == f"github.com/dapr/dapr@v{dapr_version}", (
        "helm/crds-for-tests/ holds another Dapr version's CRDs: copy them again "
        "(helm/crds-for-tests/README.md)"
    )


def test_install_upgrade_rollback_restores_revision_1(kube_api: KubeAPI, helm: HelmRunner) -> None:
    deployments_path = f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments"
    configmaps_path = f"/api/v1/namespaces/{NAMESPACE}/configmaps"
    # Deployed by tag here (the test follows image.tag through install/upgrade/rollback);
    # production deploys by digest (image.requireDigest in values-doks.yaml).
    chart = (str(CHART_DIR), "--values", str(VALUES_FILE), "--set", "image.requireDigest=false")
    no_hooks = "--no-hooks"  # the migration hook Job would never complete: no kubelet

    def log_levels() -> set[str]:
        release_maps = [
            cm
            for cm in kube_api.items(configmaps_path).values()
            if cm["metadata"].get("labels", {}).get("app.kubernetes.io/instance") == RELEASE
        ]
        assert len(release_maps) == len(DEPLOYMENTS), sorted(
            cm["metadata"]["name"] for cm in release_maps
        )
        return {cm["data"]["LOG_LEVEL"] for cm in release_maps}

    # Revision 1.
    helm_ok(helm, kube_api, "install", RELEASE, *chart, no_hooks, "--create-namespace",
            "--set", "image.tag=0.1.0")  # fmt: skip
    first = kube_api.items(deployments_path)
    assert sorted(first) == sorted(DEPLOYMENTS.values())
    for name, deployment in first.items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["image"].endswith(":0.1.0"), (name, container["image"])
    assert log_levels() == {"INFO"}
    # --no-hooks: the migration Job was not created (it would wait for a kubelet forever).
    assert kube_api.items(f"/apis/batch/v1/namespaces/{NAMESPACE}/jobs") == {}

    # Revision 2: a new image tag and a config value (LOG_LEVEL, in each service's ConfigMap).
    helm_ok(helm, kube_api, "upgrade", RELEASE, *chart, no_hooks,
            "--set", "image.tag=0.1.1", "--set", "logLevel=DEBUG")  # fmt: skip
    second = kube_api.items(deployments_path)
    assert sorted(second) == sorted(first)
    for name, deployment in second.items():
        template = deployment["spec"]["template"]
        before = first[name]["spec"]["template"]
        for container in template["spec"]["containers"]:
            assert container["image"].endswith(":0.1.1"), (name, container["image"])
        # The pods must roll for the new config: its checksum is in the pod template.
        assert (
            template["metadata"]["annotations"]["checksum/config"]
            != before["metadata"]["annotations"]["checksum/config"]
        ), name
        assert deployment["metadata"]["generation"] > first[name]["metadata"]["generation"]
    assert log_levels() == {"DEBUG"}

    # Revision 3 = rollback to 1: the Deployments are revision 1's again.
    helm_ok(helm, kube_api, "rollback", RELEASE, "1", no_hooks)
    third = kube_api.items(deployments_path)
    assert sorted(third) == sorted(first)
    for name, deployment in third.items():
        assert deployment["metadata"]["generation"] > second[name]["metadata"]["generation"]
        restored, original = without_server_fields(deployment), without_server_fields(first[name])
        assert restored["spec"]["template"] == original["spec"]["template"], name
        assert restored == original, name
    assert log_levels() == {"INFO"}

    history = json.loads(helm_ok(helm, kube_api, "history", RELEASE, "--output", "json"))
    assert [(entry["revision"], entry["status"], entry["description"]) for entry in history] == [
        (1, "superseded", "Install complete"),
        (2, "superseded", "Upgrade complete"),
        (3, "deployed", "Rollback to 1"),
    ]
