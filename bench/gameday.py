"""The game day: steady mixed traffic against the real system while faults hit it in turn,
then a ledger of every operation (see bench/gameday_ledger.py).

    .venv/bin/python -m bench.gameday            # make gameday: every fault, ~10 minutes
    .venv/bin/python -m bench.gameday --short    # the variant inside make test, ~3 minutes

The system runs on free ports (PostgreSQL, Redis, scheduler, four apps with sidecars, two
websocket replicas) in a temporary folder, always stopped. Traffic: REST creates,
updates, completes and deletes; chat turns; hundreds of WebSocket clients that reconnect
and resume as docs/api.md tells clients to; reminders falling due; readiness and
liveness probes. Faults are plain objects with a name and an async `run`; the list is
built by `faults_for` so a different pub/sub broker (Kafka) plugs its own in.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import psutil
from aiohttp import web
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.gameday_ledger import (
    GONE,
    Ledger,
    Outcome,
    TaskHistory,
    TaskState,
    Window,
    fault_at,
    percentile,
)
from devstack.infra import PostgresCluster
from devstack.ports import PortPlan, free_port
from devstack.stack import Stack, StackConfig
from todo_common.auth import create_token

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Plan:
    """How hard and how long: `full()` for make gameday, `short()` inside make test."""

    users: int
    clients_per_user: int
    write_rate: float  # REST writes per second, all users together
    chat_rate: float
    reminder_rate: float
    reminder_lead: float  # seconds between creating a reminder task and its remind_at
    baseline: float  # seconds of steady traffic before the first fault
    outage: float  # how long Redis / PostgreSQL stay stopped, latency stays injected
    gap: float  # steady seconds between faults
    settle_timeout: float
    kill_processes: tuple[str, ...]
    late_after: float = 5.0

    @classmethod
    def full(cls) -> "Plan":
        apps = ("backend", "websocket", "websocket-2", "reminders", "notification")
        return cls(
            users=60,
            clients_per_user=4,
            write_rate=12.0,
            chat_rate=0.5,
            reminder_rate=0.5,
            reminder_lead=15.0,
            baseline=20.0,
            outage=20.0,
            gap=5.0,
            settle_timeout=150.0,
            kill_processes=(*apps, *(f"{app}-daprd" for app in apps)),
        )

    @classmethod
    def short(cls) -> "Plan":
        return cls(
            users=30,
            clients_per_user=4,
            write_rate=8.0,
            chat_rate=0.3,
            reminder_rate=0.5,
            reminder_lead=10.0,
            baseline=8.0,
            outage=8.0,
            gap=3.0,
            settle_timeout=90.0,
            kill_processes=("backend", "websocket-2-daprd"),
        )


# -- the system's surroundings: a webhook receiver we can slow down ---------------------


@dataclass
class WebhookReceiver:
    """The `notification-webhook` binding's target. `delay` injects latency; a delivery
    counts as accepted only when its answer still reached the caller."""

    delay: float = 0.0
    attempts: list[tuple[str, float]] = field(default_factory=list)
    accepted: dict[str, list[float]] = field(default_factory=dict)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        task_id = str(body.get("data", {}).get("task", {}).get("id", "?"))
        self.attempts.append((task_id, time.time()))
        if self.delay:
            await asyncio.sleep(self.delay)
        transport = request.transport
        if transport is not None and not transport.is_closing():
            self.accepted.setdefault(task_id, []).append(time.time())
        return web.json_response({"ok": True})

    def attempts_between(self, start: float, end: float) -> int:
        return sum(1 for _, at in self.attempts if start <= at < end)


# -- traffic ----------------------------------------------------------------------------


def classify(status: int | None, headers: Any, body: Any) -> str:
    """An answer as the ledger counts it (`dropped`: no HTTP answer at all)."""
    if status is None:
        return "dropped"
    if status == 503:
        ok = isinstance(body, dict) and "Retry-After" in headers
        return "503_json_retry_after" if ok else "503_other"
    if status >= 500:
        return f"5xx_{status}"
    return f"{status // 100}xx"


@dataclass
class Traffic:
    stack: Stack
    plan: Plan
    ledger: Ledger
    users: list[str]
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: dict[str, TaskHistory] = field(default_factory=dict)
    reminders: dict[str, tuple[str, float]] = field(default_factory=dict)  # task -> user, due
    chat_seconds: list[tuple[float, float, bool]] = field(default_factory=list)
    probes: list[tuple[float, str, int | None]] = field(default_factory=list)
    # (start, seconds, answer, "chat" | "rest") of every API call: the soak's percentiles.
    calls: list[tuple[float, float, str, str]] = field(default_factory=list)
    # Tasks with a write in flight: one write per task at a time, so that "the last
    # acknowledged value" is well defined (the ledger does not check linearizability).
    busy: set[str] = field(default_factory=set)
    session: aiohttp.ClientSession | None = None

    def token(self, user: str) -> str:
        return create_token(user, self.stack.config.jwt_secret)

    async def call(
        self, method: str, path: str, user: str, payload: dict[str, Any] | None = None
    ) -> tuple[int | None, Any, str]:
        assert self.session is not None
        url = f"{self.stack.instances['backend'].base_url}{path}"
        headers = {"Authorization": f"Bearer {self.token(user)}"}
        started = time.time()
        kind = "chat" if path == "/api/chat" else "rest"
        try:
            async with self.session.request(method, url, json=payload, headers=headers) as r:
                try:
                    body: Any = await r.json(content_type=None)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    body = None
                answer = classify(r.status, r.headers, body)
                self.calls.append((started, time.time() - started, answer, kind))
                return r.status, body, answer
        except (aiohttp.ClientError, TimeoutError):
            self.calls.append((started, time.time() - started, "dropped", kind))
            return None, None, "dropped"

    @staticmethod
    def outcome(status: int | None) -> Outcome:
        if status is not None and 200 <= status < 300:
            return "ok"
        if status is not None and 400 <= status < 500:
            return "fail"
        return "info"  # 5xx or no answer: it may or may not have happened

    async def paced(self, rate: float, body: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Call `body` `rate` times a second whatever the answers (open loop)."""
        interval = 1.0 / rate
        running: set[asyncio.Task[None]] = set()
        next_at = time.monotonic()
        while not self.stop.is_set():
            task = asyncio.create_task(body())
            running.add(task)
            task.add_done_callback(running.discard)
            next_at += interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), max(0.0, next_at - time.monotonic()))
        if running:
            await asyncio.gather(*running, return_exceptions=True)

    # -- REST writes ------------------------------------------------------------------

    def live_tasks(self, user: str) -> list[TaskHistory]:
        return [
            t
            for t in self.tasks.values()
            if t.user == user
            and not t.maybe  # an indeterminate write retires a task
            and t.acked is not None
            and t.acked.exists
            and t.task_id not in self.reminders  # the writers leave reminders alone
            and t.task_id not in self.busy
        ]

    async def one_write(self) -> None:
        user = random.choice(self.users)
        mine = self.live_tasks(user)
        choice = random.random()
        started = time.time()
        if len(mine) < 3 or choice < 0.35:
            title = f"gd {uuid.uuid4().hex[:10]}"
            status, body, answer = await self.call("POST", "/api/tasks", user, {"title": title})
            outcome = self.outcome(status)
            if outcome == "ok":
                history = TaskHistory(body["id"], user)
                history.record("ok", TaskState(True, title, False), started)
                self.tasks[history.task_id] = history
            self.ledger.operation(at=started, outcome=outcome, answer=answer)
            return
        history = random.choice(mine)
        self.busy.add(history.task_id)
        try:
            await self._write(user, history, choice, started)
        finally:
            self.busy.discard(history.task_id)

    async def _write(self, user: str, history: TaskHistory, choice: float, started: float) -> None:
        assert history.acked is not None
        path = f"/api/tasks/{history.task_id}"
        if choice < 0.65:
            title = f"gd {uuid.uuid4().hex[:10]}"
            state = TaskState(True, title, history.acked.completed)
            status, _, answer = await self.call("PATCH", path, user, {"title": title})
        elif choice < 0.85:
            state = TaskState(True, history.acked.title, True)
            status, _, answer = await self.call("POST", f"{path}/complete", user)
        else:
            state = GONE
            status, _, answer = await self.call("DELETE", path, user)
        outcome = self.outcome(status)
        history.record(outcome, state, started)
        self.ledger.operation(at=started, outcome=outcome, answer=answer)

    async def one_chat(self) -> None:
        user = random.choice(self.users)
        word = uuid.uuid4().hex[:6]
        started = time.time()
        status, body, answer = await self.call(
            "POST", "/api/chat", user, {"message": f"add water the plants {word}"}
        )
        outcome = self.outcome(status)
        self.ledger.operation(at=started, outcome=outcome, answer=f"chat_{answer}")
        if outcome == "ok":
            self.chat_seconds.append((started, time.time() - started, bool(body["fallback"])))
            for task in body.get("tasks") or []:
                if body.get("intent") == "add_task":
                    history = TaskHistory(task["id"], user)
                    history.record("ok", TaskState(True, task["title"], False), started)
                    self.tasks[history.task_id] = history

    async def one_reminder(self) -> None:
        await self.create_reminder(datetime.now(UTC) + timedelta(seconds=self.plan.reminder_lead))

    async def schedule_reminders(self, seconds: float, every: float = 2.0) -> None:
        """Reminders due all through the run, made up front: a fault that stops creates
        (PostgreSQL away) would otherwise leave the next minutes without any due."""
        now = datetime.now(UTC)
        gate = asyncio.Semaphore(8)

        async def one(offset: float) -> None:
            async with gate:
                await self.create_reminder(now + timedelta(seconds=offset))

        offsets = [self.plan.reminder_lead + i * every for i in range(int(seconds / every))]
        await asyncio.gather(*(one(offset) for offset in offsets))

    async def create_reminder(self, due: datetime) -> None:
        user = random.choice(self.users)
        started = time.time()
        status, body, answer = await self.call(
            "POST",
            "/api/tasks",
            user,
            {"title": f"reminder {uuid.uuid4().hex[:8]}", "remind_at": due.isoformat()},
        )
        outcome = self.outcome(status)
        self.ledger.operation(at=started, outcome=outcome, answer=answer)
        if outcome == "ok":
            self.reminders[body["id"]] = (user, due.timestamp())
            history = TaskHistory(body["id"], user)
            history.record("ok", TaskState(True, body["title"], False), started)
            self.tasks[history.task_id] = history

    async def probe(self) -> None:
        """Backend readiness and liveness twice a second."""
        assert self.session is not None
        base = self.stack.instances["backend"].base_url
        while not self.stop.is_set():
            for kind in ("ready", "live"):
                try:
                    async with self.session.get(f"{base}/health/{kind}") as response:
                        status: int | None = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = None
                self.probes.append((time.time(), kind, status))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), 0.5)


# -- WebSocket clients ------------------------------------------------------------------


@dataclass
class WsClient:
    """A client as docs/api.md asks: resume after the last seq it has, on every connect."""

    name: str
    user: str
    url: str
    urls: list[str]
    seqs: list[int] = field(default_factory=list)
    reminders: dict[str, list[float]] = field(default_factory=dict)
    connects: int = 0
    gaps: int = 0
    closes: Counter[str] = field(default_factory=Counter)
    closed_at: list[float] = field(default_factory=list)
    # Where each copy of a reminder came from (replica URL): explains a duplicate.
    reminder_sources: dict[str, list[str]] = field(default_factory=dict)
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last_seq(self) -> int:
        return max(self.seqs, default=0)

    async def run(self, token: str, stop: asyncio.Event) -> None:
        url = self.url
        while not stop.is_set():
            try:
                async with connect(f"{url}?token={token}", open_timeout=10, max_queue=None) as ws:
                    self.connects += 1
                    await ws.send(json.dumps({"type": "resume", "after_seq": self.last_seq}))
                    self.connected.set()
                    closing = asyncio.create_task(stop.wait())
                    try:
                        while not closing.done():
                            receive = asyncio.create_task(ws.recv())
                            done, _ = await asyncio.wait(
                                {receive, closing}, return_when=asyncio.FIRST_COMPLETED
                            )
                            if receive not in done:
                                receive.cancel()
                                break
                            self.handle(json.loads(receive.result()), url)
                    finally:
                        closing.cancel()
                    return
            except (WebSocketException, OSError, TimeoutError) as exc:
                self.closes[close_reason(exc)] += 1
                self.closed_at.append(time.time())
            # Reconnect, the next time to the other replica (as behind a load balancer).
            url = self.urls[(self.urls.index(url) + 1) % len(self.urls)]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.3 + random.random() * 0.5)

    def handle(self, message: dict[str, Any], url: str) -> None:
        kind = message.get("type")
        if kind == "reminder.due":
            task_id = message["data"]["task"]["id"]
            self.reminders.setdefault(task_id, []).append(time.time())
            self.reminder_sources.setdefault(task_id, []).append(url)
        # A reminder is in the user's event log too: its seq counts like a task event's.
        if kind == "resume.gap":
            self.gaps += 1
        elif isinstance(message.get("seq"), int):
            self.seqs.append(message["seq"])


def close_reason(exc: Exception) -> str:
    if isinstance(exc, ConnectionClosed):
        frame = exc.rcvd
        return f"closed {frame.code}" if frame else "closed without a close frame"
    return type(exc).__name__


# -- faults -----------------------------------------------------------------------------


@dataclass
class Context:
    stack: Stack
    postgres: PostgresCluster
    webhook: WebhookReceiver
    plan: Plan
    windows: list[Window]
    # A reminder due in 2 s for a canary user, awaited on its WebSocket: the whole path
    # (API, database, outbox, pub/sub, reminders, scheduler, notification, fan-out) works.
    canary: Callable[[], Awaitable[None]] | None = None
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def blocking(self, call: Callable[[], object]) -> None:
        await asyncio.to_thread(call)


@dataclass(frozen=True)
class Fault:
    name: str
    run: Callable[[Context], Awaitable[None]]


def kill_and_restart(process: str) -> Fault:
    async def run(ctx: Context) -> None:
        await ctx.blocking(lambda: ctx.stack.stop_process(process, kill=True))
        await ctx.blocking(lambda: ctx.stack.start_process(process))

    return Fault(f"kill -9 {process}", run)


def stop_for(process: str, seconds: float) -> Fault:
    """Stop a stack process (Redis, a broker) gracefully, keep it down, start it again."""

    async def run(ctx: Context) -> None:
        await ctx.blocking(lambda: ctx.stack.stop_process(process, kill=False))
        await asyncio.sleep(seconds)
        await ctx.blocking(lambda: ctx.stack.start_process(process))

    return Fault(f"stop {process} {seconds:g}s", run)


def stop_postgres(seconds: float) -> Fault:
    async def run(ctx: Context) -> None:
        process = ctx.postgres.process
        assert process is not None
        await ctx.blocking(lambda: process.stop(timeout=20, sig=signal.SIGINT))  # fast shutdown
        await asyncio.sleep(seconds)
        await ctx.blocking(lambda: ctx.postgres.start())

    return Fault(f"stop postgresql {seconds:g}s", run)


def restart_scheduler() -> Fault:
    async def run(ctx: Context) -> None:
        await ctx.blocking(lambda: ctx.stack.restart_process("scheduler", kill=True))

    return Fault("kill -9 scheduler", run)


def webhook_latency(seconds: float, delay: float = 8.0) -> Fault:
    """Every webhook call outlasts the binding's 5 s response timeout."""

    async def run(ctx: Context) -> None:
        started = time.time()
        ctx.webhook.delay = delay
        await asyncio.sleep(seconds)
        ctx.webhook.delay = 0.0
        ctx.notes["webhook latency"] = {
            "delay_seconds": delay,
            "webhook_attempts_during_fault": ctx.webhook.attempts_between(started, time.time()),
        }

    return Fault(f"webhook latency {delay:g}s for {seconds:g}s", run)


def nlu_latency(seconds: float, delay: float = 3.0) -> Fault:
    """The model step stalls `delay` s per message (the backend's NLU_FAULT_DELAY_FILE)."""

    async def run(ctx: Context) -> None:
        path = ctx.stack.config.app_env.get("backend", {}).get("NLU_FAULT_DELAY_FILE")
        assert path, "the stack's backend has no NLU_FAULT_DELAY_FILE"
        await ctx.blocking(lambda: Path(path).write_text(f"{delay}"))
        try:
            await asyncio.sleep(seconds)
        finally:
            await ctx.blocking(lambda: Path(path).write_text("0"))

    return Fault(f"nlu latency {delay:g}s for {seconds:g}s", run)


def breaker_changes(stack: Stack, windows: list[Window]) -> list[dict[str, Any]]:
    """Circuit breaker state changes the sidecars logged, with the fault they fell in."""
    changes = []
    for instance in stack.instances:
        log = stack.config.log_dir / f"{instance}-daprd.log" if stack.config.log_dir else None
        if log is None or not log.exists():
            continue
        for line in log.read_text(errors="replace").splitlines():
            if "Circuit breaker" not in line or not line.startswith("{"):
                continue
            entry = json.loads(line)
            at = datetime.fromisoformat(entry["time"]).timestamp()
            changes.append(
                {"sidecar": instance, "fault": fault_at(windows, at), "change": entry["msg"]}
            )
    return changes


def broker_process(stack: Stack) -> str:
    """The pub/sub broker's process name: a Kafka broker when the stack runs one."""
    names = stack.process_names()
    return "kafka" if "kafka" in names else "redis"


def faults_for(stack: Stack, plan: Plan, *, short: bool) -> list[Fault]:
    faults = [kill_and_restart(name) for name in plan.kill_processes]
    broker = broker_process(stack)
    faults.append(stop_for(broker, plan.outage))
    if broker != "redis" and "redis" in stack.process_names():
        faults.append(stop_for("redis", plan.outage))  # the state store on its own
    faults.append(stop_postgres(plan.outage))
    if not short:
        faults.append(restart_scheduler())
        faults.append(nlu_latency(plan.outage))
    # Long enough for three timed-out calls (5 s each, one reminder due every 2 s) to trip it.
    faults.append(webhook_latency(max(plan.outage, 20.0)))
    return faults


async def run_faults(ctx: Context, faults: list[Fault], stop: asyncio.Event) -> None:
    await asyncio.sleep(ctx.plan.baseline)
    for fault in faults:
        print(f"-- {fault.name}", flush=True)
        started = time.time()
        try:
            await fault.run(ctx)
        finally:
            # The window runs until the system has recovered (effects outlive a fault),
            # plus a steady gap, so that the next fault starts on a healthy system.
            injected = time.time()
            if ctx.canary is not None:
                await ctx.canary()
            recovery = time.time() - injected
            await asyncio.sleep(ctx.plan.gap)
            ctx.windows.append(Window(fault.name, started, time.time()))
            ctx.notes.setdefault(fault.name, {})["recovered_after_seconds"] = round(recovery, 1)
    stop.set()


# -- the run ----------------------------------------------------------------------------


async def read_database(
    url: str, users: list[str]
) -> tuple[dict[str, TaskState], dict[str, dict[int, float]]]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await connection.fetch(
            "SELECT id, title, completed FROM task WHERE owner_id = ANY($1::text[])", users
        )
        tasks = {r["id"]: TaskState(True, r["title"], r["completed"]) for r in rows}
        log_rows = await connection.fetch(
            "SELECT user_id, seq, created_at FROM outbox_event "
            "WHERE topic = 'task-updates' AND user_id = ANY($1::text[]) AND seq IS NOT NULL",
            users,
        )
    finally:
        await connection.close()
    logs: dict[str, dict[int, float]] = {user: {} for user in users}
    for row in log_rows:
        logs[row["user_id"]][row["seq"]] = row["created_at"].timestamp()
    return tasks, logs


def caught_up(clients: list[WsClient], logs: dict[str, dict[int, float]]) -> bool:
    return all(c.last_seq >= max(logs[c.user], default=0) for c in clients)


def reminders_arrived(traffic: Traffic, clients: list[WsClient], webhook: WebhookReceiver) -> bool:
    got = {task for c in clients for task in c.reminders}
    return all(task in got and task in webhook.accepted for task in traffic.reminders)


Scenario = Callable[[Context, asyncio.Event], Awaitable[None]]


async def drive(
    stack: Stack,
    postgres: PostgresCluster,
    webhook: WebhookReceiver,
    plan: Plan,
    *,
    scenario: Scenario,
    horizon: float,
) -> tuple[dict[str, Any], Traffic]:
    """Steady traffic while `scenario` runs (it sets the event when traffic should stop),
    then settling and the ledger. `horizon`: how far ahead reminders are made up front."""
    windows: list[Window] = []
    ledger = Ledger(windows)
    users = [f"gd-{uuid.uuid4().hex[:6]}-{i}" for i in range(plan.users)]
    traffic = Traffic(stack, plan, ledger, users)
    replicas = [i for i in stack.instances.values() if i.service == "websocket"]
    urls = [f"ws://127.0.0.1:{i.app_port}/ws" for i in replicas]
    clients = [
        WsClient(f"{user}/{n}", user, urls[n % len(urls)], urls)
        for user in users
        for n in range(plan.clients_per_user)
    ]
    client_stop = asyncio.Event()
    canary_user = f"gd-canary-{uuid.uuid4().hex[:6]}"
    canary_client = WsClient(f"{canary_user}/0", canary_user, urls[0], urls)

    async def canary(timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            due = datetime.now(UTC) + timedelta(seconds=2)
            status, body, _ = await traffic.call(
                "POST", "/api/tasks", canary_user, {"title": "canary", "remind_at": due.isoformat()}
            )
            if status == 201:
                while time.monotonic() < deadline:
                    if body["id"] in canary_client.reminders:
                        return
                    await asyncio.sleep(0.25)
            await asyncio.sleep(1.0)
        print(f"!! the canary reminder did not arrive within {timeout:.0f}s", flush=True)

    ctx = Context(stack, postgres, webhook, plan, windows, canary=canary)
    traffic.session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=128), timeout=aiohttp.ClientTimeout(total=15)
    )
    started = time.time()
    try:
        listeners = [
            asyncio.create_task(c.run(traffic.token(c.user), client_stop))
            for c in [*clients, canary_client]
        ]
        await asyncio.wait_for(
            asyncio.gather(*(c.connected.wait() for c in [*clients, canary_client])), 120
        )
        print(f"== {len(clients)} WebSocket clients on {len(urls)} replicas", flush=True)
        await traffic.schedule_reminders(horizon)
        loads = [
            asyncio.create_task(traffic.paced(plan.write_rate, traffic.one_write)),
            asyncio.create_task(traffic.paced(plan.chat_rate, traffic.one_chat)),
            asyncio.create_task(traffic.paced(plan.reminder_rate, traffic.one_reminder)),
            asyncio.create_task(traffic.probe()),
        ]
        await scenario(ctx, traffic.stop)
        await asyncio.gather(*loads)
        traffic_ended = time.time()
        print(
            "== traffic stopped; waiting for clients, reminders and webhook to settle", flush=True
        )
        deadline = time.monotonic() + plan.settle_timeout
        while time.monotonic() < deadline:
            _, logs = await read_database(stack.config.database_url, users)
            last_due = max((due for _, due in traffic.reminders.values()), default=0.0)
            if (
                caught_up(clients, logs)
                and reminders_arrived(traffic, clients, webhook)
                and time.time() > last_due + plan.late_after
            ):
                break
            await asyncio.sleep(2.0)
        settled = time.time()
        client_stop.set()
        await asyncio.gather(*listeners, return_exceptions=True)
    finally:
        await traffic.session.close()

    actual, logs = await read_database(stack.config.database_url, users)
    ledger.check_writes(traffic.tasks.values(), actual)
    for client in clients:
        ledger.check_events(client.name, client.seqs, logs[client.user])
    not_due = 0
    for task_id, (user, due) in traffic.reminders.items():
        if due > settled - plan.late_after:
            not_due += 1  # made up front for a longer run: not due (on time) before the end
            continue
        ledger.check_reminder(
            task_id,
            due,
            per_client={c.name: c.reminders.get(task_id, []) for c in clients if c.user == user},
            webhook=webhook.accepted.get(task_id, []),
            late_after=plan.late_after,
        )
    report = ledger.report()
    report["probes"] = probe_summary(traffic.probes, windows)
    report["chat"] = chat_summary(traffic.chat_seconds, windows)
    report["clients"] = {
        "count": len(clients),
        "replicas": len(urls),
        "connects": sum(c.connects for c in clients),
        "resume_gaps": sum(c.gaps for c in clients),
        "disconnects": dict(sum((c.closes for c in clients), Counter())),
        "disconnects_per_fault": dict(
            Counter(fault_at(windows, at) for c in clients for at in c.closed_at)
        ),
        "duplicate_reminder_sources": duplicate_sources(clients),
    }
    report["windows"] = [vars(w) | {"seconds": round(w.end - w.start, 1)} for w in windows]
    report["notes"] = ctx.notes
    report["circuit_breakers"] = breaker_changes(stack, windows)
    report["timing"] = {
        "traffic_seconds": round(traffic_ended - started, 1),
        "settle_seconds": round(settled - traffic_ended, 1),
    }
    report["volume"] = {
        "tasks_tracked": len(traffic.tasks),
        "events_in_logs": sum(len(log) for log in logs.values()),
        "reminders": len(traffic.reminders),
        "reminders_not_due_by_the_end": not_due,
        "webhook_attempts": len(webhook.attempts),
    }
    return report, traffic


async def game_day(
    stack: Stack, postgres: PostgresCluster, webhook: WebhookReceiver, plan: Plan, *, short: bool
) -> dict[str, Any]:
    faults = faults_for(stack, plan, short=short)

    async def scenario(ctx: Context, stop: asyncio.Event) -> None:
        await run_faults(ctx, faults, stop)

    # Roughly how long the faults take (a kill and restart ~10 s, an outage its length + 10 s):
    # reminders made up front fall due all through them, not after the run.
    kills = sum(1 for fault in faults if fault.name.startswith("kill"))
    horizon = (
        plan.baseline
        + kills * (plan.gap + 10)
        + (len(faults) - kills) * (plan.gap + plan.outage + 10)
    )
    report, _ = await drive(stack, postgres, webhook, plan, scenario=scenario, horizon=horizon)
    return report


def duplicate_sources(clients: list[WsClient]) -> dict[str, int]:
    """For reminders a client got twice: from the same replica, or one from each."""
    kinds: Counter[str] = Counter()
    for client in clients:
        for sources in client.reminder_sources.values():
            if len(sources) > 1:
                kinds["same replica" if len(set(sources)) == 1 else "both replicas"] += 1
    return dict(kinds)


def probe_summary(
    probes: list[tuple[float, str, int | None]], windows: list[Window]
) -> dict[str, Any]:
    summary: dict[str, dict[str, Counter[str]]] = {}
    for at, kind, status in probes:
        per = summary.setdefault(fault_at(windows, at), {"ready": Counter(), "live": Counter()})
        per[kind][str(status)] += 1
    return {fault: {k: dict(v) for k, v in kinds.items()} for fault, kinds in summary.items()}


def chat_summary(chats: list[tuple[float, float, bool]], windows: list[Window]) -> dict[str, Any]:
    per: dict[str, list[tuple[float, bool]]] = {}
    for at, seconds, fallback in chats:
        per.setdefault(fault_at(windows, at), []).append((seconds, fallback))
    return {
        fault: {
            "turns": len(values),
            "fallback": sum(1 for _, f in values if f),
            "p50_seconds": round(percentile([s for s, _ in values], 0.5), 3),
            "max_seconds": round(max(s for s, _ in values), 3),
        }
        for fault, values in per.items()
    }


async def serve_webhook(receiver: WebhookReceiver, port: int) -> web.AppRunner:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, handler_cancellation=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def stack_config(tmp: Path, database_url: str, webhook_port: int) -> StackConfig:
    quiet = {"LOG_LEVEL": "WARNING"}
    nlu_delay = tmp / "nlu-delay-seconds"
    nlu_delay.write_text("0")
    return StackConfig(
        ports=PortPlan.free(),
        data_dir=tmp / "data",
        database_url=database_url,
        log_dir=tmp / "logs",
        websocket_replicas=2,
        pubsub=os.environ.get("PUBSUB", "redis"),
        app_env={
            "backend": {
                "BACKEND_RATE_LIMIT_PER_MINUTE": "100000000",
                "NLU_FAULT_DELAY_FILE": str(nlu_delay),
                **quiet,
            },
            "websocket": {},  # info: each fan-out logged, to explain a ledger finding
            "reminders": quiet,
            "notification": {
                "NOTIFICATION_CHANNELS": "inapp,webhook",
                # Enough attempts to outlast an open circuit breaker and the outages.
                "NOTIFICATION_MAX_ATTEMPTS": "10",
                "NOTIFICATION_RETRY_MAX_SECONDS": "20",
            },
        },
        sidecar_env={"NOTIFICATION_WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/hook"},
    )


@dataclass
class System:
    stack: Stack
    postgres: PostgresCluster
    webhook: WebhookReceiver


@contextlib.asynccontextmanager
async def running_system(keep_logs: Path | None = None) -> AsyncIterator[System]:
    """PostgreSQL, the webhook receiver and the whole stack on free ports; always stopped."""
    tmp = Path(tempfile.mkdtemp(prefix="todo-chatbot-gameday-"))
    os.chmod(tmp, 0o755)  # PostgreSQL runs as `postgres` and must reach its data dir inside
    postgres = PostgresCluster(tmp / "postgres", free_port())
    receiver = WebhookReceiver()
    webhook_port = free_port()
    runner = await serve_webhook(receiver, webhook_port)
    try:
        await asyncio.to_thread(postgres.start)
        config = stack_config(tmp, postgres.create_database("gameday"), webhook_port)
        stack = Stack(config)
        await asyncio.to_thread(stack.start)
        try:
            yield System(stack, postgres, receiver)
        finally:
            await asyncio.to_thread(stack.stop)
    finally:
        await runner.cleanup()
        await asyncio.to_thread(postgres.stop)
        if keep_logs is not None:
            shutil.copytree(tmp / "logs", keep_logs, dirs_exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)


def run_header(plan: Plan) -> dict[str, Any]:
    return {
        "started_at": datetime.now(UTC).isoformat(),
        "pubsub": os.environ.get("PUBSUB", "redis"),
        "plan": vars(plan) | {"kill_processes": list(plan.kill_processes)},
        "machine": {"cpus": psutil.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
    }


async def run_game_day(plan: Plan, *, short: bool, keep_logs: Path | None = None) -> dict[str, Any]:
    header = run_header(plan) | {"short": short}
    async with running_system(keep_logs) as system:
        report = await game_day(system.stack, system.postgres, system.webhook, plan, short=short)
        report["rss_mib"] = rss_by_process(system.stack)
    return header | report


def rss_by_process(stack: Stack) -> dict[str, float]:
    out: dict[str, float] = {}
    for instance in stack.instances.values():
        for process in (instance.app, instance.daprd):
            if process is not None and process.pid is not None:
                with contextlib.suppress(psutil.Error):
                    proc = psutil.Process(process.pid)
                    rss = proc.memory_info().rss + sum(
                        c.memory_info().rss for c in proc.children(recursive=True)
                    )
                    out[process.name] = round(rss / 2**20, 1)
    return out


def verdict(report: dict[str, Any]) -> list[str]:
    """What makes the game day fail: anything lost or duplicated, and, while PostgreSQL is
    away, any answer other than 503 JSON + Retry-After (or a probe not doing its job)."""
    problems = []
    total = report["total"]
    for what, counts in (("writes", total["writes"]), ("events", total["events"])):
        for kind in ("lost", "duplicates", "out_of_order"):
            if counts.get(kind):
                problems.append(f"{what} {kind}: {counts[kind]}")
    reminders = total["reminders"]
    for kind in ("lost", "duplicates", "webhook_lost", "webhook_duplicates"):
        if reminders[kind]:
            problems.append(f"reminders {kind}: {reminders[kind]}")
    for fault, counts in report["per_fault"].items():
        if fault.startswith("stop postgresql"):
            bad = {
                k: v
                for k, v in counts["answers"].items()
                if "dropped" in k or "503_other" in k or "5xx_" in k
            }
            if bad:
                problems.append(f"{fault}: answers other than 503 JSON + Retry-After: {bad}")
            probes = report["probes"].get(fault, {})
            if "503" not in probes.get("ready", {}):
                problems.append(f"{fault}: readiness never failed")
            if set(probes.get("live", {})) - {"200"}:
                problems.append(f"{fault}: liveness failed: {probes['live']}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="fewer faults and clients (~3 min)")
    parser.add_argument("--output", type=Path, help="default bench/results/gameday-<date>.json")
    parser.add_argument("--logs", type=Path, help="keep every process's log here")
    args = parser.parse_args()
    plan = Plan.short() if args.short else Plan.full()
    report = asyncio.run(run_game_day(plan, short=args.short, keep_logs=args.logs))
    report["problems"] = verdict(report)
    output = args.output or RESULTS / f"gameday-{datetime.now(UTC):%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({"total": report["total"], "problems": report["problems"]}, indent=2))
    print(f"wrote {output}")
    sys.exit(1 if report["problems"] else 0)


if __name__ == "__main__":
    main()
