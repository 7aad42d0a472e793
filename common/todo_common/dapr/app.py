"""The app side of a Dapr service: what daprd calls and how the app answers it.

Programmatic subscriptions, the sidecar-only guard, subscriber outcomes and their replies,
the job-trigger route, and the sidecar client's start-up and shutdown in a lifespan.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Body, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from todo_common.correlation import correlation_scope
from todo_common.dapr.client import DaprClient
from todo_common.errors import AuthenticationError
from todo_common.events import CloudEvent
from todo_common.settings import ServiceSettings


@dataclass(frozen=True)
class Subscription:
    pubsub: str
    topic: str
    route: str
    dead_letter_topic: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    # A CEL expression over the CloudEvent: daprd acknowledges events that do not match
    # without calling the app at all.
    match: str | None = None

    def as_dapr(self) -> dict[str, Any]:
        body: dict[str, Any] = {"pubsubname": self.pubsub, "topic": self.topic}
        if self.match:
            body["routes"] = {"rules": [{"match": self.match, "path": self.route}]}
        else:
            body["route"] = self.route
        if self.dead_letter_topic:
            body["deadLetterTopic"] = self.dead_letter_topic
        if self.metadata:
            body["metadata"] = self.metadata
        return body


def subscription_router(subscriptions: Sequence[Subscription]) -> APIRouter:
    """Programmatic subscriptions: daprd reads `GET /dapr/subscribe` at start-up."""
    router = APIRouter(include_in_schema=False)

    @router.get("/dapr/subscribe")
    async def dapr_subscribe() -> list[dict[str, Any]]:
        return [subscription.as_dapr() for subscription in subscriptions]

    return router


async def require_dapr_caller(request: Request) -> None:
    """Dependency for routes only the sidecar may call (subscriptions, jobs, internal APIs)."""
    expected: str | None = request.app.state.settings.app_api_token
    if expected and request.headers.get("dapr-api-token") != expected:
        raise AuthenticationError("this route is reachable only through the Dapr sidecar")


# Subscriber replies understood by daprd: ack, redeliver later, or drop (dead-letter).
SUCCESS = {"status": "SUCCESS"}
RETRY = {"status": "RETRY"}
DROP = {"status": "DROP"}


class Outcome(StrEnum):
    """What a subscriber or job handler made of one delivery (delivery is at least once)."""

    DONE = "done"
    DROPPED = "dropped"  # permanently unusable or stale: acknowledged, never retried
    RETRY = "retry"  # transient failure: deliver or trigger again later


_SUBSCRIBER_REPLIES = {Outcome.DONE: SUCCESS, Outcome.DROPPED: DROP, Outcome.RETRY: RETRY}


def subscriber_reply(outcome: Outcome) -> dict[str, str]:
    """The body daprd expects from a subscriber route for this outcome."""
    return _SUBSCRIBER_REPLIES[outcome]


def job_response(outcome: Outcome) -> JSONResponse:
    """A job trigger's answer: 2xx acknowledges (also a stale or unusable trigger, dropped
    with a log line); 503 makes the scheduler retry per the job's failure policy."""
    return JSONResponse({"status": outcome}, status_code=503 if outcome is Outcome.RETRY else 200)


# What a job trigger runs: (request, job name, the job's `data` as sent) → its outcome.
JobTrigger = Callable[[Request, str, Any], Awaitable[Outcome]]
EventHandler = Callable[[Request, CloudEvent], Awaitable[Outcome]]


def topic_router(route: str, handle: EventHandler) -> APIRouter:
    """`POST <route>`: where daprd delivers a subscription's events (sidecar only), with the
    event's correlation id in scope and the handler's outcome as daprd's reply. Delivery
    is at least once: handlers must be idempotent."""
    router = APIRouter(include_in_schema=False, dependencies=[Depends(require_dapr_caller)])

    @router.post(route)
    async def on_event(request: Request, event: CloudEvent) -> dict[str, str]:
        with correlation_scope(event.correlationid):
            return subscriber_reply(await handle(request, event))

    return router


def job_router(trigger: JobTrigger, *, prefix: str = "") -> APIRouter:
    """`POST /job/{name}`: the scheduler's call when a job is due (sidecar only), with the
    job's `data` as the JSON body, answered by `job_response`. A name without `prefix` is
    not one of this app's jobs: 404, which the scheduler takes as final (no retry)."""
    router = APIRouter(include_in_schema=False, dependencies=[Depends(require_dapr_caller)])

    @router.post("/job/{name}")
    async def on_job(request: Request, name: str, body: Any = Body(None)) -> JSONResponse:
        if not name.startswith(prefix):
            return JSONResponse({"detail": f"unknown job {name}"}, status_code=404)
        return job_response(await trigger(request, name, body))

    return router


def unwrap_job_data(body: Any) -> Any:
    """The job's `data` as sent; tolerate the protobuf `Any` wrapping of older runtimes."""
    if isinstance(body, dict) and "@type" in body and "value" in body:
        return body["value"]
    return body


@asynccontextmanager
async def sidecar_client(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    timeout: float | None = None,
    client: DaprClient | None = None,
) -> AsyncIterator[DaprClient]:
    """The app's client for its own sidecar for the lifespan of the app: kept on
    `app.state.dapr`, the sidecar's health a hard readiness check, closed on shutdown.

    `client`: one the app built at create time, because parts made there hold it (its
    session opens on first use, in the loop); it is adopted instead of building another.
    """
    dapr = client or DaprClient.from_settings(settings, timeout=timeout)
    app.state.dapr = dapr
    app.state.health.add("dapr-sidecar", dapr.is_healthy)
    try:
        yield dapr
    finally:
        await dapr.aclose()
