"""Paths and tool lookups of the observability tests (promtool, helm, the rules, the runbook)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MONITORING = REPO_ROOT / "monitoring"
RULES_FILE = MONITORING / "alerts.yaml"
RULE_TESTS = MONITORING / "tests" / "alerts_test.yaml"
DASHBOARD_FILE = MONITORING / "dashboards" / "todo-chatbot.json"
CHART_DASHBOARD = REPO_ROOT / "helm" / "todo-chatbot" / "files" / "dashboards" / "todo-chatbot.json"
RUNBOOK = REPO_ROOT / "docs" / "runbook.md"


def _newest(pattern: str, hint: str) -> Path:
    candidates = sorted(REPO_ROOT.glob(pattern))
    if not candidates:
        pytest.fail(f"{pattern} not found: {hint}", pytrace=False)
    return candidates[-1]


def promtool() -> Path:
    configured = os.environ.get("PROMTOOL_BIN")
    if configured:
        return Path(configured)
    return _newest(".tools/prometheus-*/promtool", "run tools/prometheus/install.sh (make setup)")


def helm() -> Path:
    return _newest(".tools/helm-*/helm", "run tools/helm/install.sh (make setup)")


def markdown_anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors
