"""TRACING=1 wiring: Jaeger's listeners on the planned ports, the apps pointed at it, and a
clear message when the binary is missing or will not start (no Jaeger build needed)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import tracing
from devstack.infra import StackError
from devstack.ports import PortPlan
from devstack.stack import Stack, StackConfig
from devstack.tracing import JaegerPorts, jaeger_binary, jaeger_config, start_jaeger


def endpoints(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "endpoint":
                yield value
            else:
                yield from endpoints(value)


def test_every_jaeger_listener_is_on_loopback_and_a_planned_port() -> None:
    ports = JaegerPorts(otlp_http=41001, ui=41002, query_grpc=41003)
    assert sorted(endpoints(jaeger_config(ports))) == [
        "127.0.0.1:41001",
        "127.0.0.1:41002",
        "127.0.0.1:41003",
    ]


def stack(tmp_path: Path, ports: JaegerPorts | None) -> Stack:
    config = StackConfig(
        ports=PortPlan.free(), data_dir=tmp_path, database_url="sqlite://", tracing=ports
    )
    return Stack(config)


@pytest.mark.parametrize("service", ["backend", "websocket", "reminders", "notification"])
def test_apps_export_to_the_local_jaeger_when_tracing(tmp_path: Path, service: str) -> None:
    ports = JaegerPorts(otlp_http=41001, ui=41002, query_grpc=41003)
    traced = stack(tmp_path, ports)
    env = traced._app_env(traced.instances[service])
    assert env["OTEL_EXPORTER"] == "otlp"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:41001"


def test_apps_keep_the_callers_exporter_without_tracing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER", "console")
    untraced = stack(tmp_path, None)
    env = untraced._app_env(untraced.instances["backend"])
    assert env["OTEL_EXPORTER"] == "console"


def test_a_missing_binary_names_the_build_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracing, "TOOLS_DIR", tmp_path)
    with pytest.raises(StackError, match=r"tools/jaeger/build\.sh"):
        jaeger_binary(build=False)


def test_a_jaeger_that_exits_fails_the_start_with_its_output(tmp_path: Path) -> None:
    fake = tmp_path / "jaeger"
    fake.write_text('#!/bin/sh\necho "bad config: $2"\nexit 3\n')
    fake.chmod(0o755)
    with pytest.raises(StackError, match=r"jaeger exited with code 3[\s\S]*bad config"):
        start_jaeger(JaegerPorts.free(), tmp_path / "data", None, None, binary=fake)
    assert (tmp_path / "data" / "jaeger.yaml").exists()
