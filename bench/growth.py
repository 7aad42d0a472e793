"""How cost grows with the work: list, search and chat versus tasks per user.

Each size gets a user of its own, seeded straight into PostgreSQL (the API path is not
what is measured here), then sequential requests from one client: latency is the
server's work, not queueing.
"""

import time
import uuid

import asyncpg

from bench.context import Bench
from bench.load import api_session
from bench.records import Figure, Floor, latency_figure
from bench.stats import summary_ms
from todo_common.auth import create_token

TARGET_LIST_RATIO = 2.0
WORDS = ["buy", "call", "fix", "clean", "book", "pay", "email", "plan"]
SEED_TASKS = """
INSERT INTO task (id, owner_id, title, completed, priority, due_at, created_at, updated_at)
SELECT gen_random_uuid()::text, $1,
       ($3::text[])[1 + g % 8] || ' item ' || g || ' ' || left(md5(g::text), 6),
       g % 4 = 0, (ARRAY['low','medium','high'])[1 + g % 3],
       CASE WHEN g % 3 = 0 THEN NULL ELSE now() + (g % 90 - 30) * interval '1 day' END,
       now() - g * interval '1 second', now()
FROM generate_series(1, $2) AS g
"""
SEED_TAGS = """
INSERT INTO task_tag (task_id, tag)
SELECT id, 'tag' || (abs(hashtext(id)) % 10) FROM task WHERE owner_id = $1
"""
CHAT_MESSAGES = ["mark renew the passport as done", "show my high priority tasks"]


async def seed(database_url: str, user: str, tasks: int) -> None:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        async with connection.transaction():
            await connection.execute(SEED_TASKS, user, tasks, WORDS)
            await connection.execute(SEED_TAGS, user)
        # Vacuumed as a table in steady state is (visibility map set: index-only counts).
        await connection.execute("VACUUM (ANALYZE) task")
        await connection.execute("VACUUM (ANALYZE) task_tag")
    finally:
        await connection.close()


async def run(bench: Bench) -> list[Figure]:
    sizes = [100, 1000, 10_000] if bench.quick else [100, 1000, 10_000, 100_000]
    requests = 20 if bench.quick else 50
    stack = bench.stack
    figures: list[Figure] = []
    lists: dict[int, Figure] = {}
    async with api_session(stack.instances["backend"].base_url, 4) as api:
        for size in sizes:
            user = f"growth-{size}-{uuid.uuid4().hex[:6]}"
            await seed(bench.database_url, user, size)
            headers = {"Authorization": f"Bearer {create_token(user, stack.config.jwt_secret)}"}
            queries = {
                "list": {"status": "pending", "sort": "due_at", "limit": "50"},
                "search": {"q": "clean", "limit": "50"},
                "tag_filter": {"tag": "tag3", "sort": "priority", "order": "desc", "limit": "50"},
            }
            for kind, params in queries.items():
                for _ in range(3):  # warm-up: plans, connections
                    async with api.get("/api/tasks", params=params, headers=headers) as r:
                        await r.read()
                latencies = []
                with bench.account.measure() as cpu:
                    for _ in range(requests):
                        started = time.perf_counter()
                        async with api.get("/api/tasks", params=params, headers=headers) as r:
                            await r.read()
                        latencies.append(time.perf_counter() - started)
                figure = latency_figure(
                    f"{kind}.tasks_per_user.{size}",
                    summary_ms(latencies),
                    cpu_ms_per_op=cpu.per_op_ms(requests),
                    parameters={"tasks_per_user": size, "query": params},
                )
                figures.append(figure)
                if kind == "list":
                    lists[size] = figure
            latencies = []
            with bench.account.measure() as cpu:
                for i in range(requests):
                    body = {"message": CHAT_MESSAGES[i % len(CHAT_MESSAGES)]}
                    started = time.perf_counter()
                    async with api.post("/api/chat", json=body, headers=headers) as r:
                        await r.read()
                    latencies.append(time.perf_counter() - started)
            figures.append(
                latency_figure(
                    f"chat.tasks_per_user.{size}",
                    summary_ms(latencies),
                    cpu_ms_per_op=cpu.per_op_ms(requests),
                    parameters={"tasks_per_user": size, "messages": CHAT_MESSAGES},
                )
            )
    if 100 in lists and 10_000 in lists:
        at_100, at_10k = lists[100].p50, lists[10_000].p50
        if at_100 and at_10k:
            lists[10_000].against(
                at_10k, Floor("list.tasks_per_user.100 p50", at_100), TARGET_LIST_RATIO
            )
            lists[10_000].parameters["compared"] = "list p50 at 10,000 tasks vs at 100"
    return figures
