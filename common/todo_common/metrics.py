"""Prometheus metrics on a per-app registry, plus one structured log line per request.

The names are the alert rules' and dashboards' (monitoring/): rename one only together
with monitoring/alerts.yaml, the dashboard and docs/runbook.md.

- `http_requests_total` / `http_request_duration_seconds` count user traffic only (the SLO
  series); probes and scrapes (`/health*`, `/metrics`) go to `http_probe_requests_total`,
  so a kubelet probing every few seconds never dilutes the error rate or the latency.
- `events_consumed_total{service,topic,outcome}`: every CloudEvent daprd delivers to the
  app, with the app's answer (`success`, `retry`, `drop`) or `error` (an HTTP error).
- `health_check_up{check,hard}`: the last result of each readiness check (kubelet probes
  keep it fresh), which the database/Redis/sidecar-down alerts read.
- `process_*` (restarts, resident memory) and `process_memory_limit_bytes` (cgroup limit).
"""

import json
import time
from pathlib import Path

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = structlog.get_logger()

# The SLO edges are buckets: 0.5 s (REST p95), 0.8 s (chat p99), 2 s (chat p99 ceiling).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 2.0, 5.0, 10.0)
PROBE_PREFIXES = ("/health", "/metrics")
_CLOUDEVENT_TYPES = (b"application/cloudevents+json", b"application/cloudevents-batch+json")
_MAX_CAPTURED_BYTES = 1 << 20
# cgroup v2, then v1: the container's memory limit (the TodoMemoryNearLimit alert).
_CGROUP_MEMORY_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)
# cgroup v1 writes "no limit" as a huge page-aligned number.
_NO_LIMIT_ABOVE = 1 << 60


def memory_limit_bytes(candidates: tuple[Path, ...] = _CGROUP_MEMORY_LIMITS) -> float:
    """The cgroup memory limit of this process, 0 when there is none."""
    for path in candidates:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < _NO_LIMIT_ABOVE:
            return float(text)
        return 0.0
    return 0.0


class ServiceMetrics:
    def __init__(self, service: str = "") -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by route and status (probes and scrapes excluded)",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by route and status (probes and scrapes excluded)",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.probes = Counter(
            "http_probe_requests_total",
            "Health probes and metric scrapes, by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.events_consumed = Counter(
            "events_consumed_total",
            "CloudEvents delivered by daprd, by topic and the app's answer "
            "(success, retry, drop, error)",
            ["service", "topic", "outcome"],
            registry=self.registry,
        )

        self.health_checks = Gauge(
            "health_check_up",
            "Last result of each readiness check (1 healthy, 0 failing): database, redis, "
            "dapr-sidecar...",
            ["check", "hard"],
            registry=self.registry,
        )
        # process_start_time_seconds (restarts), process_resident_memory_bytes (memory).
        ProcessCollector(registry=self.registry)
        Gauge(
            "process_memory_limit_bytes",
            "Memory limit of the container (cgroup), 0 when unlimited",
            registry=self.registry,
        ).set_function(memory_limit_bytes)

    def observe_check(self, check: str, hard: bool, healthy: bool) -> None:
        self.health_checks.labels(check, str(hard).lower()).set(1 if healthy else 0)

    def observe_event(self, topic: str, outcome: str) -> None:
        self.events_consumed.labels(self.service, topic, outcome).inc()


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", "unmatched")


def is_cloudevent_delivery(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.split(b";")[0].strip().lower() in _CLOUDEVENT_TYPES
    return False


def event_topic(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return "unknown"
    topic = document.get("topic") if isinstance(document, dict) else None
    return topic if isinstance(topic, str) and topic else "unknown"


def event_outcome(status: int, body: bytes) -> str:
    """The app's answer to daprd: its `{"status": ...}` reply, or `error` for an HTTP error."""
    if status >= 400:
        return "error"
    try:
        reply = json.loads(body) if body else {}
    except ValueError:
        return "success"
    answer = reply.get("status") if isinstance(reply, dict) else None
    return answer.lower() if answer in ("SUCCESS", "RETRY", "DROP") else "success"


class RequestObservabilityMiddleware:
    """Counts and times requests by route template (bounded label cardinality) and logs them."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        delivery = is_cloudevent_delivery(scope)
        request_body = bytearray()
        response_body = bytearray()

        async def receive_capturing() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(request_body) < _MAX_CAPTURED_BYTES:
                request_body.extend(message.get("body", b""))
            return message

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif delivery and message["type"] == "http.response.body" and len(response_body) < 4096:
                response_body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_capturing if delivery else receive, record_status)
        finally:
            elapsed = time.perf_counter() - started
            route, method = _route_template(scope), scope["method"]
            if route.startswith(PROBE_PREFIXES):
                self.metrics.probes.labels(route, str(status)).inc()
            else:
                self.metrics.requests.labels(method, route, str(status)).inc()
                self.metrics.latency.labels(method, route, str(status)).observe(elapsed)
                logger.info(
                    "http.request",
                    method=method,
                    path=scope["path"],
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                )
            if delivery:
                self.metrics.observe_event(
                    event_topic(bytes(request_body)), event_outcome(status, bytes(response_body))
                )


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/metrics", response_class=Response)
    async def metrics(request: Request) -> Response:
        service_metrics: ServiceMetrics = request.app.state.metrics
        return Response(generate_latest(service_metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
