"""Idle WebSocket memory versus connections: the websocket service against a bare uvicorn
WebSocket endpoint (bench/floors/websocket_app.py) holding the same connections.

The figure is the slope (KiB per connection, a least-squares fit of RSS over the counts),
so the processes' fixed start-up memory does not dilute it.
"""

import asyncio
from collections.abc import Callable
from typing import Any

import numpy as np
import psutil
from websockets.asyncio.client import ClientConnection, connect

from bench.context import Bench
from bench.records import Figure, Floor
from todo_common.auth import create_token

TARGET_RATIO = 1.5


def _rss_mib(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss / 2**20)


async def _curve(
    url_for: Callable[[int], str], pid: int, counts: list[int], hello: str | None
) -> tuple[list[dict[str, float]], float]:
    opened: list[ClientConnection] = []
    gate = asyncio.Semaphore(200)

    async def one(index: int) -> ClientConnection:
        async with gate:
            ws = await connect(url_for(index), open_timeout=60, ping_interval=None)
            if hello:
                await ws.send(hello)
            return ws

    points = [{"connections": 0.0, "rss_mib": _rss_mib(pid)}]
    try:
        for count in counts:
            opened += await asyncio.gather(*(one(i) for i in range(len(opened), count)))
            await asyncio.sleep(2)  # let the server finish accepting and settle
            points.append({"connections": float(len(opened)), "rss_mib": _rss_mib(pid)})
    finally:
        await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)
    xs = np.array([p["connections"] for p in points])
    ys = np.array([p["rss_mib"] for p in points])
    slope_mib = float(np.polyfit(xs, ys, 1)[0])
    return points, slope_mib * 1024


async def run(bench: Bench) -> list[Figure]:
    counts = [200, 400, 800] if bench.quick else [1000, 2500, 5000, 10_000]
    stack = bench.stack
    instance = stack.instances["websocket"]
    assert instance.app is not None and instance.app.pid is not None
    secret = stack.config.jwt_secret
    tokens = [create_token(f"idle-{i}", secret) for i in range(counts[-1])]
    port = instance.app_port
    points, kib = await _curve(
        lambda i: f"ws://127.0.0.1:{port}/ws?token={tokens[i]}",
        instance.app.pid,
        counts,
        '{"type": "ping"}',
    )
    floor_base, floor_pid = bench.start_floor("websocket_app")
    floor_url = floor_base.replace("http://", "ws://") + "/ws"
    floor_points, floor_kib = await _curve(lambda _: floor_url, floor_pid, counts, None)
    parameters: dict[str, Any] = {"counts": counts, "points": points}
    service = Figure(
        "websocket.idle_kib_per_connection",
        "KiB",
        p50=round(kib, 1),
        rss_mib={"websocket": points[-1]["rss_mib"]},
        parameters=parameters,
    ).against(
        round(kib, 1),
        Floor("floor.websocket_idle_kib_per_connection", round(floor_kib, 1)),
        TARGET_RATIO,
    )
    floor = Figure(
        "floor.websocket_idle_kib_per_connection",
        "KiB",
        p50=round(floor_kib, 1),
        rss_mib={"floor": floor_points[-1]["rss_mib"]},
        parameters={"counts": counts, "points": floor_points},
    )
    return [service, floor]
