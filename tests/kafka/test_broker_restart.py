"""The Kafka broker restarted under traffic loses nothing acknowledged (the game day's ledger).

Writers create and rename tasks for a few users while each user's WebSocket client listens
(and resumes after any disconnect). The broker is stopped gracefully and, later, killed
with SIGKILL, each time for a few seconds. At the end every acknowledged write must be in
PostgreSQL, and every client must have received every event of its user's log exactly
once and in order (bench/gameday_ledger.py classifies it, per fault window).
"""

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.gameday_ledger import Ledger, Outcome, TaskHistory, TaskState, Window
from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, eventually, ws_connect
from tests.topics import kafka_records

pytestmark = pytest.mark.e2e

USERS = 3
OUTAGE_SECONDS = 5.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    config = make_stack_config(
        tmp_path_factory.mktemp("kafka-restart"),
        postgres.create_database("kafka_restart"),
        services=("backend", "websocket"),
        nlu_model=False,
        pubsub="kafka",
    )
    with Stack(config) as running:
        yield running


@dataclass
class Client:
    """One user's WebSocket: the seqs it received in arrival order; resumes on reconnect."""

    stack: Stack
    user: str
    received: list[int] = field(default_factory=list)
    reconnects: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with ws_connect(self.stack, self.user) as ws:
                    if self.received:
                        ws.send(json.dumps({"type": "resume", "after_seq": max(self.received)}))
                    while not self.stop.is_set():
                        try:
                            message = json.loads(ws.recv(timeout=0.5))
                        except TimeoutError:
                            continue
                        if str(message.get("type", "")).startswith("task."):
                            self.received.append(int(message["seq"]))
            except (ConnectionClosed, InvalidHandshake, OSError):
                self.reconnects += 1
                time.sleep(0.2)


@dataclass
class Writer:
    """Creates a task, renames it twice, repeats; every answer goes into the histories."""

    stack: Stack
    user: str
    ledger: Ledger
    histories: dict[str, TaskHistory] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def _call(
        self, api: httpx.Client, method: str, url: str, body: dict[str, str]
    ) -> tuple[Outcome, httpx.Response | None]:
        try:
            response = api.request(method, url, json=body)
        except httpx.HTTPError:
            # No definite answer: it may or may not have happened.
            self.ledger.operation(at=time.time(), outcome="info", answer="no answer")
            return "info", None
        outcome: Outcome = "ok" if response.is_success else "fail"
        if response.status_code >= 500:
            outcome = "info"
        self.ledger.operation(at=time.time(), outcome=outcome, answer=str(response.status_code))
        return outcome, response

    def run(self) -> None:
        with api_client(self.stack, self.user) as api:
            n = 0
            while not self.stop.is_set():
                n += 1
                title = f"{self.user} task {n}"
                outcome, response = self._call(api, "POST", "/api/tasks", {"title": title})
                if outcome != "ok" or response is None:
                    continue
                task_id = response.json()["id"]
                history = self.histories[task_id] = TaskHistory(task_id, self.user)
                history.record("ok", TaskState(True, title, False), time.time())
                for rename in (1, 2):
                    new_title = f"{title} v{rename}"
                    outcome, _ = self._call(
                        api, "PATCH", f"/api/tasks/{task_id}", {"title": new_title}
                    )
                    history.record(outcome, TaskState(True, new_title, False), time.time())
                time.sleep(0.05)


Logs = dict[str, dict[int, float]]


async def read_database(url: str, users: list[str]) -> tuple[dict[str, TaskState], Logs]:
    """The tasks as stored, and each user's event log (seq -> commit time)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await connection.fetch(
            "SELECT id, title, completed FROM task WHERE owner_id = ANY($1::text[])", users
        )
        log_rows = await connection.fetch(
            "SELECT user_id, seq, created_at FROM outbox_event "
            "WHERE topic = 'task-updates' AND user_id = ANY($1::text[]) AND seq IS NOT NULL",
            users,
        )
    finally:
        await connection.close()
    tasks = {r["id"]: TaskState(True, r["title"], r["completed"]) for r in rows}
    logs: Logs = {user: {} for user in users}
    for row in log_rows:
        logs[row["user_id"]][row["seq"]] = row["created_at"].timestamp()
    return tasks, logs


def broker_outage(stack: Stack, windows: list[Window], name: str, *, kill: bool) -> None:
    started = time.time()
    stack.stop_process("kafka", kill=kill)
    time.sleep(OUTAGE_SECONDS)
    stack.start_process("kafka")
    time.sleep(3.0)  # the effects outlive the fault: a short recovery tail in its window
    windows.append(Window(name, started, time.time()))


def test_broker_restart_and_kill_under_traffic_lose_and_duplicate_nothing(stack: Stack) -> None:
    users = [f"kafka-ledger-{uuid.uuid4().hex[:6]}-{i}" for i in range(USERS)]
    windows: list[Window] = []
    ledger = Ledger(windows)
    clients = [Client(stack, user) for user in users]
    writers = [Writer(stack, user, ledger) for user in users]
    threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
    threads += [threading.Thread(target=w.run, daemon=True) for w in writers]
    for thread in threads:
        thread.start()
    try:
        time.sleep(4.0)  # baseline
        broker_outage(stack, windows, "kafka stopped", kill=False)
        broker_outage(stack, windows, "kafka killed (SIGKILL)", kill=True)
        time.sleep(2.0)
    finally:
        for writer in writers:
            writer.stop.set()
        for thread in threads[len(clients) :]:
            thread.join(timeout=30)
    tasks, logs = asyncio.run(read_database(stack.config.database_url, users))
    stopped = time.monotonic()
    try:
        # Everything committed reaches every client (the relay republishes what the broker
        # refused while it was down).
        eventually(
            lambda: all(set(logs[c.user]) <= set(c.received) for c in clients),
            timeout=90,
            interval=0.5,
        )
        caught_up = time.monotonic() - stopped
    finally:
        for client in clients:
            client.stop.set()
        for thread in threads:
            thread.join(timeout=10)

    ledger.check_writes([h for w in writers for h in w.histories.values()], tasks)
    for client in clients:
        ledger.check_events(client.user, client.received, logs[client.user])
    report = ledger.report()
    total = report["total"]
    print(f"caught up {caught_up:.1f}s after the traffic stopped; per fault: {report['per_fault']}")
    assert total["acknowledged"] > 50, total  # there was traffic through both outages
    assert {w.fault for w in windows} <= set(report["per_fault"]), report["per_fault"].keys()
    assert total["writes"]["lost"] == 0, report["findings"]
    assert total["events"]["expected_deliveries"] == sum(len(log) for log in logs.values())
    assert total["events"]["lost"] == 0, report["findings"]
    assert total["events"]["duplicates"] == 0, report["findings"]
    assert total["events"]["out_of_order"] == 0, report["findings"]


def test_each_users_events_share_one_partition_in_seq_order(stack: Stack) -> None:
    """The relay's partitionKey (the user id) is the Kafka message key: a user's events are
    on one partition, where consumers read them in order."""
    users = [f"kafka-order-{i}" for i in range(6)]  # fixed: the partitioning is repeatable
    for user in users:
        with api_client(stack, user) as api:
            for n in range(5):
                assert api.post("/api/tasks", json={"title": f"t{n}"}).status_code == 201
    bootstrap = f"127.0.0.1:{stack.config.kafka_ports.broker}"

    def records() -> list[tuple[int, str | None, dict[str, Any]]]:
        mine = [
            record
            for record in kafka_records(bootstrap, "task-updates")
            if isinstance(record[2].get("data"), dict) and record[2]["data"].get("user_id") in users
        ]
        return mine if len(mine) >= len(users) * 5 else []

    mine = eventually(records, timeout=30)
    partitions: dict[str, set[int]] = {user: set() for user in users}
    seqs: dict[str, list[int]] = {user: [] for user in users}
    for partition, key, event in mine:
        data = event["data"]
        assert key == data["user_id"]
        partitions[data["user_id"]].add(partition)
        seqs[data["user_id"]].append(data["seq"])
    assert all(len(p) == 1 for p in partitions.values()), partitions
    assert all(s == sorted(s) and len(s) == 5 for s in seqs.values()), seqs
    assert len(set().union(*partitions.values())) > 1  # the users spread over partitions
