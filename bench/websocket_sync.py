"""REST create → WebSocket receive latency through the whole path, and idle capacity.

Path: HTTP create → PostgreSQL commit (+ outbox row) → relay → daprd → Redis Streams →
daprd (websocket-pubsub) → websocket app → client.
"""

import asyncio
import random
import time
import uuid
from typing import Any

import aiohttp
import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from bench.load import api_session
from bench.stats import summary_ms
from devstack.stack import Stack
from todo_common.auth import create_token

TARGETS = {"p99_ms": 50, "lost": 0, "idle_rss_mib": 1024}


async def _connect_many(
    url: str, tokens: list[str], concurrency: int = 200
) -> list[ClientConnection]:
    gate = asyncio.Semaphore(concurrency)

    async def one(token: str) -> ClientConnection:
        async with gate:
            ws = await connect(
                f"{url}?token={token}", open_timeout=60, ping_interval=None, max_queue=None
            )
            # As docs/api.md asks of a client that does not resume: say something, and the
            # server goes live at once (instead of holding messages for the resume grace).
            await ws.send('{"type": "ping"}')
            return ws

    return list(await asyncio.gather(*(one(t) for t in tokens)))


async def latency(
    stack: Stack, *, users: int, clients_per_user: int, rate: float, duration: float
) -> dict[str, Any]:
    secret = stack.config.jwt_secret
    ws_url = f"ws://127.0.0.1:{stack.instances['websocket'].app_port}/ws"
    user_ids = [f"bench-ws-{uuid.uuid4().hex[:6]}-{i}" for i in range(users)]
    tokens = {u: create_token(u, secret) for u in user_ids}
    connections = await _connect_many(
        ws_url, [tokens[u] for u in user_ids for _ in range(clients_per_user)]
    )
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received = 0
    errors = 0

    async def reader(ws: ClientConnection) -> None:
        nonlocal received
        import json

        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "task.created":
                title = message["data"]["title"]
                if title in sent_at:
                    latencies.append(time.perf_counter() - sent_at[title])
                    received += 1

    async def keep_alive(ws: ClientConnection) -> None:
        # The server closes clients silent for a minute; real clients ping.
        while True:
            await asyncio.sleep(20)
            await ws.send('{"type": "ping"}')

    readers = [asyncio.create_task(reader(ws)) for ws in connections]
    readers += [asyncio.create_task(keep_alive(ws)) for ws in connections]
    total = int(rate * duration)
    async with api_session(stack.instances["backend"].base_url, 100) as api:

        async def change(index: int, intended: float) -> None:
            nonlocal errors
            user = random.choice(user_ids)
            title = f"ws-bench {index} {uuid.uuid4().hex[:6]}"
            sent_at[title] = intended
            headers = {"Authorization": f"Bearer {tokens[user]}"}
            try:
                async with api.post("/api/tasks", json={"title": title}, headers=headers) as r:
                    await r.read()
            except aiohttp.ClientError:
                errors += 1
                del sent_at[title]

        begin = time.perf_counter()
        pending = []
        for index in range(total):
            intended = begin + index / rate
            delay = intended - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(change(index, intended)))
        await asyncio.gather(*pending)
        expected = (total - errors) * clients_per_user
        deadline = time.perf_counter() + 30
        while received < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in connections), return_exceptions=True)
    return {
        "users": users,
        "connections": len(connections),
        "changes": total,
        "failed_requests": errors,
        "rate_per_second": rate,
        "expected_deliveries": expected,
        "delivered": received,
        "lost": expected - received,
        "latency": summary_ms(latencies),
    }


async def idle_capacity(stack: Stack, *, connections: int) -> dict[str, Any]:
    app = stack.instances["websocket"].app
    assert app is not None and app.pid is not None
    process = psutil.Process(app.pid)
    before = process.memory_info().rss
    secret = stack.config.jwt_secret
    ws_url = f"ws://127.0.0.1:{stack.instances['websocket'].app_port}/ws"
    tokens = [create_token(f"idle-{i}", secret) for i in range(connections)]
    started = time.perf_counter()
    opened = await _connect_many(ws_url, tokens)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(3)
    stats = httpx.get(f"{stack.instances['websocket'].base_url}/stats").json()
    rss = process.memory_info().rss
    await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)
    return {
        "connections": len(opened),
        "server_reported_active": stats["active_connections"],
        "connect_seconds": round(connect_seconds, 1),
        "rss_mib": round(rss / 2**20, 1),
        "rss_mib_before": round(before / 2**20, 1),
        "kib_per_connection": round((rss - before) / 1024 / max(1, len(opened)), 1),
    }


async def run(stack: Stack, *, quick: bool = False) -> dict[str, Any]:
    users = 50 if quick else 500
    rates = [50, 200] if quick else [50, 100, 150, 200]  # 200/s: the load
    by_rate = {
        f"create_to_websocket_{rate}_per_second": await latency(
            stack, users=users, clients_per_user=2, rate=rate, duration=5 if quick else 20
        )
        for rate in rates
    }
    holding = [
        rate
        for rate, result in zip(rates, by_rate.values(), strict=True)
        if result["lost"] == 0 and result["latency"]["p99_ms"] <= TARGETS["p99_ms"]
    ]
    return {
        **by_rate,
        "highest_rate_with_p99_within_target": max(holding, default=0),
        "idle": await idle_capacity(stack, connections=500 if quick else 10_000),
        "targets": TARGETS,
    }
