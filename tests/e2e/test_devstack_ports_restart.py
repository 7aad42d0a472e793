"""devstack on a busy machine, and restarting one process of a running system.

The stack's plan is free ports (never the defaults: other stacks may run here); one of
its sidecar gRPC ports is taken by an outgoing connection before start-up, as the
kernel's ephemeral range can do to the default 50001-50004.
"""

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from devstack.infra import PostgresCluster, StackError
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, receive_until, ws_connect

pytestmark = pytest.mark.e2e


def hold_as_outgoing(port: int) -> tuple[socket.socket, socket.socket, socket.socket]:
    """An established connection whose local port is `port`; close the three sockets."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = socket.socket()
    client.bind(("127.0.0.1", port))
    client.connect(server.getsockname())
    accepted, _ = server.accept()
    return server, client, accepted


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    """A system that started while its websocket sidecar's gRPC port was held."""
    tmp = tmp_path_factory.mktemp("devstack-restart")
    config = make_stack_config(tmp, postgres.create_database("devstack_restart"), nlu_model=False)
    sockets = hold_as_outgoing(config.ports.sidecars["websocket"].grpc)
    try:
        with Stack(config) as stack:
            yield stack
    finally:
        for sock in sockets:
            sock.close()


def created_event_arrives(stack: Stack) -> None:
    user = f"restart-{uuid.uuid4().hex[:6]}"
    with ws_connect(stack, user) as ws, api_client(stack, user) as api:
        ws.send('{"type": "ping"}')
        created = api.post("/api/tasks", json={"title": "after the restart"})
        assert created.status_code == 201
        message = receive_until(ws, lambda m: m.get("type") == "task.created")
        assert message["data"]["id"] == created.json()["id"]


def test_a_busy_sidecar_port_is_moved_and_the_system_comes_up(running: Stack) -> None:
    (moved,) = running.port_changes
    assert moved.label == "websocket sidecar grpc"
    assert f"pid {os.getpid()} (" in moved.holder and "ESTABLISHED" in moved.holder
    assert running.instances["websocket"].sidecar.grpc == moved.given != moved.wanted
    created_event_arrives(running)


def test_a_busy_app_port_fails_before_anything_starts_naming_the_holder(
    tmp_path: Path,
) -> None:
    config = make_stack_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/t.db", nlu_model=False)
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", config.ports.apps["backend"]))
        listener.listen()
        stack = Stack(config)
        with pytest.raises(StackError) as raised:
            stack.start()
    port = config.ports.apps["backend"]
    assert f"backend app port {port} is held by pid {os.getpid()} (" in str(raised.value)
    assert "LISTEN" in str(raised.value)
    assert stack.scheduler is None and stack.redis is None
    assert all(i.app is None and i.daprd is None for i in stack.instances.values())


@pytest.mark.parametrize(
    "process", ["backend", "websocket-daprd", "reminders", "scheduler", "redis"]
)
def test_one_process_killed_and_started_again_on_the_same_ports(
    running: Stack, process: str
) -> None:
    before = running.config.ports
    old = running._named_process(process)
    assert old is not None
    old_pid = old.pid
    running.restart_process(process, kill=True)
    new = running._named_process(process)
    assert new is not None and new.is_running() and new.pid != old_pid
    assert running.config.ports.apps == before.apps
    assert running.config.ports.redis == before.redis
    assert running.config.ports.scheduler.grpc == before.scheduler.grpc
    created_event_arrives(running)


def test_an_unknown_process_name_lists_the_known_ones(running: Stack) -> None:
    with pytest.raises(StackError, match="notification-daprd"):
        running.restart_process("nginx")
