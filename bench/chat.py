"""Chat turns, one user alone, against the encode floor; open arrivals in the full run.

Messages: the NLU development set (varied phrasing of every intent), with the backend's
embedding cache off, so every turn pays for one encode. The floor is one ONNX encode of
the same messages in a process of its own (bench/floors/encode.py); the same messages'
parse alone (bench/parse.py, `chat.parse.one_user`) sits beside it.
"""

import asyncio
import itertools
import json
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import todo_backend.nlu
from bench.context import Bench
from bench.load import api_session, open_arrivals
from bench.records import REPO_ROOT, Figure, Floor, latency_figure
from bench.stats import percentile, summary_ms
from todo_common.auth import create_token

TARGET_CPU_RATIO = 2.0
SLO_P99_MS = 800
P50_BAR_MS = 20.0
BACKEND_RSS_BAR_MIB = 400.0


def messages() -> list[str]:
    data = Path(todo_backend.nlu.__file__).parent / "data"
    for name in ("dev.jsonl", "evaluation.jsonl", "training.jsonl"):
        if (data / name).exists():
            lines = (data / name).read_text().splitlines()
            return [json.loads(line)["text"] for line in lines if line.strip()]
    raise FileNotFoundError(f"no NLU data under {data}")


def in_own_process(module: str, texts: list[str], tmp: Path) -> dict[str, Any]:
    """`python -m module MESSAGES_JSON`'s JSON line: the messages alone in a fresh process."""
    path = tmp / "chat-messages.json"
    path.write_text(json.dumps(texts))
    done = subprocess.run(
        [sys.executable, "-m", module, str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def run(bench: Bench) -> list[Figure]:
    stack = bench.stack
    texts = random.Random(7).sample(messages(), len(messages()))
    turns = 60 if bench.quick else 300
    sample = list(itertools.islice(itertools.cycle(texts), turns))
    user = f"bench-chat-{uuid.uuid4().hex[:6]}"
    headers = {"Authorization": f"Bearer {create_token(user, stack.config.jwt_secret)}"}
    figures = []
    async with api_session(stack.instances["backend"].base_url, 200) as api:

        async def turn(message: str, who: dict[str, str] = headers) -> None:
            # A conversation per turn: the message is read as a new request, not a follow-up.
            async with api.post("/api/chat", json={"message": message}, headers=who) as r:
                await r.read()

        for message in texts[:20]:  # warm-up
            await turn(message)
        alone = []
        with bench.account.measure() as cpu:
            for message in sample:
                started = time.perf_counter()
                await turn(message)
                alone.append(time.perf_counter() - started)
        floor = in_own_process("bench.floors.encode", sample, bench.tmp)
        parse = in_own_process("bench.parse", sample, bench.tmp)
        one_user = latency_figure(
            "chat.turn.one_user",
            summary_ms(alone),
            cpu_ms_per_op={
                **cpu.per_op_ms(turns),
                "system": cpu.total_per_op_ms(turns, exclude=("loadgen",)),
            },
            rss_mib=bench.account.rss_mib(),
            parameters={"turns": turns, "encode_cache": 0},
        )
        backend_ms = cpu.per_op_ms(turns)["backend"]
        one_user.against(
            backend_ms,
            Floor("floor.encode cpu_ms_per_encode", floor["cpu_ms_per_encode"]),
            TARGET_CPU_RATIO,
        )
        one_user.parameters["compared"] = "backend CPU ms per chat turn"
        # Issue 12's bars for one user's turn, absolute: read them beside the floors' ratios.
        backend_rss = one_user.rss_mib.get("backend")
        one_user.parameters |= {
            "p50_bar_ms": P50_BAR_MS,
            "meets_p50_bar": one_user.p50 is not None and one_user.p50 <= P50_BAR_MS,
            "p50_over_encode_floor_p50": (
                round(one_user.p50 / floor["wall"]["p50_ms"], 2)
                if one_user.p50 and floor["wall"]["p50_ms"]
                else None
            ),
            "backend_rss_bar_mib": BACKEND_RSS_BAR_MIB,
            "meets_backend_rss_bar": backend_rss is not None and backend_rss <= BACKEND_RSS_BAR_MIB,
        }
        parse_figure = latency_figure(
            "chat.parse.one_user",
            parse["wall"],
            cpu_ms_per_op={"parse": parse["cpu_ms_per_parse"]},
            rss_mib={"parse": parse["rss_mib"]},
            parameters={
                "parses": parse["parses"],
                "encodes_per_parse": parse["encodes_per_parse"],
                "encode_cache": 0,
            },
        )
        parse_figure.against(
            parse["cpu_ms_per_parse"],
            Floor("floor.encode cpu_ms_per_encode", floor["cpu_ms_per_encode"]),
        )
        parse_figure.parameters["compared"] = "CPU ms per parse (NluPipeline.parse, own process)"
        figures += [
            one_user,
            parse_figure,
            latency_figure(
                "floor.encode",
                floor["wall"],
                cpu_ms_per_op={"floor": floor["cpu_ms_per_encode"]},
                rss_mib={"floor": floor["rss_mib"]},
                parameters={"encodes": floor["encodes"]},
            ),
        ]
        if bench.quick:
            return figures

        users = [
            {"Authorization": f"Bearer {create_token(f'{user}-{i}', stack.config.jwt_secret)}"}
            for i in range(50)
        ]
        cycle = itertools.cycle(texts)
        for rate in (25, 50, 75, 100):
            with bench.account.measure() as rate_cpu:
                latencies, errors = await open_arrivals(
                    rate, 10, lambda i: turn(next(cycle), users[i % len(users)])
                )
            done = len(latencies)
            figures.append(
                latency_figure(
                    f"chat.turn.open_arrivals.{rate}_per_second",
                    summary_ms(latencies),
                    rate=rate,
                    cpu_ms_per_op=rate_cpu.per_op_ms(done),
                    parameters={
                        "errors": errors,
                        "seconds": 10,
                        "within_slo": percentile(latencies, 99) * 1000 <= SLO_P99_MS,
                    },
                )
            )
            await asyncio.sleep(3)  # let the backlog drain
    return figures
