"""`make bench`: start the real system (PostgreSQL, Redis, daprd, scheduler, apps) on free
ports beside the same-run floors, run each section, write bench/results/latest.json.

Every figure comes from one run on this machine and sits beside the floor it could at best
reach, measured in the same run: quote ratios, not absolutes. `make bench-report` turns the
JSON into docs/performance.md with plots.
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
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench import capacity, chat, dapr_sdk, growth, outbox_growth, rest, websocket_sync
from bench.context import Bench
from bench.cpu import stack_account
from bench.floors.event_hop import kafka_round_trips
from bench.records import Figure, Floor, git_commit, latency_figure
from devstack.infra import PostgresCluster
from devstack.ports import PortPlan, free_port
from devstack.stack import Stack, StackConfig

RESULTS = Path(__file__).parent / "results"
Section = Callable[[Bench], Coroutine[Any, Any, list[Figure]]]
# websocket before rest: the REST section leaves an outbox backlog behind it.
# capacity first: its RSS slope needs a websocket process that has not yet held thousands
# of connections (freed memory is reused and would hide the per-connection cost).
SECTIONS: dict[str, Section] = {
    "capacity": capacity.run,
    "websocket": websocket_sync.run,
    "rest": rest.run,
    "chat": chat.run,
    "growth": growth.run,
    "sdk": dapr_sdk.run,
}
# Runs on a system of its own (it needs a quiet scheduler): bench/reminder_lateness.py.
STANDALONE = ("outbox", "kafka", "reminders")
LATENESS_TARGET_P99_MS = 1000.0


def outbox_retention_seconds(quick: bool) -> float:
    return 10.0 if quick else 60.0


def reminder_figures(tmp: Path, *, quick: bool) -> list[Figure]:
    output = tmp / "reminder_lateness.json"
    command = [sys.executable, "-m", "bench.reminder_lateness", str(output)]
    if quick:
        command += ["--reminders", "100", "--window", "5", "--lead", "10", "--grace", "10"]
    subprocess.run(command, check=False, cwd=Path(__file__).parents[1])
    result: dict[str, Any] = json.loads(output.read_text())
    seconds = result["lateness_seconds"]
    fired = result["received"]
    per_reminder = result["cpu_ms_per_fired_reminder"]
    figure = Figure(
        "reminders.lateness",
        "ms",
        p50=None if seconds["p50"] is None else round(seconds["p50"] * 1000, 1),
        p99=None if seconds["p99"] is None else round(seconds["p99"] * 1000, 1),
        max=None if seconds["max"] is None else round(seconds["max"] * 1000, 1),
        rate=result["jobs_scheduled_per_second"],
        cpu_ms_per_op={
            **per_reminder,
            "system": round(sum(v for k, v in per_reminder.items() if k != "loadgen"), 3),
        },
        rss_mib=result["rss_mib"],
        parameters={
            k: result[k]
            for k in (
                "reminders",
                "users",
                "window_seconds",
                "received",
                "missing",
                "duplicates",
                "lateness_samples_seconds",
            )
        },
    )
    if figure.p99 is not None:
        figure.against(figure.p99, Floor("target p99 ms", LATENESS_TARGET_P99_MS), 1.0)
        figure.parameters["fired"] = fired
    return [figure]


def rss_figure(bench: Bench, name: str, when: str) -> Figure:
    return Figure(name, "MiB", rss_mib=bench.account.rss_mib(), parameters={"section": when})


def run_sections(bench: Bench, names: list[str]) -> None:
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        figures = asyncio.run(SECTIONS[name](bench))
        for figure in figures:
            figure.parameters.setdefault("section", name)
            figure.parameters["section_seconds"] = round(time.perf_counter() - started, 1)
        bench.figures += figures
        print(f"   {len(figures)} figures in {time.perf_counter() - started:.0f} s", flush=True)


def start_system(
    cleanup: ExitStack, tmp: Path, postgres: PostgresCluster, *, quick: bool, pubsub: str = "redis"
) -> Bench:
    """The whole system on free ports, stopped by `cleanup`, with its process account."""
    retention_hours = outbox_retention_seconds(quick) / 3600
    config = StackConfig(
        ports=PortPlan.free(),
        data_dir=tmp / f"data-{pubsub}",
        database_url=postgres.create_database(f"bench_{pubsub}"),
        log_dir=tmp / f"logs-{pubsub}",
        pubsub=pubsub,
        app_env={
            "backend": {
                "BACKEND_RATE_LIMIT_PER_MINUTE": "100000000",
                "BACKEND_NLU_ENCODE_CACHE_SIZE": "0",
                "BACKEND_EVENT_LOG_RETENTION_HOURS": f"{retention_hours:.6f}",
                "LOG_LEVEL": "WARNING",
            },
            "websocket": {"WEBSOCKET_MAX_CONNECTIONS": "12000", "LOG_LEVEL": "WARNING"},
        },
    )
    stack = Stack(config)
    stack.start()
    cleanup.callback(stack.stop)
    assert postgres.process is not None and postgres.process.pid is not None
    return Bench(
        stack=stack,
        account=stack_account(stack, postgres_pid=postgres.process.pid),
        postgres=postgres,
        quick=quick,
        tmp=tmp,
        cleanup=cleanup,
    )


def kafka_figures(postgres: PostgresCluster, tmp: Path, *, quick: bool) -> list[Figure]:
    """create → WebSocket on a system whose pub/sub is the local Kafka broker (started after
    the Redis system has stopped, on the same PostgreSQL), and the raw Kafka hop floor."""
    with ExitStack() as cleanup:
        bench = start_system(cleanup, tmp, postgres, quick=quick, pubsub="kafka")
        assert bench.stack.kafka is not None
        figures = asyncio.run(websocket_sync.run_on_broker(bench, "kafka"))
        hop = kafka_round_trips(bench.stack.kafka.bootstrap, count=250 if quick else 1000, rate=50)
    floor = latency_figure("floor.kafka_hop", hop["latency"], rate=50)
    for figure in figures:
        figure.parameters["section"] = "kafka"
    if figures and figures[0].p50 is not None and floor.p50:
        figures[0].against(figures[0].p50, Floor("floor.kafka_hop p50", floor.p50))
        figures[0].parameters["compared"] = "p50 ms (the path adds an HTTP create and two sidecars)"
    return [*figures, floor]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    choices = [*SECTIONS, *STANDALONE]
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(choices)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="every section, short")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    sections: list[str] = args.sections or choices
    unknown = set(sections) - set(choices)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="todo-chatbot-bench-"))
    tmp.chmod(0o755)  # PostgreSQL runs as `postgres` and must reach its data dir inside
    figures: list[Figure] = []
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)
        postgres = PostgresCluster(tmp / "postgres", free_port())
        postgres.start()
        cleanup.callback(postgres.stop)
        bench = start_system(cleanup, tmp, postgres, quick=args.quick)
        bench.figures.append(rss_figure(bench, "system.idle_rss", "idle"))
        run_sections(bench, [s for s in sections if s in SECTIONS])
        if "outbox" in sections:
            print("== outbox", flush=True)
            retention = outbox_retention_seconds(args.quick)
            bench.figures += asyncio.run(outbox_growth.run(bench, retention_seconds=retention))
        bench.figures.append(rss_figure(bench, "system.loaded_rss", "after all sections"))
        bench.stack.stop()
        figures = bench.figures
        if "kafka" in sections:
            print("== kafka", flush=True)
            figures += kafka_figures(postgres, tmp, quick=args.quick)
    if "reminders" in sections:
        print("== reminders", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            figures += reminder_figures(Path(folder), quick=args.quick)

    commit = git_commit()
    report = {
        "started_at": datetime.now(UTC).isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
        "quick": args.quick,
        "machine": {
            "cores": psutil.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "load_average_at_end": [round(x, 2) for x in psutil.getloadavg()],
        },
        "git_commit": commit,
        "records": [figure.as_record(commit) for figure in figures],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output} ({len(figures)} records, {report['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
