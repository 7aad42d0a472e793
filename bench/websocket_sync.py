"""REST create → WebSocket receive latency through the whole path, versus rate and clients.

Path: HTTP create → PostgreSQL commit (+ outbox row) → relay → daprd → Redis Streams →
daprd (websocket-pubsub) → websocket app → client.
"""

import asyncio
import random
import time
import uuid
from typing import Any

import aiohttp
from websockets.asyncio.client import ClientConnection, connect

from bench.context import Bench
from bench.floors.event_hop import redis_round_trips
from bench.load import api_session, on_schedule
from bench.records import Figure, Floor, latency_figure
from bench.stats import summary_ms
from devstack.stack import Stack
from todo_common.auth import create_token


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
    stack: Stack,
    *,
    users: int,
    clients_per_user: int,
    rate: float,
    duration: float,
    instance: str = "websocket",
) -> dict[str, Any]:
    secret = stack.config.jwt_secret
    ws_url = f"ws://127.0.0.1:{stack.instances[instance].app_port}/ws"
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
        # As the web page does (a ping every 20 s); the server's liveness is protocol
        # ping/pong, so this only keeps the clients' traffic like real ones.
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

        await on_schedule(total, rate, change)
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


async def _measured(bench: Bench, name: str, **kwargs: Any) -> Figure:
    with bench.account.measure() as cpu:
        result = await latency(bench.stack, **kwargs)
    delivered = max(1, result["delivered"])
    return latency_figure(
        name,
        result["latency"],
        rate=kwargs["rate"],
        cpu_ms_per_op={
            **cpu.per_op_ms(delivered),
            "system": cpu.total_per_op_ms(delivered, exclude=("loadgen",)),
        },
        rss_mib=bench.account.rss_mib(),
        parameters={k: v for k, v in result.items() if k != "latency"},
    )


async def run(bench: Bench) -> list[Figure]:
    """create → WebSocket latency versus offered rate, then versus connected clients; the
    raw Redis Streams hop at the lowest rate is the floor of the event part of the path."""
    figures = await run_on_broker(bench, "redis")
    hop = await redis_round_trips(bench.redis_url, count=250 if bench.quick else 1000, rate=50)
    hop_figure = latency_figure("floor.redis_stream_hop", hop["latency"], rate=50)
    if figures[0].p50 is not None and hop_figure.p50:
        figures[0].against(figures[0].p50, Floor("floor.redis_stream_hop p50", hop_figure.p50))
        figures[0].parameters["compared"] = "p50 ms (the path adds an HTTP create and two sidecars)"
    for clients in [100, 500] if bench.quick else [100, 1000, 5000]:
        figures.append(
            await _measured(
                bench,
                f"websocket.create_to_client.clients.{clients}",
                users=max(1, clients // 2),
                clients_per_user=2,
                rate=50,
                duration=3 if bench.quick else 20,
            )
        )
    return [*figures, hop_figure]


async def run_on_broker(bench: Bench, broker: str) -> list[Figure]:
    """The rate sweep on the stack's broker; the first figure is at 50 creates/s."""
    quick = bench.quick
    rates = [50, 150] if quick else [50, 100, 150, 200]
    prefix = "websocket" if broker == "redis" else f"websocket.{broker}"
    return [
        await _measured(
            bench,
            f"{prefix}.create_to_client.rate.{rate}",
            users=50 if quick else 500,
            clients_per_user=2,
            rate=rate,
            duration=3 if quick else 20,
        )
        for rate in rates
    ]
