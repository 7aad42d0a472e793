"""Port plans: the contract's defaults for `make run`, free ports for tests."""

import socket
from contextlib import closing
from dataclasses import dataclass

SERVICES = ("backend", "websocket", "reminders", "notification")


# Ports this process has handed out: the kernel may offer a just-closed port again, and
# two parts of one stack (an app and some sidecar's metrics port) must never share one.
_handed_out: set[int] = set()


def free_port() -> int:
    while True:
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
                    http=3500 + i, grpc=50001 + i, internal_grpc=50020 + i, metrics=9090 + i
                )
                for i, name in enumerate(SERVICES)
            },
            scheduler=SchedulerPorts(
                grpc=50006, healthz=50007, metrics=50008, etcd_client=52379, etcd_peer=52380
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
