"""OpenTelemetry tracing: a tracer provider always (so logs carry trace ids), exporters opt-in.

Dapr propagates W3C `traceparent` on every hop; the middleware continues that trace, and
`trace_headers()` hands it on to the next hop (publish, service invocation).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todo_common.settings import TracingExporter


def configure_tracing(
    service_name: str, exporter: TracingExporter, endpoint: str | None = None
) -> None:
    """Install the global tracer provider once per process (OpenTelemetry's own model)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    span_exporter: SpanExporter | None = None
    if exporter is TracingExporter.CONSOLE:
        span_exporter = ConsoleSpanExporter()
    elif exporter is TracingExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # OTEL_EXPORTER_OTLP_ENDPOINT is a base URL (the standard): traces go to
        # <base>/v1/traces. Unset, the exporter reads the OTEL_* variables itself.
        span_exporter = (
            OTLPSpanExporter(endpoint=traces_endpoint(endpoint)) if endpoint else OTLPSpanExporter()
        )
    if span_exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(span_exporter))
    trace.set_tracer_provider(provider)


def traces_endpoint(base: str) -> str:
    """The OTLP/HTTP traces URL for an OTEL_EXPORTER_OTLP_ENDPOINT base URL."""
    base = base.rstrip("/")
    return base if base.endswith("/v1/traces") else f"{base}/v1/traces"


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


@contextmanager
def step_span(name: str) -> Iterator[None]:
    """A child of the current span for one step of the work (the model, the commit, a
    sidecar call), so a trace shows where a request's time went."""
    with trace.get_tracer("todo-chatbot").start_as_current_span(name):
        yield


@contextmanager
def linked_span(name: str, traceparent: str | None, tracer_name: str) -> Iterator[None]:
    """A span for deferred work (a reminder the scheduler fires hours later) in the trace
    at hand (the trigger's), linked to the trace that asked for it: one click from the
    reminder back to the change that set it."""
    link_context = trace.get_current_span(
        propagate.extract({"traceparent": traceparent} if traceparent else {})
    ).get_span_context()
    links = [trace.Link(link_context)] if link_context.is_valid else []
    tracer = trace.get_tracer(tracer_name)
    with tracer.start_as_current_span(name, links=links):
        yield


def trace_headers() -> dict[str, str]:
    """W3C trace context of the current span, for an outgoing call or event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


class TracingMiddleware:
    """One server span per HTTP request / WebSocket session, continuing an incoming trace."""

    def __init__(self, app: ASGIApp, service_name: str) -> None:
        self.app = app
        self.tracer = trace.get_tracer(service_name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        parent = propagate.extract(headers)
        method = scope.get("method", "WS")
        with self.tracer.start_as_current_span(
            f"{method} {scope['path']}", context=parent, kind=trace.SpanKind.SERVER
        ) as span:
            span.set_attribute("http.route", scope["path"])

            async def send_recording_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_recording_status)
