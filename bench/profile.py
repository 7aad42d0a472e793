"""Where the backend's CPU goes on the create and chat paths: py-spy samples the backend
process of a bench system under load, and the stacks are grouped by layer.

    .venv/bin/python -m bench.profile            # create load, then chat turns, 20 s each

This is the measurement behind the missed CPU-ratio targets in docs/benchmarks.md.
"""

import asyncio
import collections
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import aiohttp

from bench.__main__ import start_system
from bench.chat import messages
from bench.rest import CLIENTS, _creates
from devstack.infra import PostgresCluster
from devstack.ports import free_port
from todo_common.auth import create_token

SECONDS = 20
# First match from the top of this list names a sample's layer (its stack contains the key).
LAYERS = [
    ("outbox relay (publish, mark sent)", "outbox/relay.py"),
    ("NLU encode (ONNX Runtime)", "nlu/encoder.py"),
    ("NLU rules, entities, dates", "todo_backend/nlu/"),
    ("chat service (context, references, replies)", "todo_backend/chat/"),
    ("rate limiter (Redis)", "ratelimit.py"),
    ("JWT", "jwt/"),
    ("task service, repository, outbox rows (SQLAlchemy, asyncpg)", "todo_backend/tasks/"),
    ("middleware (metrics, logs, correlation, tracing)", "todo_common/"),
    ("FastAPI routing and validation", "fastapi/"),
    ("uvicorn and httptools", "uvicorn/"),
]


def layer_shares(raw: Path) -> dict[str, float]:
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        name = next((n for n, key in LAYERS if key in stack), "other (asyncio, SQLAlchemy pool)")
        counts[name] += int(samples)
    total = sum(counts.values()) or 1
    return {name: round(100 * n / total, 1) for name, n in counts.most_common()}


def record(pid: int, output: Path) -> subprocess.Popen[bytes]:
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    argv = [
        spy,
        "record",
        "--pid",
        str(pid),
        "--rate",
        "200",
        "--duration",
        str(SECONDS),
        "--format",
        "raw",
        "--output",
        str(output),
        "--nonblocking",
    ]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def chat_turns(base: str, token: str, seconds: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(base) as api:
        for message in itertools.cycle(messages()):
            if time.monotonic() > deadline:
                return
            async with api.post("/api/chat", json={"message": message}, headers=headers) as r:
                await r.read()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="todo-chatbot-profile-"))
    tmp.chmod(0o755)
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)
        postgres = PostgresCluster(tmp / "postgres", free_port())
        postgres.start()
        cleanup.callback(postgres.stop)
        bench = start_system(cleanup, tmp, postgres, quick=True)
        backend = bench.stack.instances["backend"]
        assert backend.app is not None and backend.app.pid is not None
        tokens = [
            create_token(f"profile-{i}", bench.stack.config.jwt_secret) for i in range(CLIENTS)
        ]
        for path, load in (
            ("create", lambda: _creates(backend.base_url, "/api/tasks", tokens, 10_000)),
            ("chat", lambda: chat_turns(backend.base_url, tokens[0], SECONDS)),
        ):
            spy = record(backend.app.pid, tmp / f"{path}.txt")
            time.sleep(0.5)
            with suppress(TimeoutError):
                asyncio.run(asyncio.wait_for(load(), timeout=SECONDS))
            spy.wait()
            print(f"== {path}: share of the backend's CPU samples (%)")
            for name, share in layer_shares(tmp / f"{path}.txt").items():
                print(f"   {share:5.1f}  {name}")


if __name__ == "__main__":
    main()
