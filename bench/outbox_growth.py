"""Outbox / event-log table size and relay cost over a long run at a steady rate.

The bench's backend keeps published events for a short retention
(BACKEND_EVENT_LOG_RETENTION_HOURS, see bench/__main__.py), so pruning has to keep the table
flat during the run: rows and backend CPU per second are sampled as the run goes.
"""

import asyncio
import time
import uuid

import asyncpg
import numpy as np

from bench.context import Bench
from bench.load import api_session, open_arrivals
from bench.records import Figure, latency_figure
from bench.stats import summary_ms
from todo_common.auth import create_token

RATE = 40
COUNTS = "SELECT count(*), count(*) FILTER (WHERE published_at IS NULL) FROM outbox_event"


async def run(bench: Bench, *, retention_seconds: float) -> list[Figure]:
    duration = retention_seconds * (3 if bench.quick else 4)
    interval = max(2.0, duration / 20)
    stack = bench.stack
    users = [f"outbox-{uuid.uuid4().hex[:6]}-{i}" for i in range(20)]
    headers = [
        {"Authorization": f"Bearer {create_token(u, stack.config.jwt_secret)}"} for u in users
    ]
    database = await asyncpg.connect(bench.database_url.replace("postgresql+asyncpg", "postgresql"))
    samples: list[dict[str, float]] = []

    async def sample() -> None:
        begin = time.perf_counter()
        last_cpu = bench.account.cpu_seconds()["backend"]
        while True:
            await asyncio.sleep(interval)
            rows, pending = await database.fetchrow(COUNTS)
            cpu = bench.account.cpu_seconds()["backend"]
            samples.append(
                {
                    "seconds": round(time.perf_counter() - begin, 1),
                    "rows": rows,
                    "pending": pending,
                    "backend_cpu_ms_per_s": round((cpu - last_cpu) * 1000 / interval, 1),
                }
            )
            last_cpu = cpu

    try:
        async with api_session(stack.instances["backend"].base_url, 50) as api:

            async def create(index: int) -> None:
                body = {"title": f"steady {index}"}
                async with api.post("/api/tasks", json=body, headers=headers[index % 20]) as r:
                    await r.read()

            sampler = asyncio.create_task(sample())
            latencies, errors = await open_arrivals(RATE, duration, create)
            sampler.cancel()
    finally:
        await database.close()
    # Growth law of the table over the second half of the run: flat means pruning keeps up.
    second_half = samples[len(samples) // 2 :]
    slope = (
        float(
            np.polyfit([s["seconds"] for s in second_half], [s["rows"] for s in second_half], 1)[0]
        )
        if len(second_half) >= 2
        else None
    )
    return [
        latency_figure(
            "outbox.steady_run.create",
            summary_ms(latencies),
            rate=RATE,
            parameters={
                "seconds": duration,
                "retention_seconds": retention_seconds,
                "errors": errors,
                "samples": samples,
                "rows_per_second_second_half": round(slope, 2) if slope is not None else None,
            },
        )
    ]
