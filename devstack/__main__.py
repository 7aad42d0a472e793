"""`python -m devstack run`: the whole system in the foreground (what `make run` calls)."""

import argparse
import os
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from devstack.infra import REPO_ROOT, StackError
from devstack.kafka import LAG_EXPORTER_PORT, LAG_METRIC, KafkaPorts, serve_lag_metrics
from devstack.ports import PortPlan
from devstack.processes import print_prefixed
from devstack.stack import DEV_JWT_SECRET, Stack, StackConfig
from devstack.tracing import JaegerPorts
from todo_backend.settings import DEFAULT_DATABASE_URL
from todo_common.auth import create_token

TRUTHY = ("1", "true", "yes")


def run(args: argparse.Namespace) -> int:
    data_dir = REPO_ROOT / ".data"
    config = StackConfig(
        ports=PortPlan.defaults(),
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        jwt_secret=os.environ.get("JWT_SECRET", DEV_JWT_SECRET),
        websocket_replicas=args.websocket_replicas,
        backend_workers=args.backend_workers,
        # PUBSUB=kafka: a local Kafka broker behind the pub/sub components.
        pubsub=os.environ.get("PUBSUB", "redis"),
        kafka_ports=KafkaPorts.defaults(),
        # TRACING=1: a local Jaeger (built on first use by tools/jaeger/build.sh).
        tracing=JaegerPorts.defaults() if os.environ.get("TRACING", "") in TRUTHY else None,
        log_dir=data_dir / "logs",
        sink=print_prefixed,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack = Stack(config)
    try:
        stack.start()
    except StackError as exc:
        print(f"\n!! the system did not come up: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        stack.stop()
        return 130
    try:
        if config.pubsub == "kafka":
            start_lag_exporter(config.kafka_ports)
        if config.tracing:
            url = config.tracing.ui_url
            print(f"== traces: {url}/api/traces?service=backend (Jaeger query API)", flush=True)
        print(
            "\n== todo-chatbot is ready: http://127.0.0.1:8000/docs · ws://127.0.0.1:8001/ws · "
            "Ctrl-C stops everything ==\n",
            flush=True,
        )
        while not stop.wait(1.0):
            dead = [
                p.name
                for i in stack.instances.values()
                for p in (i.app, i.daprd)
                if p is not None and not p.is_running()
            ]
            if dead:
                print(f"\n!! exited unexpectedly: {', '.join(dead)}; stopping", file=sys.stderr)
                return 1
        return 0
    finally:
        print("\n== stopping ==", flush=True)
        stack.stop()


def start_lag_exporter(ports: KafkaPorts) -> None:
    """Consumer lag at :9308/metrics while `make run` runs on Kafka (a daemon thread)."""
    try:
        serve_lag_metrics(f"127.0.0.1:{ports.broker}", LAG_EXPORTER_PORT)
    except OSError as exc:
        print(f"!! consumer lag metrics not served on :{LAG_EXPORTER_PORT}: {exc}", flush=True)
        return
    print(
        f"== Kafka on 127.0.0.1:{ports.broker}; consumer lag: "
        f"http://127.0.0.1:{LAG_EXPORTER_PORT}/metrics ({LAG_METRIC})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="start everything in the foreground")
    run_parser.add_argument("--websocket-replicas", type=int, default=1)
    run_parser.add_argument(
        "--backend-workers", type=int, default=1, help="uvicorn workers (PostgreSQL only)"
    )
    token_parser = sub.add_parser("token", help="print a JWT for a user (JWT_SECRET from env)")
    token_parser.add_argument("user")
    token_parser.add_argument("--hours", type=float, default=12.0)
    args = parser.parse_args()
    os.chdir(Path(REPO_ROOT))
    if args.command == "token":
        secret = os.environ.get("JWT_SECRET", DEV_JWT_SECRET)
        print(create_token(args.user, secret, ttl=timedelta(hours=args.hours)))
        return
    sys.exit(run(args))


if __name__ == "__main__":
    main()
