"""helm lint --strict and offline schema validation of everything the chart renders.

Kubernetes objects are checked against the kubernetes-validate package's strict schemas
(unknown fields rejected) for the chart's oldest and a current Kubernetes version; Dapr
objects against the CRD schemas extracted from the pinned Dapr module.
"""

from __future__ import annotations

import copy
import re
import subprocess
from collections.abc import Callable
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from chart_support import (
    CHART_DIR,
    DAPR_SCHEMA_DIR,
    KUBE_VERSIONS,
    REPO_ROOT,
    VALUES_FILES,
    Manifest,
    Render,
    values_args,
)

HelmRunner = Callable[..., subprocess.CompletedProcess[str]]
DaprSchemas = dict[tuple[str, str], dict[str, Any]]


def validate_manifest(manifest: Manifest, kube_version: str, dapr_schemas: DaprSchemas) -> None:
    key = (manifest["apiVersion"], manifest["kind"])
    if manifest["apiVersion"].startswith("dapr.io/"):
        if key not in dapr_schemas:
            pytest.fail(f"no Dapr schema for {key}: extend tools/helm/extract_dapr_schemas.py")
        jsonschema.Draft202012Validator(dapr_schemas[key]).validate(manifest)
        return
    # SchemaNotFoundError (an unknown kind) propagates: nothing renders unvalidated.
    kubernetes_validate.validate(manifest, kube_version, strict=True)


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_helm_lint_strict_passes(helm: HelmRunner, values_file: str | None) -> None:
    for kube_version in KUBE_VERSIONS:
        result = helm(
            "lint",
            "--strict",
            str(CHART_DIR),
            "--kube-version",
            f"{kube_version}.0",
            *values_args(values_file, ()),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 chart(s) linted, 0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("values_file", VALUES_FILES, ids=str)
def test_rendered_manifests_match_kubernetes_and_dapr_schemas(
    render: Render, dapr_schemas: DaprSchemas, values_file: str | None, kube_version: str
) -> None:
    manifests = render(values_file, kube_version=kube_version)
    assert manifests
    failures = []
    for manifest in manifests:
        try:
            validate_manifest(manifest, kube_version, dapr_schemas)
        except (jsonschema.ValidationError, kubernetes_validate.utils.SchemaNotFoundError) as error:
            name = f"{manifest['kind']}/{manifest['metadata']['name']}"
            failures.append(f"{name}: {getattr(error, 'message', error)}")
    assert not failures, "\n".join(failures)


def test_kubernetes_validation_rejects_a_misspelt_field(render: Render) -> None:
    deployment = next(m for m in render() if m["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(jsonschema.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(broken, KUBE_VERSIONS[-1], strict=True)


def test_dapr_validation_rejects_a_misspelt_field(
    render: Render, dapr_schemas: DaprSchemas
) -> None:
    component = next(m for m in render() if m["kind"] == "Component")
    broken = copy.deepcopy(component)
    broken["spec"]["metdata"] = broken["spec"].pop("metadata")
    with pytest.raises(jsonschema.ValidationError):
        validate_manifest(broken, KUBE_VERSIONS[-1], dapr_schemas)


def test_dapr_validation_rejects_a_missing_required_field(
    render: Render, dapr_schemas: DaprSchemas
) -> None:
    configuration = next(m for m in render() if m["kind"] == "Configuration")
    broken = copy.deepcopy(configuration)
    del broken["spec"]["mtls"]["sentryAddress"]
    with pytest.raises(jsonschema.ValidationError, match="sentryAddress"):
        validate_manifest(broken, KUBE_VERSIONS[-1], dapr_schemas)


def test_dapr_schemas_come_from_the_pinned_dapr_runtime() -> None:
    """The committed CRD schemas and the daprd built for local runs are one version."""
    schema_source = (DAPR_SCHEMA_DIR / "VERSION").read_text().strip()
    assert schema_source.startswith("github.com/dapr/dapr@v")
    go_mod = REPO_ROOT / "tools" / "dapr" / "go.mod"
    if go_mod.exists():  # owned by the runtime tooling; compare when it is there
        pinned = re.search(r"github\.com/dapr/dapr (v\S+)", go_mod.read_text())
        assert pinned, "tools/dapr/go.mod does not require github.com/dapr/dapr"
        assert schema_source == f"github.com/dapr/dapr@{pinned.group(1)}", (
            "Dapr was bumped: run tools/helm/extract_dapr_schemas.py with the new version"
        )
    chart_version = (CHART_DIR / "Chart.yaml").read_text()
    assert f'todo-chatbot/dapr-version: "{schema_source.split("@v")[1]}"' in chart_version
