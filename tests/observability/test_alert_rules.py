"""The alert rules: valid for the real promtool, unit-tested with synthetic series, complete,
linked to the runbook, and the same in the plain file and the chart's PrometheusRule."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.observability.tools import (
    REPO_ROOT,
    RULE_TESTS,
    RULES_FILE,
    RUNBOOK,
    helm,
    markdown_anchors,
    promtool,
)

sys.path.insert(0, str(REPO_ROOT / "tools" / "prometheus"))
import render_rules

# The alerts of the requirement runbooks that apply here (issue 18, Deliver 2).
REQUIRED_ALERTS = {
    "TodoHighErrorRate",  # 5xx > 5 % for 5 min
    "TodoChatLatencyHigh",  # chat p99 > 800 ms
    "TodoNluFallbackHigh",  # NLU fallback > 5 %
    "TodoWebsocketConnectionsWarning",
    "TodoWebsocketConnectionsCritical",
    "TodoPodRestarting",  # > 3 restarts per hour
    "TodoConsumerLagHigh",
    "TodoOutboxAgeGrowing",
    "TodoDeadLetters",
    "TodoReminderLatenessHigh",  # p99 > 5 s
    "TodoMemoryNearLimit",  # > 90 % of the limit
    "TodoServiceDown",
    "TodoSidecarDown",
    "TodoDatabaseDown",
    "TodoRedisDown",
    "TodoErrorBudgetBurnFast",  # multi-window burn rates, 99.9 % availability
    "TodoErrorBudgetBurnSlow",
}
SEVERITIES = {"critical", "warning"}


def alerting_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(promtool()), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_promtool_checks_the_rules() -> None:
    result = run("check", "rules", str(RULES_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_pass() -> None:
    result = run("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_catch_a_wrong_expectation(tmp_path: Any) -> None:
    """The unit tests compare alerts exactly: an expectation the rules do not meet fails."""
    broken = RULE_TESTS.read_text().replace(
        "10% of requests failed over 5 minutes.", "11% of requests failed over 5 minutes."
    )
    path = tmp_path / "broken_test.yaml"
    path.write_text(broken.replace("../alerts.yaml", str(RULES_FILE)))
    result = run("test", "rules", str(path))
    assert result.returncode != 0
    assert "TodoHighErrorRate" in result.stdout + result.stderr


def test_every_required_alert_exists_with_severity_summary_and_runbook_section() -> None:
    rules = alerting_rules()
    names = {rule["alert"] for rule in rules}
    assert names >= REQUIRED_ALERTS, REQUIRED_ALERTS - names
    anchors = markdown_anchors(RUNBOOK.read_text())
    for rule in rules:
        assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        url = rule["annotations"]["runbook_url"]
        base, _, anchor = url.partition("#")
        assert base.endswith("/docs/runbook.md"), url
        assert anchor == rule["alert"].lower(), url
        assert anchor in anchors, f"docs/runbook.md has no section for {rule['alert']}"


def test_every_alert_is_tested_firing_and_silent() -> None:
    cases = [
        case
        for group in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in group.get("alert_rule_test", [])
    ]
    fired = {case["alertname"] for case in cases if case.get("exp_alerts")}
    silent = {case["alertname"] for case in cases if not case.get("exp_alerts")}
    names = {rule["alert"] for rule in alerting_rules()}
    assert names - fired == set(), "never shown to fire"
    assert names - silent == set(), "never shown to stay silent"


def test_plain_rules_file_is_the_charts_prometheus_rule() -> None:
    assert RULES_FILE.read_text() == render_rules.render_rules(helm()), (
        "monitoring/alerts.yaml is stale: run .venv/bin/python tools/prometheus/render_rules.py"
    )


@pytest.mark.parametrize("path", ["tools/prometheus/install.sh", "tools/kubeconform/install.sh"])
def test_tool_installs_are_idempotent(path: str) -> None:
    """A second run finds the pinned binary and builds nothing (make setup stays fast)."""
    result = subprocess.run(
        ["bash", str(REPO_ROOT / path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert "already present" in result.stderr
    assert result.stdout.strip().endswith(("/promtool", "/kubeconform"))
