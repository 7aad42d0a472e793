"""The whole system on one machine: scheduler, and a daprd + app pair per service instance.

`make run` uses it with the contract's ports; the tests use it with free ports, their own
Redis, PostgreSQL and data folder, so they never collide with a running `make run`.
"""

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.infra import REPO_ROOT, StackError, dapr_binary, start_redis, wait_until
from devstack.kafka import KafkaBroker, KafkaPorts, merged_components, start_kafka, wait_for_groups
from devstack.ports import (
    PortChange,
    PortPlan,
    PortsBusyError,
    SidecarPorts,
    free_port,
    free_sidecar_ports,
    is_listening,
    settle_ports,
    settle_sidecar,
)
from devstack.processes import LineSink, ManagedProcess
from devstack.tracing import JaegerPorts, start_jaeger
from todo_common.settings import DEVELOPMENT_JWT_SECRET

APP_MODULES = {
    "backend": "todo_backend.main:app",
    "websocket": "todo_websocket.main:app",
    "reminders": "todo_reminders.main:app",
    "notification": "todo_notification.main:app",
}
# `StackConfig.pubsub`: the brokers behind the `pubsub` and `websocket-pubsub` components.
PUBSUB_BROKERS = ("redis", "kafka")
# The development secret every service defaults to; tests and `make token` sign with it.
DEV_JWT_SECRET = DEVELOPMENT_JWT_SECRET


@dataclass
class StackConfig:
    ports: PortPlan
    data_dir: Path
    database_url: str
    jwt_secret: str = DEV_JWT_SECRET
    app_api_token: str = field(default_factory=lambda: secrets.token_hex(16))
    # The token apps present to their sidecar's API (`dapr-api-token`); daprd then refuses
    # calls without it. Unset here (tests and tools call sidecars directly); the chart sets
    # one per release, `DAPR_API_TOKEN=… make run` locally.
    dapr_api_token: str | None = None
    websocket_replicas: int = 1
    # Uvicorn worker processes of the backend (PostgreSQL only: its advisory lock keeps
    # one outbox relay at a time; an embedded SQLite file is for one process).
    backend_workers: int = 1
    services: tuple[str, ...] = tuple(APP_MODULES)
    components_dir: Path = REPO_ROOT / "dapr" / "components"
    config_file: Path = REPO_ROOT / "dapr" / "config.yaml"
    start_redis: bool = True
    # The pub/sub broker: "redis" (Redis Streams) or "kafka" (a local KRaft broker on
    # `kafka_ports`, started unless one listens there; Redis stays for state and rate limits).
    pubsub: str = "redis"
    kafka_ports: KafkaPorts = field(default_factory=KafkaPorts.free)
    log_dir: Path | None = None
    sink: LineSink | None = None
    ready_timeout: float = 90.0
    # Extra environment per service or instance name (apps), and for every sidecar
    # (where the local components read their secrets through the env secret store).
    app_env: dict[str, dict[str, str]] = field(default_factory=dict)
    sidecar_env: dict[str, str] = field(default_factory=dict)
    # TRACING=1: a local Jaeger on these ports, and every app exports its spans to it.
    tracing: JaegerPorts | None = None

    @property
    def redis_host(self) -> str:
        return f"127.0.0.1:{self.ports.redis}"


@dataclass
class Instance:
    """One replica of a service: its app process and its sidecar."""

    name: str
    service: str
    app_port: int
    sidecar: SidecarPorts
    app: ManagedProcess | None = None
    daprd: ManagedProcess | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.redis: ManagedProcess | None = None
        self.scheduler: ManagedProcess | None = None
        self.kafka: KafkaBroker | None = None
        self.jaeger: ManagedProcess | None = None
        self.components_dir = config.components_dir
        self.instances: dict[str, Instance] = {}
        # Internal ports moved off a busy default at start-up (also printed to the sink).
        self.port_changes: list[PortChange] = []
        for service in config.services:
            self._add_instance(
                service, service, config.ports.apps[service], config.ports.sidecars[service]
            )
        for replica in range(2, config.websocket_replicas + 1):
            self._add_instance(
                f"websocket-{replica}", "websocket", free_port(), free_sidecar_ports()
            )

    def _add_instance(self, name: str, service: str, app_port: int, sidecar: SidecarPorts) -> None:
        self.instances[name] = Instance(name, service, app_port, sidecar)

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        if self.config.backend_workers > 1 and not self.config.database_url.startswith(
            "postgresql"
        ):
            raise StackError("several backend workers need PostgreSQL (DATABASE_URL)")
        if self.config.pubsub not in PUBSUB_BROKERS:
            brokers = ", ".join(PUBSUB_BROKERS)
            raise StackError(f"PUBSUB={self.config.pubsub!r}: use one of {brokers}")
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        if self.config.log_dir:
            self.config.log_dir.mkdir(parents=True, exist_ok=True)
        self._settle_ports()
        if self.config.start_redis and not is_listening(self.config.ports.redis):
            self.redis = start_redis(
                self.config.ports.redis,
                self.config.data_dir / "redis",
                self.config.sink,
                self._log_file("redis"),
            )
        if self.config.pubsub == "kafka":
            self._start_kafka()
        if self.config.tracing:
            self.jaeger = start_jaeger(
                self.config.tracing,
                self.config.data_dir / "jaeger",
                self.config.sink,
                self._log_file("jaeger"),
            )
        self.start_scheduler()
        for instance in self.instances.values():
            self.start_instance(instance.name)
        for instance in self.instances.values():
            self.wait_ready(instance.name)

    def stop(self) -> None:
        for instance in reversed(list(self.instances.values())):
            self.stop_instance(instance.name)
        if self.scheduler:
            self.scheduler.stop()
        if self.kafka:
            self.kafka.stop()
        if self.redis:
            self.redis.stop()
        if self.jaeger:
            self.jaeger.stop()

    def _settle_ports(self) -> None:
        """Every port checked before anything starts (see devstack.ports)."""
        # A Redis already listening on the port is used, not started (`make run`).
        check_redis = self.config.start_redis and not is_listening(self.config.ports.redis)
        try:
            plan, changes = settle_ports(self.config.ports, check_redis=check_redis)
        except PortsBusyError as exc:
            raise StackError(str(exc)) from None
        self.config.ports = plan
        for instance in self.instances.values():
            if instance.name == instance.service:
                instance.app_port = plan.apps[instance.service]
                instance.sidecar = plan.sidecars[instance.service]
        self._report_port_changes(changes)

    def _report_port_changes(self, changes: list[PortChange]) -> None:
        self.port_changes += changes
        for change in changes:
            line = f"{change}\n"
            if self.config.sink:
                self.config.sink("devstack", line)
            else:
                sys.stderr.write(f"[devstack] {line}")

    # -- pieces ----------------------------------------------------------------------

    def _log_file(self, name: str) -> Path | None:
        return self.config.log_dir / f"{name}.log" if self.config.log_dir else None

    def _process(
        self, name: str, argv: list[str], env: dict[str, str], cwd: Path
    ) -> ManagedProcess:
        process = ManagedProcess(
            name, argv, env=env, cwd=cwd, log_file=self._log_file(name), sink=self.config.sink
        )
        process.start()
        return process

    def _start_kafka(self) -> None:
        ports = self.config.kafka_ports
        if not is_listening(ports.broker):  # `make run` uses a broker already listening
            self.kafka = start_kafka(
                ports, self.config.data_dir / "kafka", self.config.sink, self._log_file("kafka")
            )
        self.components_dir = merged_components(
            self.config.components_dir, self.config.data_dir / "components-kafka"
        )

    def start_scheduler(self) -> None:
        ports = self.config.ports.scheduler
        data = self.config.data_dir / "scheduler"
        data.mkdir(parents=True, exist_ok=True)
        argv = [
            str(dapr_binary("scheduler")),
            "--port", str(ports.grpc),
            "--listen-address", "127.0.0.1",
            "--healthz-port", str(ports.healthz),
            "--healthz-listen-address", "127.0.0.1",
            "--metrics-port", str(ports.metrics),
            "--metrics-listen-address", "127.0.0.1",
            "--etcd-data-dir", str(data / "etcd"),
            "--etcd-client-port", str(ports.etcd_client),
            "--etcd-initial-cluster", f"dapr-scheduler-server-0=http://127.0.0.1:{ports.etcd_peer}",
            "--etcd-client-listen-address", "127.0.0.1",
            "--identity-directory-write", str(data / "identity"),
            "--log-as-json",
        ]  # fmt: skip
        self.scheduler = self._process("scheduler", argv, dict(os.environ), data)
        wait_until(
            lambda: self._http_ok(f"http://127.0.0.1:{ports.healthz}/healthz", self.scheduler),
            60,
            "the Dapr scheduler's /healthz",
        )

    def stop_scheduler(self) -> None:
        if self.scheduler:
            self.scheduler.stop()

    def _app_env(self, instance: Instance) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "ENVIRONMENT": env.get("ENVIRONMENT", "development"),
                "JWT_SECRET": self.config.jwt_secret,
                "APP_API_TOKEN": self.config.app_api_token,
                "DAPR_HTTP_PORT": str(instance.sidecar.http),
                "DAPR_GRPC_PORT": str(instance.sidecar.grpc),
                "DATABASE_URL": self.config.database_url,
                "REDIS_URL": f"redis://{self.config.redis_host}/0",
                "HF_HUB_OFFLINE": "1",
                f"{instance.service.upper()}_PORT": str(instance.app_port),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.config.dapr_api_token:
            env["DAPR_API_TOKEN"] = self.config.dapr_api_token
        if self.config.tracing:
            env["OTEL_EXPORTER"] = "otlp"
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = self.config.tracing.otlp_endpoint
        if instance.service == "websocket":
            env["WEBSOCKET_REPLICA_ID"] = instance.name
            if self.config.pubsub != "redis":  # its consumer group lives in the broker
                env["WEBSOCKET_REDIS_STREAM_GROUP"] = "false"
        if instance.service == "backend" and "websocket" in self.instances:
            # The web page asks the backend where the WebSocket service listens.
            env["BACKEND_WEBSOCKET_PORT"] = str(self.instances["websocket"].app_port)
        env.update(self.config.app_env.get(instance.service, {}))
        env.update(self.config.app_env.get(instance.name, {}))
        return env

    def _app_setting(self, instance: Instance, name: str, default: str = "20") -> str:
        """`WEBSOCKET_<name>` as the app will see it (a test's or the caller's override)."""
        return self._app_env(instance).get(f"WEBSOCKET_{name}", default)

    def _daprd_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                # Secrets the local components read through the env secret store.
                "REDIS_HOST": self.config.redis_host,
                "REDIS_PASSWORD": env.get("REDIS_PASSWORD", ""),
                "APP_API_TOKEN": self.config.app_api_token,
                # Advertise loopback for service invocation, never a LAN address.
                "DAPR_HOST_IP": "127.0.0.1",
            }
        )
        if self.config.pubsub == "kafka":
            env["KAFKA_BROKERS"] = f"127.0.0.1:{self.config.kafka_ports.broker}"
        if self.config.dapr_api_token:
            env["DAPR_API_TOKEN"] = self.config.dapr_api_token
        env.update(self.config.sidecar_env)
        return env

    def start_instance(self, name: str) -> None:
        self.start_daprd(name)
        self.start_app(name)

    def start_app(self, name: str) -> None:
        instance = self.instances[name]
        argv = [
            sys.executable, "-m", "uvicorn", APP_MODULES[instance.service],
            "--host", "127.0.0.1",
            "--port", str(instance.app_port),
            "--no-access-log",
            "--log-level", "warning",
            # Protocol ping/pong is the websocket service's liveness (see its settings).
            "--ws-ping-interval", self._app_setting(instance, "PING_INTERVAL_SECONDS"),
            "--ws-ping-timeout", self._app_setting(instance, "PING_TIMEOUT_SECONDS"),
            "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip
        env = self._app_env(instance)
        if instance.service == "backend" and self.config.backend_workers > 1:
            # Migrate once, here, rather than racing in every worker's start-up.
            migrate = [sys.executable, "-m", "todo_backend.migrate"]
            done = subprocess.run(migrate, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise StackError(f"backend migration failed:\n{done.stderr[-2000:]}")
            env["BACKEND_MIGRATE_ON_STARTUP"] = "false"
            argv += ["--workers", str(self.config.backend_workers)]
        instance.app = self._process(name, argv, env, REPO_ROOT)

    def start_daprd(self, name: str) -> None:
        instance = self.instances[name]
        # Seconds may have passed since the plan was checked: its ephemeral-range ports
        # again (the app addresses only the HTTP port).
        instance.sidecar, changes = settle_sidecar(instance.sidecar, f"{name} sidecar")
        self._report_port_changes(changes)
        sidecar = instance.sidecar
        argv = [
            str(dapr_binary("daprd")),
            "--app-id", instance.service,
            "--app-port", str(instance.app_port),
            "--app-protocol", "http",
            "--dapr-http-port", str(sidecar.http),
            "--dapr-grpc-port", str(sidecar.grpc),
            "--dapr-internal-grpc-port", str(sidecar.internal_grpc),
            "--dapr-listen-addresses", "127.0.0.1",
            "--metrics-port", str(sidecar.metrics),
            "--enable-metrics",
            "--resources-path", str(self.components_dir),
            "--config", str(self.config.config_file),
            "--scheduler-host-address", f"127.0.0.1:{self.config.ports.scheduler.grpc}",
            "--placement-host-address", "",
            "--log-as-json",
            "--log-level", os.environ.get("DAPR_LOG_LEVEL", "info"),
        ]  # fmt: skip
        # POD_NAME is what `{podName}` in a component means: websocket-pubsub names the
        # replica's consumer group after it, stable across restarts (as the app's
        # WEBSOCKET_REPLICA_ID, the same instance name).
        env = {**self._daprd_env(), "POD_NAME": name}
        instance.daprd = self._process(f"{name}-daprd", argv, env, self.config.data_dir)

    def stop_instance(self, name: str) -> None:
        instance = self.instances[name]
        if instance.app:
            instance.app.stop()
        if instance.daprd:
            instance.daprd.stop()

    def kill_instance(self, name: str) -> None:
        """SIGKILL the app and its sidecar, as a crashed pod would die."""
        instance = self.instances[name]
        for process in (instance.app, instance.daprd):
            if process:
                process.kill()

    def kill_app(self, name: str) -> None:
        """SIGKILL only the app (its sidecar stays), as an OOM-killed container would die."""
        app = self.instances[name].app
        if app:
            app.kill()

    def restart_app(self, name: str) -> None:
        app = self.instances[name].app
        if app:
            app.stop()
        self.start_app(name)
        self.wait_ready(name)

    def restart_instance(self, name: str) -> None:
        self.stop_instance(name)
        self.start_instance(name)
        self.wait_ready(name)

    # -- one process at a time (fault injection) --------------------------------------

    def process_names(self) -> list[str]:
        """What `stop_process`/`start_process` accept: every app (by instance name), every
        sidecar (`<instance>-daprd`), `scheduler`, and `redis` and `kafka` when this stack
        started them."""
        names = [n for i in self.instances.values() for n in (i.name, f"{i.name}-daprd")]
        brokers = [name for name, p in (("redis", self.redis), ("kafka", self.kafka)) if p]
        return [*names, "scheduler", *brokers]

    def stop_process(self, name: str, *, kill: bool = True) -> None:
        """SIGKILL (as a crash would) or, with `kill=False`, stop one process gracefully."""
        process = self._named_process(name)
        if process is None:
            return
        if kill:
            process.kill()
        else:
            process.stop()

    def start_process(self, name: str) -> None:
        """Start one process again with the same ports and configuration; returns once it
        (and, for an app or a sidecar, its instance) is ready."""
        if name == "scheduler":
            self.start_scheduler()
        elif name == "redis":
            if self.redis is None:
                raise StackError("this stack did not start Redis, so it cannot restart it")
            self.redis.start()
            port = self.config.ports.redis
            wait_until(lambda: is_listening(port), 15, f"redis on port {port}")
        elif name == "kafka":
            if self.kafka is None:
                raise StackError("this stack did not start Kafka, so it cannot restart it")
            self.kafka.start()  # same data folder and ports: what it acknowledged is kept
        elif name.endswith("-daprd") and name.removesuffix("-daprd") in self.instances:
            instance = name.removesuffix("-daprd")
            self.start_daprd(instance)
            self.wait_ready(instance)
        elif name in self.instances:
            self.start_app(name)
            self.wait_ready(name)
        else:
            raise StackError(f"no process {name!r}; one of {', '.join(self.process_names())}")

    def restart_process(self, name: str, *, kill: bool = True) -> None:
        self.stop_process(name, kill=kill)
        self.start_process(name)

    def _named_process(self, name: str) -> ManagedProcess | None:
        if name == "scheduler":
            return self.scheduler
        if name == "redis":
            return self.redis
        if name == "kafka":
            return self.kafka.process if self.kafka else None
        if name.endswith("-daprd") and name.removesuffix("-daprd") in self.instances:
            return self.instances[name.removesuffix("-daprd")].daprd
        if name in self.instances:
            return self.instances[name].app
        raise StackError(f"no process {name!r}; one of {', '.join(self.process_names())}")

    # -- readiness -------------------------------------------------------------------

    @staticmethod
    def _http_ok(url: str, process: ManagedProcess | None) -> bool:
        if process is not None and not process.is_running():
            raise StackError(
                f"{process.name} exited with code {process.returncode()}\n{process.tail()}"
            )
        try:
            return httpx.get(url, timeout=2.0).status_code in (200, 204)
        except httpx.HTTPError:
            return False

    def _wait_subscribed(self, instance: Instance, deadline: float) -> None:
        """On Kafka, ready also waits for the instance's consumer groups to be assigned
        their topics (see devstack.kafka.wait_for_groups)."""
        if self.config.pubsub != "kafka":
            return
        token = self._daprd_env().get("DAPR_API_TOKEN")
        response = httpx.get(
            f"http://127.0.0.1:{instance.sidecar.http}/v1.0/metadata",
            headers={"dapr-api-token": token} if token else {},
            timeout=5.0,
        )
        groups: dict[str, set[str]] = {}
        for subscription in response.json().get("subscriptions") or []:
            # websocket-pubsub groups per replica ({podName}); pubsub per app id.
            per_replica = subscription["pubsubname"] == "websocket-pubsub"
            group = instance.name if per_replica else instance.service
            groups.setdefault(group, set()).add(subscription["topic"])
        remaining = max(deadline - time.monotonic(), 10.0)
        wait_for_groups(f"127.0.0.1:{self.config.kafka_ports.broker}", groups, remaining)

    def wait_ready(self, name: str) -> None:
        instance = self.instances[name]
        deadline = time.monotonic() + self.config.ready_timeout
        url = f"{instance.base_url}/health/ready"
        while time.monotonic() < deadline:
            for process in (instance.daprd, instance.app):
                if process is not None and not process.is_running():
                    raise StackError(
                        f"{process.name} exited with code {process.returncode()} before ready:\n"
                        f"{process.tail()}"
                    )
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    self._wait_subscribed(instance, deadline)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        last = ""
        try:
            last = httpx.get(url, timeout=2.0).text
        except httpx.HTTPError as exc:
            last = repr(exc)
        tails = "\n".join(
            f"--- {p.name} ---\n{p.tail(25)}" for p in (instance.daprd, instance.app) if p
        )
        raise StackError(
            f"{name} did not become ready within {self.config.ready_timeout:.0f}s "
            f"({url} -> {last})\n{tails}"
        )
