"""Every metric the alert rules and the dashboard read is one the running system exports,
and no log line of a run carries a token or a secret.

The e2e tests start the real system (`system`: four apps with their daprd, scheduler,
Redis, PostgreSQL), drive each path that creates series (REST, chat, a reminder that falls
due and is delivered over WebSocket, a resume), then scrape every process: each app's
`/metrics`, each sidecar's metrics port and the scheduler's.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from devstack.stack import Stack
from tests.harness import api_client, eventually, receive_until, token_for, ws_connect
from tests.observability.promql import metric_names
from tests.observability.tools import (
    CHART_DASHBOARD,
    DASHBOARD_FILE,
    RULES_FILE,
    promtool,
)

# Series Prometheus makes itself for every target, not the system: `up` (scrape success).
PROMETHEUS_SYNTHETIC = {"up"}
# Consumer lag on Kafka: kafka_exporter's names, served locally by devstack's lag exporter
# for `PUBSUB=kafka make run` (tests/kafka/test_broker_tools.py scrapes it); this test's
# system runs on Redis Streams, whose lag is `pubsub_consumer_lag`.
KAFKA_LAG = {"kafka_consumergroup_lag_sum"}
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
}


def rule_expressions() -> dict[str, str]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return {
        rule.get("alert") or rule["record"]: rule["expr"]
        for group in groups
        for rule in group["rules"]
    }


def recorded_names() -> set[str]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}


def dashboard_expressions() -> dict[str, str]:
    dashboard = json.loads(DASHBOARD_FILE.read_text())
    return {
        f"{panel['title']} [{target['refId']}]": target["expr"]
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    }


def exported_names(text: str) -> set[str]:
    """Sample names an exposition serves, including those of families with no series yet
    (a labelled counter nothing has incremented is still exported, with no samples)."""
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(f"{family.name}{suffix}" for suffix in _SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


def test_kafka_lag_names_are_the_ones_devstack_serves() -> None:
    from devstack.kafka import LAG_METRIC

    assert {f"{LAG_METRIC}_sum"} == KAFKA_LAG


def test_dashboard_file_is_the_charts_dashboard() -> None:
    assert DASHBOARD_FILE.read_text() == CHART_DASHBOARD.read_text(), (
        "run .venv/bin/python tools/prometheus/render_rules.py"
    )


def test_every_dashboard_expression_is_valid_promql(tmp_path: Path) -> None:
    """promtool parses each panel query (as a recording rule: it has no expression check)."""
    rules = [
        {"record": f"dashboard:panel_{index}", "expr": expr}
        for index, expr in enumerate(dashboard_expressions().values())
    ]
    path = tmp_path / "dashboard-rules.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(
        [str(promtool()), "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(rules) >= 30


def test_metric_name_extraction_ignores_labels_functions_and_ranges() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket"
        '{job=~"a|b",route="/api/chat"}[5m]))) > 0.8 and on (job) '
        "max(deriv(outbox_oldest_unpublished_age_seconds[5m:1m])) > 0 or up == 0"
    )
    assert metric_names(expr) == {
        "http_request_duration_seconds_bucket",
        "outbox_oldest_unpublished_age_seconds",
        "up",
    }


def _drive_every_path(system: Stack) -> None:
    due = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    with ws_connect(system, "metrics-user") as ws, api_client(system, "metrics-user") as api:
        ws.send(json.dumps({"type": "resume", "after_seq": 0}))
        receive_until(ws, lambda m: m["type"] == "resume.complete")
        created = api.post("/api/tasks", json={"title": "metric names", "remind_at": due})
        assert created.status_code == 201, created.text
        chat = api.post("/api/chat", json={"message": "show my tasks"})
        assert chat.status_code == 200, chat.text
        receive_until(ws, lambda m: m["type"] == "reminder.due", timeout=30)
    for instance in system.instances.values():
        httpx.get(f"{instance.base_url}/health/ready", timeout=10)


def _scrape(url: str) -> str:
    response = httpx.get(url, timeout=10)
    response.raise_for_status()
    return response.text


def _scrape_all(system: Stack) -> dict[str, str]:
    pages = {}
    for name, instance in system.instances.items():
        pages[name] = _scrape(f"{instance.base_url}/metrics")
        pages[f"{name}-daprd"] = _scrape(f"http://127.0.0.1:{instance.sidecar.metrics}/")
    pages["scheduler"] = _scrape(f"http://127.0.0.1:{system.config.ports.scheduler.metrics}/")
    return pages


@pytest.mark.e2e
def test_every_rule_and_dashboard_metric_is_exported_by_the_running_system(
    system: Stack,
) -> None:
    _drive_every_path(system)

    def reminder_lateness_recorded() -> dict[str, str] | None:
        pages = _scrape_all(system)
        ready = "reminders_publish_lateness_seconds_count" in pages["reminders"] and (
            "dapr_component_job_success_count" in pages["reminders-daprd"]
        )
        return pages if ready else None

    pages = eventually(reminder_lateness_recorded, timeout=30, interval=1)
    exported = set().union(*(exported_names(text) for text in pages.values()))
    known = exported | recorded_names() | PROMETHEUS_SYNTHETIC | KAFKA_LAG
    expressions: dict[str, Any] = {
        **{f"rule {name}": expr for name, expr in rule_expressions().items()},
        **{f"panel {name}": expr for name, expr in dashboard_expressions().items()},
    }
    missing = {
        where: sorted(metric_names(expr) - known)
        for where, expr in expressions.items()
        if metric_names(expr) - known
    }
    assert not missing, missing
    # Every expression reads at least one metric, and the sidecars' series are there.
    assert all(metric_names(expr) for expr in expressions.values())
    assert {"dapr_http_server_request_count", "dapr_component_pubsub_ingress_count"} <= exported


@pytest.mark.e2e
def test_no_log_line_carries_a_token_or_secret(system: Stack) -> None:
    """A run's logs (apps, sidecars, scheduler) never contain the JWT, the app API token
    or the JWT secret, though every request above carried them."""
    _drive_every_path(system)
    token = token_for("metrics-user", system.config.jwt_secret)
    secrets = {
        "a user's JWT": token,
        "the app API token": system.config.app_api_token,
        "the JWT secret": system.config.jwt_secret,
    }
    assert system.config.log_dir is not None
    logs = {path.name: path.read_text() for path in system.config.log_dir.glob("*.log")}
    assert len(logs) >= 9  # 4 apps + 4 sidecars + scheduler
    assert sum(text.count('"correlation_id"') for text in logs.values()) > 10
    leaks = [
        f"{what} in {name}"
        for name, text in logs.items()
        for what, value in secrets.items()
        if value in text
    ]
    assert not leaks


@pytest.mark.e2e
def test_every_app_log_line_has_the_contract_fields_and_an_upper_case_level(
    system: Stack,
) -> None:
    _drive_every_path(system)
    assert system.config.log_dir is not None
    fields = {"timestamp", "level", "service", "event", "correlation_id", "trace_id"}
    checked = 0
    for name in system.instances:
        for line in (system.config.log_dir / f"{name}.log").read_text().splitlines():
            record = json.loads(line)  # every line is one JSON object
            assert fields <= set(record), (name, line)
            assert record["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}, line
            checked += 1
    assert checked > 20
