"""Port plans: the contract's defaults for `make run`, free ports for tests.

The contract's ports (apps 8000-8003, sidecar HTTP 3500-3503 and gRPC 50001-50004,
scheduler 50006) stay the defaults. The ports nothing outside the stack talks to (sidecar
internal gRPC and metrics, the scheduler's healthz, metrics and etcd) sit below the
kernel's ephemeral range (32768-60999 by default), where an outgoing connection can never
hold them. Before anything starts, `settle_ports` checks every port of a plan: a busy
internal one is replaced by a free port (and reported); a busy public one stops the start
with a message naming the process that holds it.
"""

import random
import socket
from collections.abc import Callable, Iterable
from contextlib import closing, suppress
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TypeVar

import psutil

SERVICES = ("backend", "websocket", "reminders", "notification")


# Ports this process has handed out: the kernel may offer a just-closed port again, and
# two parts of one stack (an app and some sidecar's metrics port) must never share one.
_handed_out: set[int] = set()


# Free ports come from below the kernel's ephemeral range when there is room there: a port
# the kernel picks (bind to 0) is one it may also give, moments later, to an outgoing
# connection of this very stack, and the process it was meant for then fails to listen.
FREE_PORTS_FROM = 20000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    upper = _ephemeral_start()
    while upper - FREE_PORTS_FROM > 1000:
        port = random.randrange(FREE_PORTS_FROM, upper)
        if port not in _handed_out and _bindable(port):
            _handed_out.add(port)
            return port
    while True:  # no room below the ephemeral range: let the kernel choose
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass(frozen=True)
class SidecarPorts:
    http: int
    grpc: int
    internal_grpc: int
    metrics: int


@dataclass(frozen=True)
class SchedulerPorts:
    grpc: int
    healthz: int
    metrics: int
    etcd_client: int
    etcd_peer: int


@dataclass(frozen=True)
class PortPlan:
    apps: dict[str, int]
    sidecars: dict[str, SidecarPorts]
    scheduler: SchedulerPorts
    redis: int

    @classmethod
    def defaults(cls) -> "PortPlan":
        return cls(
            apps={name: 8000 + i for i, name in enumerate(SERVICES)},
            sidecars={
                name: SidecarPorts(
                    http=3500 + i, grpc=50001 + i, internal_grpc=3520 + i, metrics=9090 + i
                )
                for i, name in enumerate(SERVICES)
            },
            scheduler=SchedulerPorts(
                grpc=50006, healthz=3507, metrics=3508, etcd_client=3579, etcd_peer=3580
            ),
            redis=6379,
        )

    @classmethod
    def free(cls) -> "PortPlan":
        return cls(
            apps={name: free_port() for name in SERVICES},
            sidecars={name: free_sidecar_ports() for name in SERVICES},
            scheduler=SchedulerPorts(*(free_port() for _ in range(5))),
            redis=free_port(),
        )


def free_sidecar_ports() -> SidecarPorts:
    return SidecarPorts(free_port(), free_port(), free_port(), free_port())


# -- checking a plan before start-up -------------------------------------------------

G = TypeVar("G", SidecarPorts, SchedulerPorts)

# Which ports a client of the stack may address (the contract's): never moved silently.
PUBLIC_SIDECAR_PORTS = frozenset({"http"})


class PortsBusyError(RuntimeError):
    """A public port of the plan is held by another process; the message names it."""


@dataclass(frozen=True)
class PortChange:
    label: str
    wanted: int
    given: int
    holder: str

    def __str__(self) -> str:
        return f"{self.label}: port {self.wanted} is held by {self.holder}; using {self.given}"


def ephemeral_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            low, high = handle.read().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def can_bind(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a listener could take the port now. SO_REUSEADDR as daprd, uvicorn and Redis
    set it: a socket in TIME_WAIT does not block, an outgoing connection's local port does."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def port_holder(port: int) -> str:
    """Who holds a local TCP port, e.g. `pid 4242 (redis-server), LISTEN`."""
    with suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="inet"):
            if conn.laddr and conn.laddr.port == port:
                name = "?"
                if conn.pid is not None:
                    with suppress(psutil.Error):
                        name = psutil.Process(conn.pid).name()
                remote = f" to {conn.raddr.ip}:{conn.raddr.port}" if conn.raddr else ""
                who = f"pid {conn.pid} ({name})" if conn.pid is not None else "another user"
                return f"{who}, {conn.status}{remote}"
    return "an unknown process"


def settle_ports(
    plan: PortPlan,
    *,
    check_redis: bool = True,
    available: Callable[[int], bool] = can_bind,
    spare_port: Callable[[], int] = free_port,
) -> tuple[PortPlan, list[PortChange]]:
    """Check every port of `plan`; returns the plan to use and what was moved.

    Raises PortsBusyError naming every busy public port (and its holder) at once.
    """
    wanted = _plan_ports(plan, check_redis=check_redis)
    duplicates = sorted({port for port in wanted if wanted.count(port) > 1})
    if duplicates:
        raise PortsBusyError(f"the port plan uses these ports twice: {duplicates}")
    changes: list[PortChange] = []
    busy: list[str] = []

    def settle(label: str, port: int, public: bool) -> int:
        if available(port):
            return port
        holder = port_holder(port)
        if public:
            busy.append(f"  {label} port {port} is held by {holder}")
            return port
        given = spare_port()
        while given in wanted or not available(given):
            given = spare_port()
        changes.append(PortChange(label, port, given, holder))
        return given

    settled = replace(
        plan,
        apps={name: settle(f"{name} app", port, True) for name, port in plan.apps.items()},
        sidecars={
            name: _settle_group(sidecar, f"{name} sidecar", settle, PUBLIC_SIDECAR_PORTS)
            for name, sidecar in plan.sidecars.items()
        },
        scheduler=_settle_group(plan.scheduler, "scheduler", settle, frozenset()),
        redis=settle("redis", plan.redis, True) if check_redis else plan.redis,
    )
    if busy:
        raise PortsBusyError(
            "ports the system needs are in use; stop what holds them and start again:\n"
            + "\n".join(busy)
        )
    return settled, changes


def settle_sidecar(
    sidecar: SidecarPorts,
    label: str,
    *,
    keep: Iterable[str] = PUBLIC_SIDECAR_PORTS,
    available: Callable[[int], bool] = can_bind,
) -> tuple[SidecarPorts, list[PortChange]]:
    """Right before one daprd starts: its internal ports again (time has passed since the
    plan was checked); `keep` names the ones that must not move (a running app uses them)."""
    changes: list[PortChange] = []

    def settle(label_: str, port: int, public: bool) -> int:
        if public or available(port):
            return port
        given = free_port()
        changes.append(PortChange(label_, port, given, port_holder(port)))
        return given

    return _settle_group(sidecar, label, settle, frozenset(keep)), changes


def _settle_group(
    group: G, label: str, settle: Callable[[str, int, bool], int], public: frozenset[str]
) -> G:
    values = {}
    for f in fields(group):
        name = f.name.replace("_", " ")
        values[f.name] = settle(f"{label} {name}", getattr(group, f.name), f.name in public)
    return type(group)(**values)


def _plan_ports(plan: PortPlan, *, check_redis: bool) -> list[int]:
    groups: list[SidecarPorts | SchedulerPorts] = [*plan.sidecars.values(), plan.scheduler]
    ports = list(plan.apps.values())
    for group in groups:
        ports += [getattr(group, f.name) for f in fields(group)]
    return [*ports, plan.redis] if check_redis else ports
