"""Per-process CPU and memory account: what each process of the system spent on a piece of work.

A group is a named set of root pids (an app with its uvicorn workers, a sidecar, the
PostgreSQL postmaster with its backends...); its CPU is the sum over the roots and their
live children. `measure()` snapshots before and after, so CPU per operation is the delta
divided by the operations done in between.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

from devstack.stack import Stack

PidSource = Callable[[], list[int]]


@dataclass(frozen=True)
class Group:
    pids: PidSource
    with_children: bool = True


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


@dataclass
class CpuDelta:
    seconds: dict[str, float] = field(default_factory=dict)

    def per_op_ms(self, operations: int) -> dict[str, float]:
        ops = max(1, operations)
        return {name: round(s * 1000 / ops, 3) for name, s in self.seconds.items()}

    def total_per_op_ms(self, operations: int, exclude: tuple[str, ...] = ()) -> float:
        ops = max(1, operations)
        spent = sum(s for name, s in self.seconds.items() if name not in exclude)
        return round(spent * 1000 / ops, 3)


class ProcessAccount:
    def __init__(self, groups: dict[str, Group]) -> None:
        self.groups = groups

    def add(self, name: str, pid: int, *, with_children: bool = True) -> None:
        self.groups[name] = Group(lambda: [pid], with_children)

    def _processes(self, name: str) -> list[psutil.Process]:
        group = self.groups[name]
        seen: dict[int, psutil.Process] = {}
        for pid in group.pids():
            for process in _tree(pid)[: None if group.with_children else 1]:
                seen[process.pid] = process
        return list(seen.values())

    def _cpu_by_process(self) -> dict[str, dict[tuple[int, float], float]]:
        """CPU seconds per (pid, create time) of every group: a process that starts during
        a measurement counts from zero, one that ends stops counting (never negative)."""
        snapshot: dict[str, dict[tuple[int, float], float]] = {}
        for name in self.groups:
            snapshot[name] = {}
            for process in self._processes(name):
                try:
                    key = (process.pid, process.create_time())
                except psutil.NoSuchProcess:
                    continue
                snapshot[name][key] = _cpu_seconds(process)
        return snapshot

    def cpu_seconds(self) -> dict[str, float]:
        return {name: sum(by_pid.values()) for name, by_pid in self._cpu_by_process().items()}

    def rss_mib(self) -> dict[str, float]:
        return {
            name: round(sum(_rss(p) for p in self._processes(name)) / 2**20, 1)
            for name in self.groups
        }

    @contextmanager
    def measure(self) -> Iterator[CpuDelta]:
        delta = CpuDelta()
        before = self._cpu_by_process()
        try:
            yield delta
        finally:
            after = self._cpu_by_process()
            delta.seconds = {
                name: sum(
                    max(0.0, spent - before.get(name, {}).get(key, 0.0))
                    for key, spent in by_pid.items()
                )
                for name, by_pid in after.items()
            }


def _pid_of(process: object) -> Group:
    # Looked up at every snapshot: a restarted process has a new pid.
    def pids() -> list[int]:
        pid = getattr(process, "pid", None)
        return [pid] if isinstance(pid, int) else []

    return Group(pids)


def stack_account(stack: Stack, *, postgres_pid: int | None) -> ProcessAccount:
    """One group per app and per sidecar of the stack, plus Redis, PostgreSQL, the scheduler
    and this process: the load generator (its children excluded: the floors are separate)."""
    groups: dict[str, Group] = {}
    for name, instance in stack.instances.items():
        groups[name] = _pid_of(instance.app)
        groups[f"{name}-daprd"] = _pid_of(instance.daprd)
    groups["redis"] = _pid_of(stack.redis)
    if stack.kafka is not None:
        groups["kafka"] = _pid_of(stack.kafka.process)
    groups["scheduler"] = _pid_of(stack.scheduler)
    if postgres_pid is not None:
        groups["postgres"] = Group(lambda: [postgres_pid])
    own = os.getpid()
    groups["loadgen"] = Group(lambda: [own], with_children=False)
    return ProcessAccount(groups)
