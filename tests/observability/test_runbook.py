"""docs/runbook.md stays true: its local commands run against the running system, and its
Kubernetes commands name only objects, labels, containers and flags that exist.

Local (`bash` blocks): run in order in one shell, the contract's default ports replaced by
the test stack's, `.data/logs` by its log folder and `.data/backups` by a temporary one.
Kubernetes (`sh` blocks): every `kind/name`, `-l` selector and `-c` container is checked
against the chart rendered with values-doks.yaml and every monitoring object on; every
helm flag against `helm <command> --help`; kubectl flags against the list kubectl has.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devstack.stack import Stack
from tests.observability.tools import REPO_ROOT, RUNBOOK, helm

sys.path.insert(0, str(REPO_ROOT / "tests" / "chart"))
from chart_support import EXAMPLE_DIGESTS

DOC = RUNBOOK.read_text()
NAMESPACES = {"todo-chatbot", "dapr-system"}
KUBECTL_KINDS = {
    "deployment": "Deployment", "deploy": "Deployment", "svc": "Service", "service": "Service",
    "job": "Job", "hpa": "HorizontalPodAutoscaler", "configmap": "ConfigMap",
    "servicemonitor": "ServiceMonitor", "podmonitor": "PodMonitor",
    "prometheusrule": "PrometheusRule", "networkpolicy": "NetworkPolicy",
}  # fmt: skip
# kubectl's flags the runbook may use (kubectl is not built here; its reference lists these).
KUBECTL_FLAGS = {
    "-n", "--namespace", "-l", "--selector", "-c", "--container", "--since", "--tail",
    "--all-containers", "--max-log-requests", "--prefix", "--previous", "-f", "--follow",
    "--timeout", "--field-selector", "--rm", "-it", "--restart", "--image", "-o",
    "--to-revision",
}  # fmt: skip


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def sh_commands() -> list[list[str]]:
    lines = re.sub(r"\\\n\s*", " ", "\n".join(blocks("sh"))).splitlines()
    commands = []
    for line in lines:
        if line.strip():
            argv = shlex.split(line.split("  #")[0])
            argv = argv[: argv.index("|")] if "|" in argv else argv  # not what it pipes into
            commands.append(argv[: argv.index("--")] if "--" in argv else argv)  # nor runs
    return commands


def localise(script: str, stack: Stack, backups: Path) -> str:
    """The contract's default ports and folders → those of the test stack."""
    ports = {str(8000 + i): stack.instances[name].app_port for i, name in enumerate(
        ("backend", "websocket", "reminders", "notification"))}  # fmt: skip
    ports["3500"] = stack.instances["backend"].sidecar.http
    ports["3502"] = stack.instances["reminders"].sidecar.http
    ports["9090"] = stack.instances["backend"].sidecar.metrics
    ports["6379"] = stack.config.ports.redis
    for default, actual in ports.items():
        script = re.sub(rf"(?<![\d.]){default}(?!\d)", str(actual), script)
    assert stack.config.log_dir is not None
    script = script.replace(".data/logs", str(stack.config.log_dir))
    return script.replace(".data/backups", str(backups))


@pytest.mark.e2e
def test_every_local_command_runs_against_the_running_system(system: Stack, tmp_path: Path) -> None:
    local = blocks("bash")
    assert len(local) >= 8
    markers = [f"=== block {index} ===" for index in range(len(local))]
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '{marker}'\n{block}" for marker, block in zip(markers, local, strict=True)
    )
    env = {
        **os.environ,
        "DATABASE_URL": system.config.database_url,
        "JWT_SECRET": system.config.jwt_secret,
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    result = subprocess.run(
        ["bash", "-c", localise(script, system, tmp_path / "backups")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout
    assert result.returncode == 0, f"{output[-3000:]}\n{result.stderr[-3000:]}"
    assert all(marker in output for marker in markers)
    # A few outputs that show the commands did their job, not only exited 0.
    assert '"active_connections"' in output
    assert re.search(r'"service":\s*"backend"', output), "correlation-id search found nothing"
    assert "outbox_backlog" in output
    assert "dead letter(s) in reminders-deadletter" in result.stderr
    assert "restore: " in result.stderr
    assert len(list((tmp_path / "backups").glob("todo-*.dump.gz"))) == 1


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, object]]:
    args = [
        str(helm()), "template", "todo-chatbot", str(REPO_ROOT / "helm" / "todo-chatbot"),
        "-n", "todo-chatbot", "-f", str(REPO_ROOT / "helm" / "todo-chatbot" / "values-doks.yaml"),
        "--set", "monitoring.prometheusRule.enabled=true",
        "--set", "monitoring.serviceMonitor.enabled=true",
        "--set", "monitoring.dashboard.enabled=true",
    ]  # fmt: skip
    for item in EXAMPLE_DIGESTS:
        args += ["--set", item]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [doc for doc in yaml.safe_load_all(text) if doc]


def _pod_templates(rendered: list[dict[str, object]]) -> list[dict[str, object]]:
    pods = []
    for manifest in rendered:
        spec = manifest.get("spec")
        if manifest["kind"] in ("Deployment", "Job") and isinstance(spec, dict):
            pods.append(spec["template"])
    return pods


def test_kubectl_commands_name_rendered_objects_labels_and_containers(
    rendered: list[dict[str, object]],
) -> None:
    names = {(str(m["kind"]), str(m["metadata"]["name"])) for m in rendered}  # type: ignore[index]
    pods = _pod_templates(rendered)
    checked = 0
    for argv in sh_commands():
        if argv[0] != "kubectl":
            continue
        assert argv[1:3] != ["patch", "hpa"], "a patched HPA is undone by the next helm upgrade"
        namespace = argv[argv.index("-n") + 1]
        assert namespace in NAMESPACES, argv
        for flag in (word.split("=")[0] for word in argv if word.startswith("-")):
            assert flag in KUBECTL_FLAGS, (flag, argv)
        if argv[1] == "logs":
            assert not any(w.startswith(("deploy/", "deployment/")) for w in argv), (
                "kubectl logs deploy/… reads one pod of several: use -l"
            )
        if namespace != "todo-chatbot":
            continue
        for word in argv[2:]:
            kind, slash, name = word.partition("/")
            if slash and kind in KUBECTL_KINDS:
                assert (KUBECTL_KINDS[kind], name) in names, word
                checked += 1
        selected = pods
        if "-l" in argv:
            selector = dict(pair.split("=") for pair in argv[argv.index("-l") + 1].split(","))
            selected = [
                p for p in pods
                if selector.items() <= p["metadata"]["labels"].items()  # type: ignore[index]
            ]  # fmt: skip
            assert selected, f"no rendered pod matches {selector}"
            checked += 1
        if "-c" in argv:
            container = argv[argv.index("-c") + 1]
            in_pods = {c["name"] for p in selected for c in p["spec"]["containers"]}  # type: ignore[index]
            assert container in in_pods | {"daprd"}, (container, argv)
            checked += 1
    assert checked >= 20


def test_helm_commands_use_existing_flags_and_values() -> None:
    values = yaml.safe_load((REPO_ROOT / "helm" / "todo-chatbot" / "values.yaml").read_text())
    helm_commands = [argv for argv in sh_commands() if argv[0] == "helm"]
    assert len(helm_commands) >= 5
    for argv in helm_commands:
        help_text = subprocess.run(
            [str(helm()), argv[1], "--help"], capture_output=True, text=True, check=True
        ).stdout
        for flag in (word.split("=")[0] for word in argv[2:] if word.startswith("-")):
            assert re.search(rf"(^|[\s,]){re.escape(flag)}[\s=,]", help_text), (flag, argv)
        for index, word in enumerate(argv):
            if word == "--set":
                path = re.split(r"(?<!\\)\.", argv[index + 1].split("=", 1)[0])
                node: object = values
                for part in path[:2]:  # maps like metricsNamespaceSelector take any key
                    assert isinstance(node, dict) and part in node, argv[index + 1]
                    node = node[part]


def test_runbook_sections_cover_the_issues_topics() -> None:
    headings = set(re.findall(r"^##+ (.+)$", DOC, flags=re.MULTILINE))
    for topic in (
        "Architecture and ports", "Severity levels and escalation", "Health checks",
        "Logs", "Common operations", "Dapr sidecar troubleshooting", "WebSocket issues",
        "Database", "Redis", "Kafka consumer lag", "Dead letters: inspect and replay",
        "Backup and restore", "Maintenance", "Game days", "Complete outage",
    ):  # fmt: skip
        assert topic in headings, topic
    assert "kubectl rollout undo" in DOC and "helm rollback" in DOC
