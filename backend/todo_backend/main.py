"""The backend app factory: REST task API, chat, and the outbox relay."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text

from todo_backend.chat.metrics import ChatMetrics
from todo_backend.chat.routes import router as chat_router
from todo_backend.consumer_lag import sample_consumer_lag
from todo_backend.db import create_engine, create_sessionmaker
from todo_backend.deps import BackendState
from todo_backend.errors import add_database_error_handlers
from todo_backend.metrics import ConsumerLagMetrics, OutboxMetrics
from todo_backend.migrate import upgrade_to_head
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.outbox.relay import OutboxRelay
from todo_backend.outbox.routes import router as event_log_router
from todo_backend.ratelimit import RateLimiter
from todo_backend.settings import BackendSettings
from todo_backend.tasks.routes import internal_router
from todo_backend.tasks.routes import router as tasks_router
from todo_backend.web.routes import add_web_client
from todo_common.app import create_service_app
from todo_common.dapr.client import DaprClient
from todo_common.limits import BodySizeLimitMiddleware


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel until it is done: a cancellation raised inside a client library's call can be
    swallowed by it (redis-py), and shutdown must not then wait forever."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    with suppress(asyncio.CancelledError):
        await task


def create_app(settings: BackendSettings | None = None) -> FastAPI:
    settings = settings or BackendSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.should_migrate_on_startup:
            await asyncio.to_thread(upgrade_to_head, settings.database_url)
        engine = create_engine(settings.database_url)
        dapr = DaprClient.from_settings(settings)
        relay = OutboxRelay(
            engine,
            dapr,
            batch_size=settings.outbox_batch_size,
            poll_seconds=settings.outbox_poll_seconds,
            max_backoff_seconds=settings.outbox_max_backoff_seconds,
            retention=timedelta(hours=settings.event_log_retention_hours),
            fault=settings.outbox_fault,
            metrics=app.state.outbox_metrics,
        )
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        rate_limiter = RateLimiter(redis, limit_per_minute=settings.rate_limit_per_minute)
        # The model loads in a thread: a few seconds of CPU the event loop need not wait on.
        nlu = await asyncio.to_thread(
            NluPipeline.create,
            model_path=settings.nlu_model_path,
            inference_threads=settings.nlu_inference_threads,
            encode_cache_size=settings.nlu_encode_cache_size,
            model_budget_seconds=settings.nlu_model_budget_ms / 1000 or None,
        )
        app.state.backend = BackendState(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            dapr=dapr,
            relay=relay,
            rate_limiter=rate_limiter,
            nlu=nlu,
        )
        # Read by the chat routes (and the NLU evaluation's in-memory state store).
        app.state.nlu = nlu
        app.state.dapr = dapr

        async def database_reachable() -> bool:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True

        app.state.health.add("database", database_reachable)
        app.state.health.add("dapr-sidecar", dapr.is_healthy)
        # Soft: without Redis the rate limiter counts per replica, requests still succeed.
        app.state.health.add("redis", rate_limiter.ping, hard=False)

        async def nlu_model_loaded() -> bool:
            return nlu.model_loaded

        # Soft: without the model, chat still works through the rule-based fallback.
        app.state.health.add("nlu-model", nlu_model_loaded, hard=False)
        relay_task = (
            asyncio.create_task(relay.run(), name="outbox-relay")
            if settings.outbox_relay_enabled
            else None
        )
        lag_task = asyncio.create_task(
            sample_consumer_lag(redis, app.state.consumer_lag_metrics), name="consumer-lag"
        )
        try:
            yield
        finally:
            await _cancel(lag_task)
            if relay_task:
                await _cancel(relay_task)
            await redis.aclose()
            await dapr.aclose()
            await engine.dispose()

    app = create_service_app(
        settings,
        title="todo-chatbot backend",
        description="Tasks over REST and chat; every change is published through Dapr.",
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    add_database_error_handlers(app)
    app.state.chat_metrics = ChatMetrics(app.state.metrics.registry)
    app.state.outbox_metrics = OutboxMetrics(app.state.metrics.registry)
    app.state.consumer_lag_metrics = ConsumerLagMetrics(app.state.metrics.registry)
    app.include_router(tasks_router)
    app.include_router(chat_router)
    app.include_router(internal_router)
    app.include_router(event_log_router)
    add_web_client(app, settings)
    return app


app = create_app()
