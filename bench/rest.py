"""REST create and list throughput and latency on PostgreSQL, with real Dapr publishing on."""

from typing import Any

from bench.load import api_session, closed_loop
from bench.stats import summary_ms
from devstack.stack import Stack
from todo_common.auth import create_token

CLIENTS = 50
TARGETS = {"creates_per_second": 500, "list_p99_ms": 20}


async def run(stack: Stack, *, quick: bool = False) -> dict[str, Any]:
    per_client = 20 if quick else 100
    base = stack.instances["backend"].base_url
    secret = stack.config.jwt_secret
    tokens = [create_token(f"bench-rest-{i}", secret) for i in range(CLIENTS)]
    async with api_session(base, CLIENTS) as client:

        async def create(worker: int, i: int) -> None:
            body = {"title": f"task {i}", "priority": "high" if i % 3 else "low", "tags": ["bench"]}
            headers = {"Authorization": f"Bearer {tokens[worker]}"}
            async with client.post("/api/tasks", json=body, headers=headers) as response:
                await response.read()

        async def list_page(worker: int, i: int) -> None:
            params = {"status": "pending", "sort": "priority", "order": "desc", "limit": "50"}
            headers = {"Authorization": f"Bearer {tokens[worker]}"}
            async with client.get("/api/tasks", params=params, headers=headers) as response:
                await response.read()

        await closed_loop(CLIENTS, 2, create)  # warm-up: connections, caches
        create_latencies, create_wall = await closed_loop(CLIENTS, per_client, create)
        list_latencies, list_wall = await closed_loop(CLIENTS, per_client, list_page)

    creates = len(create_latencies)
    return {
        "concurrent_clients": CLIENTS,
        "database": "postgresql",
        "create": {**summary_ms(create_latencies), "per_second": round(creates / create_wall, 1)},
        "list": {
            **summary_ms(list_latencies),
            "per_second": round(len(list_latencies) / list_wall, 1),
        },
        "targets": TARGETS,
    }
