"""Listen-only WebSocket clients through reminders falling due (issue 16, defect 4).

`python -m bench.websocket_listeners [--clients 100] [--reminders 1000] [--spread 60]`
starts the whole system on free ports (PostgreSQL, Redis, daprd, scheduler, the four
services, default ping/pong settings), connects `clients` clients that never send a
message (one user each), creates `reminders` tasks whose reminders fall due over `spread`
seconds, and prints one JSON line: reminders received, duplicates, clients closed. Every
client must get every reminder of its user; the former 60 s idle limit closed them all.
"""

import argparse
import contextlib
import json
import shutil
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from devstack.infra import PostgresCluster
from devstack.ports import PortPlan, free_port
from devstack.stack import Stack, StackConfig
from todo_common.auth import create_token
from todo_common.settings import DEVELOPMENT_JWT_SECRET


def _listen(url: str, received: list[str], closed: list[str]) -> None:
    with contextlib.suppress(ConnectionClosed), connect(url, ping_interval=None) as ws:
        for raw in ws:
            message = json.loads(raw)
            if message["type"] == "reminder.due":
                received.append(message["data"]["reminder_id"])
    closed.append(url)


def run(clients: int, reminders: int, spread: float) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="ws-listeners-"))
    # Not under tmp: PostgreSQL runs as `postgres` (see tests/conftest.py).
    pg_dir = Path(tempfile.mkdtemp(prefix="ws-listeners-pg-"))
    cluster = PostgresCluster(pg_dir, free_port())
    cluster.start()
    try:
        config = StackConfig(
            ports=PortPlan.free(),
            data_dir=tmp / "data",
            database_url=cluster.create_database("listeners"),
            log_dir=tmp / "logs",
            app_env={
                "backend": {
                    "BACKEND_RATE_LIMIT_PER_MINUTE": "1000000",
                    "NLU_MODEL_PATH": str(tmp / "no-model"),
                }
            },
        )
        with Stack(config) as stack:
            port = stack.instances["websocket"].app_port
            users = [f"listener-{uuid.uuid4().hex[:8]}" for _ in range(clients)]
            tokens = {user: create_token(user, DEVELOPMENT_JWT_SECRET) for user in users}
            received: dict[str, list[str]] = {user: [] for user in users}
            closed: list[str] = []
            connected_at = time.monotonic()
            for user in users:
                url = f"ws://127.0.0.1:{port}/ws?token={tokens[user]}"
                threading.Thread(
                    target=_listen, args=(url, received[user], closed), daemon=True
                ).start()
            # Due after the creates are done: they take ~40 s for 1,000 on 2 cores.
            first_due = datetime.now(UTC) + timedelta(seconds=15 + reminders * 0.05)
            expected = dict.fromkeys(users, 0)
            with httpx.Client(base_url=stack.instances["backend"].base_url, timeout=30) as api:
                for i in range(reminders):
                    user = users[i % clients]
                    due = first_due + timedelta(seconds=spread * i / reminders)
                    response = api.post(
                        "/api/tasks",
                        json={"title": f"reminder {i}", "remind_at": due.isoformat()},
                        headers={"Authorization": f"Bearer {tokens[user]}"},
                    )
                    response.raise_for_status()
                    expected[user] += 1
            last_due = first_due + timedelta(seconds=spread)
            deadline = time.monotonic() + (last_due - datetime.now(UTC)).total_seconds() + 120
            while time.monotonic() < deadline and sum(map(len, received.values())) < reminders:
                time.sleep(1)
            return {
                "clients": clients,
                "reminders": reminders,
                "spread_s": spread,
                "received": sum(len(set(ids)) for ids in received.values()),
                "duplicates": sum(len(ids) - len(set(ids)) for ids in received.values()),
                "clients_complete": sum(len(set(received[u])) == expected[u] for u in users),
                "clients_closed": len(closed),
                "seconds_connected": round(time.monotonic() - connected_at),
            }
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(pg_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Listen-only WebSocket clients, reminders due")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(run(args.clients, args.reminders, args.spread)))


if __name__ == "__main__":
    main()
