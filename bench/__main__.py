"""`make bench`: start the real system (PostgreSQL, Redis, daprd, scheduler, apps) on free
ports, run each benchmark section against it, and write bench/results/latest.json.

Every figure comes from one run on this machine; quote medians and ratios, not absolutes.
"""

import argparse
import asyncio
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench import chat, rest, websocket_sync
from devstack.infra import PostgresCluster
from devstack.ports import PortPlan, free_port
from devstack.stack import Stack, StackConfig

RESULTS = Path(__file__).parent / "results"
# websocket first: the REST section leaves an outbox backlog behind it.
SECTIONS = {
    "websocket": websocket_sync.run,
    "rest": rest.run,
    "chat": chat.run,
}
# Runs on a system of its own (it needs a quiet scheduler): bench/reminder_lateness.py.
STANDALONE = ("reminders",)


def reminder_lateness(tmp: Path, *, quick: bool) -> dict[str, Any]:
    output = tmp / "reminder_lateness.json"
    command = [sys.executable, str(Path(__file__).with_name("reminder_lateness.py")), str(output)]
    if quick:
        command += ["--reminders", "100", "--window", "10"]
    subprocess.run(command, check=True)
    result: dict[str, Any] = json.loads(output.read_text())
    return result


def rss_mib(stack: Stack, name: str) -> float:
    app = stack.instances[name].app
    assert app is not None and app.pid is not None
    process = psutil.Process(app.pid)
    total = process.memory_info().rss + sum(
        c.memory_info().rss for c in process.children(recursive=True)
    )
    return round(total / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    choices = [*SECTIONS, *STANDALONE]
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(choices)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    args.sections = args.sections or choices
    unknown = set(args.sections) - set(choices)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    tmp = Path(tempfile.mkdtemp(prefix="todo-chatbot-bench-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` and must reach its data dir inside
    postgres = PostgresCluster(tmp / "postgres", free_port())
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
        },
        "quick": args.quick,
        "sections": {},
    }
    try:
        postgres.start()
        config = StackConfig(
            ports=PortPlan.free(),
            data_dir=tmp / "data",
            database_url=postgres.create_database("bench"),
            log_dir=tmp / "logs",
            app_env={
                "backend": {
                    "BACKEND_RATE_LIMIT_PER_MINUTE": "100000000",
                    "BACKEND_NLU_ENCODE_CACHE_SIZE": "0",
                    "LOG_LEVEL": "WARNING",
                },
                "websocket": {"WEBSOCKET_MAX_CONNECTIONS": "12000", "LOG_LEVEL": "WARNING"},
            },
        )
        with Stack(config) as stack:
            for name in [s for s in args.sections if s in SECTIONS]:
                print(f"== {name}", flush=True)
                started = time.perf_counter()
                section = asyncio.run(SECTIONS[name](stack, quick=args.quick))
                section["seconds"] = round(time.perf_counter() - started, 1)
                report["sections"][name] = section
                print(json.dumps(section, indent=2), flush=True)
            report["rss_mib"] = {name: rss_mib(stack, name) for name in stack.instances}
        if "reminders" in args.sections:
            print("== reminders", flush=True)
            report["sections"]["reminders"] = reminder_lateness(tmp, quick=args.quick)
    finally:
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
