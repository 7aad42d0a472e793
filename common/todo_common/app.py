"""What every service's `create_app` starts from: logging, tracing, errors, health, metrics."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from todo_common.correlation import CorrelationIdMiddleware
from todo_common.dapr.client import DaprError
from todo_common.errors import add_exception_handlers, service_unavailable_response
from todo_common.health import HealthRegistry, health_router
from todo_common.http_security import add_http_security
from todo_common.logging import configure_logging
from todo_common.metrics import RequestObservabilityMiddleware, ServiceMetrics, metrics_router
from todo_common.settings import ServiceSettings
from todo_common.telemetry import TracingMiddleware, configure_tracing

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


async def _sidecar_failed(_: Request, exc: Exception) -> JSONResponse:
    # The sidecar (or the component behind it) failing is a dependency away, not a bug.
    return service_unavailable_response("a dependency is unavailable; retry the request")


def create_service_app(
    settings: ServiceSettings, *, title: str, description: str, lifespan: Lifespan
) -> FastAPI:
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name, settings.otel_exporter, settings.otel_endpoint)
    # FastAPI's own OpenTelemetry instrumentation would trace every request a second time;
    # TracingMiddleware (which continues Dapr's traceparent) is the one we keep.
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.metrics = ServiceMetrics(settings.service_name)
    app.state.health = HealthRegistry(app.state.metrics.observe_check)
    add_exception_handlers(app)
    app.add_exception_handler(DaprError, _sidecar_failed)
    add_http_security(app, settings)
    # Added last = outermost: correlation first, so every later layer logs with it.
    app.add_middleware(RequestObservabilityMiddleware, metrics=app.state.metrics)
    app.add_middleware(TracingMiddleware, service_name=settings.service_name)
    app.add_middleware(CorrelationIdMiddleware)
    app.include_router(health_router())
    app.include_router(metrics_router())
    return app
