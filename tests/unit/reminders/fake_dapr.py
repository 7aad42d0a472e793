"""An in-memory stand-in for the sidecar's HTTP API, for service-level unit tests.

State follows Redis' ETag rules as Dapr exposes them (first-write, 409 on a stale ETag);
jobs, publications, invocations and binding calls are recorded for assertions.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from todo_common.dapr.client import DaprError, StateConflictError, StateEntry
from todo_common.events import CloudEvent


@dataclass
class Job:
    due_time: str
    data: Any
    failure_policy: dict[str, Any] | None


@dataclass
class FakeDapr:
    state: dict[str, tuple[Any, int]] = field(default_factory=dict)
    ttls: dict[str, int | None] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    job_log: list[tuple[str, str]] = field(default_factory=list)
    published: list[tuple[str, str, CloudEvent]] = field(default_factory=list)
    invocations: list[tuple[str, str, str, Any]] = field(default_factory=list)
    bindings: list[tuple[str, str, Any, dict[str, str]]] = field(default_factory=list)
    # Hooks: answer an invocation, fail a binding/publish, or act after a job operation.
    on_invoke: Callable[[str, str, Any], httpx.Response] | None = None
    on_binding: Callable[[str, str, Any, dict[str, str]], None] | None = None
    on_publish: Callable[[str, CloudEvent], None] | None = None
    after_job_op: Callable[[str], None] | None = None
    state_down: bool = False
    scheduler_down: bool = False
    first_write_conflicts: int = 0

    # -- state ---------------------------------------------------------------------

    async def get_state_entry(self, store: str, key: str) -> StateEntry:
        await asyncio.sleep(0)  # a real call yields: let concurrent handlers interleave
        if self.state_down:
            raise DaprError("get state", 500, "state store down")
        if key not in self.state:
            return StateEntry(None, None)
        value, version = self.state[key]
        return StateEntry(value, str(version))

    async def save_state(
        self,
        store: str,
        key: str,
        value: Any,
        *,
        ttl_seconds: int | None = None,
        etag: str | None = None,
        first_write: bool = False,
    ) -> None:
        await asyncio.sleep(0)
        if self.state_down:
            raise DaprError("save state", 500, "state store down")
        current = self.state.get(key)
        if etag is not None and current is not None and str(current[1]) != etag:
            raise StateConflictError("save state", 409, "possible etag mismatch")
        if etag is None and first_write and current is not None:
            self.first_write_conflicts += 1
            raise DaprError("save state", 500, f"failed to set key {key}")
        self.state[key] = (value, (current[1] if current else 0) + 1)
        self.ttls[key] = ttl_seconds

    def put(self, key: str, value: Any) -> None:
        """Write as another replica would (bumps the version)."""
        current = self.state.get(key)
        self.state[key] = (value, (current[1] if current else 0) + 1)

    # -- jobs ----------------------------------------------------------------------

    async def schedule_job(
        self,
        name: str,
        *,
        due_time: str,
        data: Any,
        overwrite: bool = True,
        failure_policy: dict[str, Any] | None = None,
    ) -> None:
        if not overwrite and name in self.jobs:
            raise DaprError("schedule job", 409, "job already exists")
        self.jobs[name] = Job(due_time, data, failure_policy)
        self.job_log.append(("schedule", name))
        if self.after_job_op:
            self.after_job_op(name)

    async def get_job(self, name: str) -> dict[str, Any] | None:
        if self.scheduler_down:
            raise DaprError("get job", None, "ReadTimeout")
        job = self.jobs.get(name)
        return None if job is None else {"name": name, "dueTime": job.due_time, "data": job.data}

    async def delete_job(self, name: str) -> None:
        self.jobs.pop(name, None)
        self.job_log.append(("delete", name))
        if self.after_job_op:
            self.after_job_op(name)

    # -- pub/sub, invocation, bindings ---------------------------------------------

    async def publish(self, pubsub: str, topic: str, event: CloudEvent) -> None:
        if self.on_publish:
            self.on_publish(topic, event)
        self.published.append((pubsub, topic, event))

    async def invoke(
        self,
        app_id: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        self.invocations.append((app_id, method, path, json))
        if self.on_invoke is None:
            return httpx.Response(201, json={"id": "new"})
        return self.on_invoke(method, path, json)

    async def invoke_binding(
        self, name: str, operation: str, data: Any, metadata: dict[str, str] | None = None
    ) -> httpx.Response:
        if self.on_binding:
            self.on_binding(name, operation, data, metadata or {})
        self.bindings.append((name, operation, data, metadata or {}))
        return httpx.Response(200)

    def topic(self, topic: str) -> list[CloudEvent]:
        return [event for _, t, event in self.published if t == topic]
