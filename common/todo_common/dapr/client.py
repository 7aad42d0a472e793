"""A thin async client for the Dapr sidecar's HTTP API (the services' only way to Dapr).

Component names live here, and only here, in Python; `dapr/components/` and the Helm
chart use the same names. Why not the official SDK: docs/architecture.md (measured).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from pydantic import BaseModel

from todo_common.correlation import CORRELATION_HEADER, current_correlation_id
from todo_common.events import CloudEvent
from todo_common.settings import ServiceSettings
from todo_common.telemetry import step_span, trace_headers

PUBSUB = "pubsub"
# Same broker as PUBSUB, but with a consumer group per instance, so every websocket
# replica receives every message (Dapr's default is competing consumers per app id).
WEBSOCKET_PUBSUB = "websocket-pubsub"
STATESTORE = "statestore"
WEBHOOK_BINDING = "notification-webhook"
SMTP_BINDING = "notification-smtp"


class DaprError(Exception):
    def __init__(self, operation: str, status_code: int | None, detail: str) -> None:
        super().__init__(f"dapr {operation} failed ({status_code}): {detail[:500]}")
        self.operation = operation
        self.status_code = status_code
        self.detail = detail


def _failed_bulk_entries(detail: str) -> dict[str, str] | None:
    """The `failedEntries` of a bulk publish error response, or None when it has none."""
    try:
        entries = json.loads(detail).get("failedEntries")
    except (ValueError, AttributeError):
        return None
    if not entries:
        return None
    return {str(e.get("entryId")): str(e.get("error", "failed")) for e in entries}


class StateConflictError(DaprError):
    """A state write lost: its ETag no longer matches (409)."""


@dataclass(frozen=True)
class StateEntry:
    """A state value with the ETag to write it back conditionally (None when absent)."""

    value: Any | None
    etag: str | None


@dataclass(frozen=True)
class DaprResponse:
    """A sidecar answer, read in full."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class DaprClient:
    """The sidecar's HTTP API on one aiohttp session (much less CPU per call than httpx,
    which matters on hot paths: the outbox relay, chat context, event deliveries)."""

    def __init__(self, base_url: str, *, api_token: str | None = None, timeout: float = 5.0):
        self._base_url = base_url
        self._headers = {"dapr-api-token": api_token} if api_token else {}
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None  # needs a running loop: lazy

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, *, timeout: float | None = None
    ) -> "DaprClient":
        """The client for this service's own sidecar."""
        return cls(
            settings.dapr_base_url,
            api_token=settings.dapr_api_token,
            timeout=timeout or settings.dapr_timeout_seconds,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @staticmethod
    def _context_headers() -> dict[str, str]:
        headers = trace_headers()
        correlation_id = current_correlation_id()
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        return headers

    async def _send(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: str | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> DaprResponse:
        """One call, whatever its status; DaprError when the sidecar cannot be reached."""
        if self._session is None:
            self._session = aiohttp.ClientSession(base_url=self._base_url, headers=self._headers)
        try:
            with step_span(f"dapr {operation}"):
                async with self._session.request(
                    method,
                    url,
                    params=params,
                    data=content,
                    json=json,
                    headers={**self._context_headers(), **(headers or {})},
                    timeout=aiohttp.ClientTimeout(total=timeout or self._timeout),
                ) as response:
                    return DaprResponse(response.status, await response.read(), response.headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DaprError(operation, None, repr(exc)) from exc

    async def _request(self, operation: str, method: str, url: str, **kwargs: Any) -> DaprResponse:
        """`_send`, and DaprError for any error status."""
        response = await self._send(operation, method, url, **kwargs)
        if response.status_code >= 400:
            raise DaprError(operation, response.status_code, response.text[:20_000])
        return response

    async def publish(self, pubsub: str, topic: str, event: CloudEvent) -> None:
        """Publish our own CloudEvent as-is (Dapr keeps its id, type and extensions)."""
        await self._request(
            "publish",
            "POST",
            f"/v1.0/publish/{pubsub}/{topic}",
            content=event.model_dump_json(exclude_none=True),
            headers={"Content-Type": "application/cloudevents+json"},
        )

    async def publish_bulk(
        self,
        pubsub: str,
        topic: str,
        events: Sequence[tuple[str, str]],
        *,
        partition_keys: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Publish serialized CloudEvents `(id, json)` in one call; returns {id: error} of
        the ones that failed (Dapr's bulk publish is not transactional).

        `rawPayload` makes daprd forward each event byte for byte (our id, type, correlation
        and trace context included) instead of re-wrapping it; subscribers still receive a
        CloudEvent. Entries are published concurrently: callers must not put two events
        whose relative order matters into one call.

        `partition_keys` ({id: key}) become each entry's `partitionKey` metadata: on Kafka the
        message key, so one key's events share a partition and keep their order (Redis
        Streams ignores it).
        """
        keys = partition_keys or {}
        body = (
            "["
            + ",".join(
                f'{{"entryId":{json.dumps(event_id)},"event":{payload},'
                '"contentType":"application/cloudevents+json"'
                + (
                    f',"metadata":{{"partitionKey":{json.dumps(keys[event_id])}}}}}'
                    if event_id in keys
                    else "}"
                )
                for event_id, payload in events
            )
            + "]"
        )
        try:
            await self._request(
                "bulk publish",
                "POST",
                f"/v1.0-alpha1/publish/bulk/{pubsub}/{topic}",
                params={"metadata.rawPayload": "true"},
                content=body,
                headers={"Content-Type": "application/json"},
            )
        except DaprError as exc:
            failed = _failed_bulk_entries(exc.detail)
            if failed is None:  # the call itself failed: nothing is known to be published
                return {event_id: str(exc) for event_id, _ in events}
            return failed
        return {}

    async def get_state(self, store: str, key: str) -> Any | None:
        return (await self.get_state_entry(store, key)).value

    async def get_state_entry(self, store: str, key: str) -> StateEntry:
        response = await self._request("get state", "GET", f"/v1.0/state/{store}/{quote(key)}")
        if response.status_code != 200 or not response.content:
            return StateEntry(None, None)
        return StateEntry(response.json(), response.headers.get("etag"))

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
        """Save a value; with `etag` only over that version (else StateConflictError).

        `first_write` asks for first-write-wins concurrency: without an ETag the write
        fails when the key already exists (Dapr reports that as a plain error, not 409).
        """
        item: dict[str, Any] = {"key": key, "value": value}
        if ttl_seconds is not None:
            item["metadata"] = {"ttlInSeconds": str(ttl_seconds)}
        if etag is not None:
            item["etag"] = etag
        if first_write:
            item["options"] = {"concurrency": "first-write"}
        try:
            await self._request("save state", "POST", f"/v1.0/state/{store}", json=[item])
        except DaprError as exc:
            if exc.status_code == 409:
                raise StateConflictError("save state", 409, str(exc)) from exc
            raise

    async def delete_state(self, store: str, key: str) -> None:
        await self._request("delete state", "DELETE", f"/v1.0/state/{store}/{quote(key)}")

    async def invoke(
        self,
        app_id: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> DaprResponse:
        """Service invocation; returns the callee's response whatever its status."""
        url = f"/v1.0/invoke/{app_id}/method/{path.lstrip('/')}"
        return await self._send("invoke", method, url, json=json, headers=headers)

    async def invoke_binding(
        self, name: str, operation: str, data: Any, metadata: dict[str, str] | None = None
    ) -> DaprResponse:
        body = {"operation": operation, "data": data, "metadata": metadata or {}}
        return await self._request("binding", "POST", f"/v1.0/bindings/{name}", json=body)

    async def schedule_job(
        self,
        name: str,
        *,
        due_time: str,
        data: Any,
        overwrite: bool = True,
        failure_policy: dict[str, Any] | None = None,
    ) -> None:
        """Jobs API (alpha): a one-shot job the scheduler fires at `due_time` (RFC 3339).

        `failure_policy` is the Jobs API's, e.g. `{"constant": {"interval": "2s",
        "maxRetries": 30}}`; without it the scheduler retries a failed trigger 3 times.
        """
        body: dict[str, Any] = {"dueTime": due_time, "data": data, "overwrite": overwrite}
        if failure_policy is not None:
            body["failurePolicy"] = failure_policy
        await self._request("schedule job", "POST", f"/v1.0-alpha1/jobs/{quote(name)}", json=body)

    async def get_job(self, name: str) -> dict[str, Any] | None:
        """The job as the scheduler holds it, or None when there is no such job.

        It is a round trip to the scheduler: while the scheduler is unreachable the
        sidecar holds the call (until this client's timeout), which makes it a readiness
        probe too.
        """
        try:
            response = await self._request("get job", "GET", f"/v1.0-alpha1/jobs/{quote(name)}")
        except DaprError as exc:
            if exc.status_code in (404, 500) and "not found" in str(exc).lower():
                return None
            raise
        job: dict[str, Any] = response.json()
        return job

    async def delete_job(self, name: str) -> None:
        try:
            await self._request("delete job", "DELETE", f"/v1.0-alpha1/jobs/{quote(name)}")
        except DaprError as exc:
            if exc.status_code not in (404, 500) or "not found" not in str(exc).lower():
                raise

    async def metadata(self) -> dict[str, Any]:
        """The sidecar's `GET /v1.0/metadata` (components, subscriptions, scheduler, ...)."""
        response = await self._request("metadata", "GET", "/v1.0/metadata")
        body: dict[str, Any] = response.json()
        return body

    async def is_healthy(self) -> bool:
        """Sidecar ready for outbound calls (does not wait on this app being up)."""
        try:
            response = await self._send("health", "GET", "/v1.0/healthz/outbound", timeout=2.0)
        except DaprError:
            return False
        return response.status_code == 204


async def save_record(
    dapr: DaprClient, store: str, key: str, record: BaseModel, *, etag: str | None, ttl_seconds: int
) -> None:
    """Write a keyed record over the version read (`etag`), or as the first write when none
    was read: delivery is at least once, so two handlers may race for one key and exactly
    one wins (the other gets StateConflictError, or DaprError for a lost first write)."""
    await dapr.save_state(
        store,
        key,
        record.model_dump(mode="json"),
        etag=etag,
        first_write=True,
        ttl_seconds=ttl_seconds,
    )
