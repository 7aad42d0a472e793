"""Shared constants and helpers of the Helm chart tests (imported by conftest and tests).

tests/chart/conftest.py puts this folder on sys.path, so `from chart_support import ...`
works whatever pytest import mode the project uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "helm" / "todo-chatbot"
DAPR_SCHEMA_DIR = REPO_ROOT / "helm" / "schemas" / "dapr"
RELEASE = "todo-chatbot"
NAMESPACE = "todo-chatbot"
# The chart's kubeVersion floor and a current DOKS version.
KUBE_VERSIONS = ("1.30", "1.35")
# Service key (values block, Dapr app id, container name) → Deployment name (runbook).
DEPLOYMENTS = {
    "backend": "todo-chatbot-backend",
    "websocket": "todo-chatbot-websocket",
    "reminders": "todo-chatbot-recurring-task",
    "notification": "todo-chatbot-notification",
}
PORTS = {"backend": 8000, "websocket": 8001, "reminders": 8002, "notification": 8003}

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]

# Values files `make test` exercises: defaults (None), the DOKS file, every ci/ file.
VALUES_FILES: list[str | None] = [
    None,
    "values-doks.yaml",
    *sorted(f"ci/{path.name}" for path in (CHART_DIR / "ci").glob("*.yaml")),
]


class HelmError(Exception):
    """helm exited non-zero; the message carries its stderr."""


def _version_key(path: Path) -> tuple[int, ...]:
    match = re.search(r"helm-v?(\d+)\.(\d+)\.(\d+)", str(path))
    return tuple(int(part) for part in match.groups()) if match else (0,)


def find_helm() -> Path:
    """HELM_BIN, else the newest `.tools/helm-<version>/helm` of this checkout."""
    configured = os.environ.get("HELM_BIN")
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"HELM_BIN={configured} is not an executable file", pytrace=False)
        return path
    candidates = sorted(REPO_ROOT.glob(".tools/helm-*/helm"), key=_version_key)
    if not candidates:
        pytest.fail(
            "helm binary not found: run `tools/helm/install.sh` (builds "
            ".tools/helm-<version>/helm from the Go module proxy) or set HELM_BIN",
            pytrace=False,
        )
    return candidates[-1]


# values-doks.yaml deploys by digest only (image.requireDigest); a deploy passes the pushed
# images' digests, as docs/deploy-doks.md does, and so do the tests.
EXAMPLE_DIGESTS = tuple(
    f"{key}.image.digest=sha256:{str(index) * 64}" for index, key in enumerate(DEPLOYMENTS, 1)
)


def values_args(values_file: str | None, set_values: tuple[str, ...]) -> list[str]:
    args: list[str] = []
    if values_file:
        args += ["--values", str(CHART_DIR / values_file)]
    if values_file == "values-doks.yaml":
        for item in EXAMPLE_DIGESTS:
            args += ["--set", item]
    for item in set_values:
        args += ["--set", item]
    return args


def by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    """Manifests of one kind, keyed by metadata.name."""
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def pod_specs(manifests: list[Manifest]) -> dict[str, dict[str, Any]]:
    """Every pod spec the chart renders (Deployments, Jobs, test Pods) by "Kind/name"."""
    specs: dict[str, dict[str, Any]] = {}
    for manifest in manifests:
        key = f"{manifest['kind']}/{manifest['metadata']['name']}"
        if manifest["kind"] in ("Deployment", "Job"):
            specs[key] = manifest["spec"]["template"]["spec"]
        elif manifest["kind"] == "Pod":
            specs[key] = manifest["spec"]
    return specs
