"""Load generators: closed-loop workers and open-arrival schedules (latency from intended time)."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp


def api_session(base_url: str, connections: int) -> aiohttp.ClientSession:
    """The load generator's HTTP client: aiohttp, because it shares the machine's two
    cores with the system under test and costs a fraction of httpx's CPU per request."""
    return aiohttp.ClientSession(
        base_url,
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=60),
        raise_for_status=True,
    )


async def closed_loop(
    workers: int, per_worker: int, call: Callable[[int, int], Awaitable[None]]
) -> tuple[list[float], float]:
    """`workers` concurrent clients each making `per_worker` calls back to back."""
    latencies: list[float] = []

    async def worker(w: int) -> None:
        for i in range(per_worker):
            started = time.perf_counter()
            await call(w, i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(workers)))
    return latencies, time.perf_counter() - started


async def open_arrivals(
    rate: float, duration: float, call: Callable[[int], Awaitable[None]]
) -> tuple[list[float], int]:
    """Start calls on a fixed schedule whatever the responses do; latency counts from the
    intended start, so a slow server cannot hide its queueing (no coordinated omission)."""
    latencies: list[float] = []
    errors = 0

    async def one(index: int, intended: float) -> None:
        nonlocal errors
        try:
            await call(index)
        except Exception:
            errors += 1
            return
        latencies.append(time.perf_counter() - intended)

    await on_schedule(int(rate * duration), rate, one)
    return latencies, errors


async def on_schedule(
    total: int, rate: float, start: Callable[[int, float], Coroutine[Any, Any, None]]
) -> None:
    """`start(index, intended_time)` for `total` indexes, `rate` per second from now, each
    started on time however long the earlier ones take; returns when all are done."""
    begin = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    for index in range(total):
        intended = begin + index / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(start(index, intended)))
    await asyncio.gather(*tasks)
