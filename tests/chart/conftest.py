"""Fixtures for the Helm chart tests: a real helm binary, rendering, offline schemas.

Nothing here reaches the network: helm renders locally (its cache/config dirs point at a
temporary folder), Kubernetes schemas come from the kubernetes-validate package and the
Dapr CRD schemas from helm/schemas/dapr/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chart_support import (
    CHART_DIR,
    DAPR_SCHEMA_DIR,
    KUBE_VERSIONS,
    NAMESPACE,
    RELEASE,
    REPO_ROOT,
    HelmError,
    Manifest,
    Render,
    find_helm,
    values_args,
)

HelmRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def helm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment that keeps helm away from the user's config, cache and repositories."""
    home = tmp_path_factory.mktemp("helm-home")
    env = dict(os.environ)
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[name] = str(home / name.lower())
    env.pop("KUBECONFIG", None)
    return env


@pytest.fixture(scope="session")
def helm(helm_env: dict[str, str]) -> HelmRunner:
    """Runs the helm binary with the given arguments; never raises on exit status."""
    binary = find_helm()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(binary), *args],
            capture_output=True,
            text=True,
            env=helm_env,
            cwd=REPO_ROOT,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def render(helm: HelmRunner) -> Render:
    """`helm template` → parsed manifests (raises HelmError on failure). Cached."""

    @cache
    def _render(values_file: str | None, set_values: tuple[str, ...], kube_version: str) -> str:
        result = helm(
            "template",
            RELEASE,
            str(CHART_DIR),
            "--namespace",
            NAMESPACE,
            "--kube-version",
            f"{kube_version}.0",
            *values_args(values_file, set_values),
        )
        if result.returncode != 0:
            raise HelmError(result.stderr.strip())
        return result.stdout

    def render_manifests(
        values_file: str | None = None,
        *set_values: str,
        kube_version: str = KUBE_VERSIONS[-1],
    ) -> list[Manifest]:
        text = _render(values_file, tuple(set_values), kube_version)
        return [doc for doc in yaml.safe_load_all(text) if doc]

    return render_manifests


@pytest.fixture(scope="session")
def dapr_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) → JSON Schema extracted from the pinned Dapr CRDs."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in DAPR_SCHEMA_DIR.glob("*.json"):
        schema = json.loads(path.read_text())
        properties = schema["properties"]
        schemas[(properties["apiVersion"]["const"], properties["kind"]["const"])] = schema
    if not schemas:
        pytest.fail(
            f"no Dapr CRD schemas in {DAPR_SCHEMA_DIR}: run tools/helm/extract_dapr_schemas.py",
            pytrace=False,
        )
    return schemas
