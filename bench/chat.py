"""Chat turn latency: one user alone, an open arrival rate, and the highest rate holding the SLO."""

import asyncio
import itertools
import json
import random
import time
import uuid
from pathlib import Path
from typing import Any

import psutil

import todo_backend.nlu
from bench.load import api_session, open_arrivals
from bench.stats import percentile, summary_ms
from devstack.stack import Stack
from todo_common.auth import create_token

# Varied phrasing of every intent: the labelled evaluation set (the stack runs with the
# embedding cache off, so every turn pays for the model).
EVALUATION_SET = Path(todo_backend.nlu.__file__).parent / "data" / "evaluation.jsonl"
MESSAGES = [json.loads(line)["text"] for line in EVALUATION_SET.read_text().splitlines()]
SLO_P99_MS = 800
TARGETS = {"p99_ms_at_100_per_second": 50, "backend_rss_mib": 600}


async def run(stack: Stack, *, quick: bool = False) -> dict[str, Any]:
    secret = stack.config.jwt_secret
    users = [f"bench-chat-{uuid.uuid4().hex[:6]}-{i}" for i in range(50)]
    headers = {u: {"Authorization": f"Bearer {create_token(u, secret)}"} for u in users}
    messages = itertools.cycle(random.Random(7).sample(MESSAGES, len(MESSAGES)))
    async with api_session(stack.instances["backend"].base_url, 200) as api:

        async def turn(index: int) -> None:
            user = users[index % len(users)]
            body = {"message": next(messages)}
            async with api.post("/api/chat", json=body, headers=headers[user]) as response:
                await response.read()

        for i in range(20):  # warm-up
            await turn(i)
        alone = []
        for _ in range(50 if quick else 200):
            started = time.perf_counter()
            await turn(0)
            alone.append(time.perf_counter() - started)

        duration = 5 if quick else 20
        at_100, errors_100 = await open_arrivals(100, duration, turn)
        steps = []
        holds_at_100 = percentile(at_100, 99) * 1000 <= SLO_P99_MS
        highest_ok = 100 if holds_at_100 else 0
        # Search upwards from 100/s when it holds there, downwards when it does not.
        candidates = [150, 200, 300, 400] if holds_at_100 else [75, 50, 25, 10]
        for rate in [] if quick else candidates:
            latencies, errors = await open_arrivals(rate, 10, turn)
            p99 = percentile(latencies, 99) * 1000
            steps.append({"rate": rate, "p99_ms": round(p99, 1), "errors": errors})
            ok = p99 <= SLO_P99_MS and not errors
            if ok:
                highest_ok = max(highest_ok, rate)
            if ok != holds_at_100:
                break
            await asyncio.sleep(5)  # let the backlog of the last step drain

    app = stack.instances["backend"].app
    assert app is not None and app.pid is not None
    return {
        "one_user_sequential": summary_ms(alone),
        "open_arrival_100_per_second": {**summary_ms(at_100), "errors": errors_100},
        "rate_steps": steps,
        "highest_rate_with_p99_under_800ms": highest_ok,
        "backend_rss_mib_model_loaded": round(psutil.Process(app.pid).memory_info().rss / 2**20, 1),
        "targets": TARGETS,
    }
