"""REST create and list on PostgreSQL with real Dapr publishing on, and the create floor.

CPU per create is the whole system's (every app, sidecar, PostgreSQL, Redis, the
scheduler), the load generator reported beside it; the floor is bench/floors/create_app.py
on the same PostgreSQL and Redis, driven by the same load.
"""

from typing import Any

from bench.context import Bench
from bench.cpu import Group, ProcessAccount
from bench.load import api_session, closed_loop
from bench.records import Figure, Floor, latency_figure
from bench.stats import summary_ms
from todo_common.auth import create_token

CLIENTS = 50
TARGET_CPU_RATIO = 3.0
NOT_THE_SYSTEM = ("loadgen",)


async def _creates(
    base: str, path: str, tokens: list[str], per_client: int
) -> tuple[list[float], float]:
    async with api_session(base, CLIENTS) as client:

        async def create(worker: int, i: int) -> None:
            body = {"title": f"task {i}", "priority": "high" if i % 3 else "low", "tags": ["bench"]}
            headers = {"Authorization": f"Bearer {tokens[worker]}"}
            async with client.post(path, json=body, headers=headers) as response:
                await response.read()

        await closed_loop(CLIENTS, 2, create)  # warm-up: connections, caches
        return await closed_loop(CLIENTS, per_client, create)


async def _measured_creates(
    name: str,
    account: ProcessAccount,
    target: tuple[str, str],
    tokens: list[str],
    per_client: int,
    params: dict[str, Any],
) -> tuple[Figure, float]:
    """The create figure for one target (base URL, path), measured on `account`, and its
    whole-system CPU ms per create (warm-up creates counted: the CPU covers them too)."""
    with account.measure() as cpu:
        latencies, wall = await _creates(*target, tokens, per_client)
    creates = len(latencies) + 2 * CLIENTS
    system_ms = cpu.total_per_op_ms(creates, exclude=NOT_THE_SYSTEM)
    figure = latency_figure(
        name,
        summary_ms(latencies),
        rate=round(len(latencies) / wall, 1),
        cpu_ms_per_op={**cpu.per_op_ms(creates), "system": system_ms},
        rss_mib=account.rss_mib(),
        parameters=dict(params),
    )
    return figure, system_ms


async def run(bench: Bench) -> list[Figure]:
    per_client = 10 if bench.quick else 100
    stack = bench.stack
    base = stack.instances["backend"].base_url
    tokens = [create_token(f"bench-rest-{i}", stack.config.jwt_secret) for i in range(CLIENTS)]
    params: dict[str, Any] = {"clients": CLIENTS, "per_client": per_client, "db": "postgresql"}

    create, system_ms = await _measured_creates(
        "rest.create", bench.account, (base, "/api/tasks"), tokens, per_client, params
    )

    floor_base, floor_pid = bench.start_floor(
        "create_app",
        {
            "FLOOR_DATABASE_URL": bench.database_url,
            "FLOOR_REDIS_URL": bench.redis_url,
            "JWT_SECRET": stack.config.jwt_secret,
        },
    )
    floor_account = ProcessAccount(
        {name: bench.account.groups[name] for name in ("postgres", "redis", "loadgen")}
        | {"floor": Group(lambda: [floor_pid])}
    )
    floor_figure, floor_ms = await _measured_creates(
        "floor.create", floor_account, (floor_base, "/tasks"), tokens, per_client, params
    )
    create.against(
        system_ms, Floor("floor.create cpu_ms_per_op.system", floor_ms), TARGET_CPU_RATIO
    )
    create.parameters["compared"] = "whole-system CPU ms per create"

    async with api_session(base, CLIENTS) as client:

        async def list_page(worker: int, i: int) -> None:
            query = {"status": "pending", "sort": "priority", "order": "desc", "limit": "50"}
            headers = {"Authorization": f"Bearer {tokens[worker]}"}
            async with client.get("/api/tasks", params=query, headers=headers) as response:
                await response.read()

        with bench.account.measure() as list_cpu:
            list_latencies, list_wall = await closed_loop(CLIENTS, per_client, list_page)
    lists = len(list_latencies)
    listing = latency_figure(
        "rest.list",
        summary_ms(list_latencies),
        rate=round(lists / list_wall, 1),
        cpu_ms_per_op={
            **list_cpu.per_op_ms(lists),
            "system": list_cpu.total_per_op_ms(lists, exclude=NOT_THE_SYSTEM),
        },
        rss_mib=bench.account.rss_mib(),
        parameters={**params, "page": 50},
    )
    return [create, floor_figure, listing]
