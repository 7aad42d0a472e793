"""Port plans: defaults outside the ephemeral range, busy ports moved or named."""

import os
import socket
from collections.abc import Iterator
from contextlib import closing

import pytest

from devstack.ports import (
    PortPlan,
    PortsBusyError,
    can_bind,
    ephemeral_range,
    port_holder,
    settle_ports,
    settle_sidecar,
)


def internal_ports(plan: PortPlan) -> list[int]:
    sidecars = [p for s in plan.sidecars.values() for p in (s.internal_grpc, s.metrics)]
    scheduler = plan.scheduler
    return [*sidecars, scheduler.healthz, scheduler.metrics, scheduler.etcd_client,
            scheduler.etcd_peer]  # fmt: skip


def test_default_internal_ports_lie_below_the_ephemeral_range() -> None:
    low, _ = ephemeral_range()
    assert all(port < low for port in internal_ports(PortPlan.defaults()))


def test_defaults_keep_the_contract_ports() -> None:
    plan = PortPlan.defaults()
    assert list(plan.apps.values()) == [8000, 8001, 8002, 8003]
    assert [s.http for s in plan.sidecars.values()] == [3500, 3501, 3502, 3503]
    assert [s.grpc for s in plan.sidecars.values()] == [50001, 50002, 50003, 50004]
    assert plan.scheduler.grpc == 50006


def test_a_busy_internal_port_is_replaced_and_reported() -> None:
    plan = PortPlan.defaults()
    busy = {plan.sidecars["websocket"].grpc, plan.scheduler.etcd_client}
    spare = iter([61001, 61002])
    settled, changes = settle_ports(
        plan, available=lambda port: port not in busy, spare_port=lambda: next(spare)
    )
    assert settled.sidecars["websocket"].grpc == 61001
    assert settled.scheduler.etcd_client == 61002
    assert {(c.label, c.wanted) for c in changes} == {
        ("websocket sidecar grpc", 50002),
        ("scheduler etcd client", 3579),
    }
    assert settled.apps == plan.apps
    assert settled.sidecars["backend"] == plan.sidecars["backend"]


def test_a_spare_port_never_takes_another_planned_port() -> None:
    plan = PortPlan.defaults()
    busy = {plan.sidecars["backend"].grpc}
    spare = iter([plan.apps["backend"], 61003])  # the first spare is the backend's own
    settled, _ = settle_ports(
        plan, available=lambda port: port not in busy, spare_port=lambda: next(spare)
    )
    assert settled.sidecars["backend"].grpc == 61003


def test_busy_public_ports_stop_the_start_naming_each() -> None:
    plan = PortPlan.defaults()
    busy = {plan.apps["backend"], plan.sidecars["notification"].http}
    with pytest.raises(PortsBusyError) as raised:
        settle_ports(plan, available=lambda port: port not in busy)
    message = str(raised.value)
    assert "backend app port 8000 is held by" in message
    assert "notification sidecar http port 3503 is held by" in message


def test_a_plan_using_a_port_twice_is_refused() -> None:
    plan = PortPlan.defaults()
    twice = PortPlan(plan.apps | {"websocket": 8000}, plan.sidecars, plan.scheduler, plan.redis)
    with pytest.raises(PortsBusyError, match=r"twice: \[8000\]"):
        settle_ports(twice, available=lambda port: True)


def test_a_running_sidecar_keeps_its_http_port() -> None:
    sidecar = PortPlan.defaults().sidecars["backend"]
    settled, changes = settle_sidecar(sidecar, "backend sidecar", available=lambda port: False)
    assert settled.http == sidecar.http
    assert {c.label for c in changes} == {
        "backend sidecar grpc",
        "backend sidecar internal grpc",
        "backend sidecar metrics",
    }


@pytest.fixture
def outgoing_connection() -> Iterator[int]:
    """What the issue saw: an outgoing connection's local port, not a listener."""
    with closing(socket.socket()) as server, closing(socket.socket()) as client:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client.bind(("127.0.0.1", 0))
        client.connect(server.getsockname())
        accepted, _ = server.accept()
        with closing(accepted):
            yield int(client.getsockname()[1])


def test_an_outgoing_connections_local_port_is_busy_and_its_holder_named(
    outgoing_connection: int,
) -> None:
    assert not can_bind(outgoing_connection)
    holder = port_holder(outgoing_connection)
    assert f"pid {os.getpid()} (" in holder
    assert "ESTABLISHED" in holder
