"""docs/deploy-doks.md stays consistent with the chart it deploys."""

from __future__ import annotations

import itertools
import re
import shlex

import pytest
import yaml
from chart_support import CHART_DIR, DEPLOYMENTS, REPO_ROOT, Render, by_kind

DOC = (REPO_ROOT / "docs" / "deploy-doks.md").read_text()
VALUES = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
DOKS_VALUES = yaml.safe_load((CHART_DIR / "values-doks.yaml").read_text())


def commands() -> list[str]:
    """Shell lines of the doc's ```sh blocks, continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC, flags=re.DOTALL)
    lines = re.sub(r"\\\n\s*", " ", "\n".join(blocks)).splitlines()
    return [line.split("  #")[0].strip() for line in lines if line.strip()]


def chart_commands() -> list[list[str]]:
    prefixes = ("helm install todo-chatbot helm/todo-chatbot", "helm upgrade todo-chatbot")
    return [shlex.split(line) for line in commands() if line.startswith(prefixes)]


def test_first_install_upgrade_and_rollback_commands_are_documented() -> None:
    assert (
        "helm install todo-chatbot helm/todo-chatbot -n todo-chatbot --create-namespace "
        "-f helm/todo-chatbot/values-doks.yaml" in DOC
    )
    assert "helm upgrade todo-chatbot helm/todo-chatbot -n todo-chatbot" in DOC
    assert "helm rollback todo-chatbot <rev> -n todo-chatbot" in DOC
    assert "helm test todo-chatbot -n todo-chatbot" in DOC
    assert "kubectl port-forward svc/dapr-dashboard -n dapr-system 8080:8080" in DOC


def test_chart_commands_use_existing_files_and_values() -> None:
    found = chart_commands()
    assert len(found) == 2  # install and upgrade
    for argv in found:
        for flag, value in itertools.pairwise(argv):
            if flag == "-f":
                assert (REPO_ROOT / value).is_file(), value
            if flag == "--set":
                path = value.split("=", 1)[0].split(".")
                node = VALUES
                for part in path:
                    assert isinstance(node, dict), value
                    assert part in node, f"{value}: no such value"
                    node = node[part]


def test_objects_named_in_commands_exist_in_the_doks_render(render: Render) -> None:
    manifests = render("values-doks.yaml")
    kinds = {"deployment": "Deployment", "svc": "Service", "job": "Job"}
    checked = 0
    for argv in (shlex.split(line) for line in commands()):
        if "todo-chatbot" not in argv:
            continue  # dapr-system and ingress commands
        for word in argv:
            kind, _, name = word.partition("/")
            if kind in kinds and name.startswith("todo-chatbot"):
                assert name in by_kind(manifests, kinds[kind]), word
                checked += 1
    assert checked >= len(DEPLOYMENTS)


def test_runbook_names_are_the_rendered_deployments(render: Render) -> None:
    rendered = set(by_kind(render("values-doks.yaml"), "Deployment"))
    assert rendered == set(DEPLOYMENTS.values())
    for name in DEPLOYMENTS.values():
        assert f"`{name}`" in DOC


@pytest.mark.parametrize(
    ("secret", "keys"),
    [
        (DOKS_VALUES["secrets"]["existingSecret"], set(VALUES["secrets"]["keys"].values())),
        (DOKS_VALUES["dapr"]["appTokenSecret"], {"token"}),
        (DOKS_VALUES["dapr"]["apiTokenSecret"], {"token"}),
    ],
)
def test_documented_secrets_carry_the_keys_the_chart_reads(secret: str, keys: set[str]) -> None:
    created = [
        argv
        for argv in (shlex.split(line) for line in commands())
        if argv[:4] == ["kubectl", "create", "secret", "generic"] and argv[4] == secret
    ]
    assert len(created) == 1, f"docs must create Secret {secret} once"
    documented = {
        item.split("=", 1)[1].split("=", 1)[0]
        for item in created[0]
        if item.startswith(("--from-literal=", "--from-file="))
    }
    assert documented == keys


def test_dapr_version_matches_the_chart() -> None:
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    version = chart["annotations"]["todo-chatbot/dapr-version"]
    assert f"helm upgrade --install dapr dapr/dapr --version {version}" in DOC
    assert "dapr_scheduler.cluster.storageClassName" in DOC
