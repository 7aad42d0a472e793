"""checkov and kubeconform over the rendered chart, offline; every finding is fixed or
waived in scanner-waivers.yaml with its reason (issue 16, the chart's least privilege).

kubeconform validates against the same Kubernetes schemas as test_chart_validation.py (the
kubernetes-validate package, made standalone here: kubeconform cannot follow their shared
`_definitions.json` reference) and the Dapr CRD schemas of helm/schemas/dapr/.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from chart_support import (
    DAPR_SCHEMA_DIR,
    KUBE_VERSIONS,
    REPO_ROOT,
    VALUES_FILES,
    Manifest,
    Render,
)

WAIVERS = yaml.safe_load((Path(__file__).parent / "scanner-waivers.yaml").read_text())
MONITORING_ON = (
    "monitoring.prometheusRule.enabled=true",
    "monitoring.serviceMonitor.enabled=true",
    "monitoring.dashboard.enabled=true",
)
K8S_SCHEMAS = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


def _tool(pattern: str, hint: str) -> Path:
    candidates = sorted(REPO_ROOT.glob(pattern))
    if not candidates:
        pytest.fail(f"{pattern} not found: run {hint} (make setup)", pytrace=False)
    return candidates[-1]


def _write(manifests: list[Manifest], path: Path) -> Path:
    path.write_text(yaml.safe_dump_all(manifests, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def renders(render: Render, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every values file the chart tests use, with every monitoring object on."""
    folder = tmp_path_factory.mktemp("renders")
    return {
        str(values_file): _write(
            render(values_file, *MONITORING_ON),
            folder / f"{str(values_file).replace('/', '_').removesuffix('.yaml')}.yaml",
        )
        for values_file in VALUES_FILES
    }


def _standalone_schemas(folder: Path, kube_version: str) -> None:
    """kubeconform's layout (`v<ver>-standalone-strict/<kind>-<group>-<version>.json`) with
    the shared definitions inlined."""
    source = K8S_SCHEMAS / f"v{kube_version}.0-local-strict"
    target = folder / f"v{kube_version}.0-standalone-strict"
    target.mkdir(parents=True, exist_ok=True)
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
    for path in source.glob("*.json"):
        if path.name.startswith("_") or path.name == "all.json":
            continue
        text = path.read_text().replace('"/api/_definitions.json#/$defs/', '"#/$defs/')
        schema = json.loads(text)
        schema["$defs"] = definitions
        (target / path.name).write_text(json.dumps(schema))


@pytest.fixture(scope="module")
def kube_schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kube-schemas")
    for version in KUBE_VERSIONS:
        _standalone_schemas(folder, version)
    return folder


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_kubeconform_accepts_every_rendered_object(
    renders: dict[str, Path], kube_schemas: Path, kube_version: str
) -> None:
    skipped = [item["kind"] for item in WAIVERS["kubeconform"]["skipped_kinds"]]
    result = subprocess.run(
        [
            str(_tool(".tools/kubeconform-*/kubeconform", "tools/kubeconform/install.sh")),
            "-strict",
            "-summary",
            "-verbose",
            "-output",
            "json",
            "-kubernetes-version",
            f"{kube_version}.0",
            "-schema-location",
            str(kube_schemas) + "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
            "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
            "-schema-location",
            str(DAPR_SCHEMA_DIR) + "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
            "-skip",
            ",".join(skipped),
            *map(str, renders.values()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    problems = [
        f"{r['filename']}: {r['kind']}/{r['name']}: {r['msg']}"
        for r in report["resources"]
        if r["status"] not in ("statusValid", "statusSkipped")
    ]
    assert not problems, "\n".join(problems)
    assert result.returncode == 0, result.stderr
    assert report["summary"]["valid"] > 40 * len(renders) // 2
    kinds = {r["kind"] for r in report["resources"] if r["status"] == "statusSkipped"}
    assert kinds == set(skipped), "a waived kind is no longer rendered: drop its waiver"


def _checkov_failures(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(rendered file name, check id, resource, check name) of every failed check. One run
    per render: over a folder, checkov's graph checks (a pod without a NetworkPolicy) would
    match objects of one render with those of another."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(
        [
            str(_tool(".tools/checkov-*/bin/checkov", "tools/checkov/install.sh")),
            "--file",
            str(path),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--output",
            "json",
            "--compact",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    reports: Any = json.loads(result.stdout)
    for report in reports if isinstance(reports, list) else [reports]:
        assert report["summary"]["parsing_errors"] == 0, report["summary"]
        assert report["summary"]["passed"] > 100, report["summary"]
        for failed in report["results"]["failed_checks"]:
            yield (
                Path(failed["file_path"]).name,
                failed["check_id"],
                failed["resource"],
                failed["check_name"],
            )


def _waiver_for(values_file: str, check_id: str, resource: str) -> int | None:
    """The waiver covering a finding; resources are `Kind.name` patterns (checkov names
    them `Kind.namespace.name`), values_files patterns (default: every file)."""
    kind, _, rest = resource.partition(".")
    name = rest.partition(".")[2]
    for index, waiver in enumerate(WAIVERS["checkov"]):
        files = waiver.get("values_files", ["*"])
        if (
            waiver["id"] == check_id
            and any(fnmatch.fnmatch(values_file, pattern) for pattern in files)
            and any(fnmatch.fnmatch(f"{kind}.{name}", pattern) for pattern in waiver["resources"])
        ):
            return index
    return None


def test_checkov_finds_nothing_unwaived(renders: dict[str, Path]) -> None:
    by_file = {path.name: values_file for values_file, path in renders.items()}
    used: set[int] = set()
    unwaived = []
    seen_files = set()
    findings = [finding for path in renders.values() for finding in _checkov_failures(path)]
    for file_name, check_id, resource, name in findings:
        values_file = by_file[file_name]
        seen_files.add(values_file)
        index = _waiver_for(values_file, check_id, resource)
        if index is None:
            unwaived.append(f"{values_file}: {check_id} {resource}: {name}")
        else:
            used.add(index)
    assert not unwaived, "\n".join(unwaived)
    assert seen_files == set(renders), "checkov did not scan every render"
    stale = [w["id"] for i, w in enumerate(WAIVERS["checkov"]) if i not in used]
    assert not stale, f"waivers that match nothing any more: {stale}"
    assert all(waiver["reason"].strip() for waiver in WAIVERS["checkov"])
