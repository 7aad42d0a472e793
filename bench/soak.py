"""The soak: the game day's steady mixed traffic for 10 minutes without faults.

    .venv/bin/python -m bench.soak                 # make soak
    .venv/bin/python -m bench.soak --minutes 2     # a shorter look

Bounds (the run exits non-zero when one is missed):
- zero errors: every API call answered 2xx, no WebSocket client dropped, and the ledger
  finds nothing lost, duplicated or out of order;
- p99 stable: the last minute's p99 API latency at most 1.5 x the first minute's
  (plus 20 ms, so that a first minute of 10 ms is not held to 15 ms);
- memory: each process's RSS (app with its workers, or daprd) grows less than 5% from the
  end of the warm-up (the first 2 minutes) to the mean of the last minute's samples.

Writes bench/results/soak-<date>.json.
"""

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.gameday import RESULTS, Context, Plan, drive, run_header, running_system
from bench.gameday_ledger import percentile
from devstack.stack import Stack

WARM_UP_SECONDS = 120.0
P99_RATIO = 1.5
P99_SLACK_SECONDS = 0.02
RSS_GROWTH = 0.05


def soak_plan() -> Plan:
    return Plan(
        users=50,
        clients_per_user=4,
        write_rate=10.0,
        chat_rate=0.5,
        reminder_rate=0.5,
        reminder_lead=15.0,
        baseline=0.0,
        outage=0.0,
        gap=0.0,
        settle_timeout=90.0,
        kill_processes=(),
    )


def process_rss(stack: Stack) -> dict[str, float]:
    """MiB per app (its uvicorn workers included) and per daprd."""
    out: dict[str, float] = {}
    for instance in stack.instances.values():
        for process in (instance.app, instance.daprd):
            if process is None or process.pid is None:
                continue
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(process.pid)
                rss = proc.memory_info().rss + sum(
                    child.memory_info().rss for child in proc.children(recursive=True)
                )
                out[process.name] = rss / 2**20
    return out


def minute_latencies(
    calls: list[tuple[float, float, str, str]], start: float, kind: str
) -> list[dict[str, Any]]:
    """Per minute since `start` (calls before it set the run up and are left out)."""
    minutes: dict[int, list[float]] = {}
    for at, seconds, _, call_kind in calls:
        if at >= start and call_kind == kind:
            minutes.setdefault(int((at - start) // 60), []).append(seconds)
    return [
        {
            "minute": minute,
            "calls": len(values),
            "p50_ms": round(percentile(values, 0.5) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        }
        for minute, values in sorted(minutes.items())
    ]


def rss_growth(samples: list[tuple[float, dict[str, float]]], start: float) -> dict[str, Any]:
    """Per process: RSS at the end of the warm-up, mean of the last minute, growth."""
    end = samples[-1][0]
    warm = [s for t, s in samples if t - start >= WARM_UP_SECONDS]
    last = [s for t, s in samples if end - t <= 60]
    if not warm or not last:
        return {}
    growth = {}
    for name, base in warm[0].items():
        values = [s[name] for s in last if name in s]
        if not values:
            continue
        mean = sum(values) / len(values)
        growth[name] = {
            "after_warm_up_mib": round(base, 1),
            "last_minute_mib": round(mean, 1),
            "growth": round((mean - base) / base, 4),
        }
    return growth


def bounds(report: dict[str, Any]) -> list[str]:
    problems = []
    answers = report["total"]["answers"]
    errors = {k: v for k, v in answers.items() if not k.endswith("2xx")}
    if errors:
        problems.append(f"errors: {errors}")
    if report["clients"]["disconnects"]:
        problems.append(f"WebSocket disconnects: {report['clients']['disconnects']}")
    for what in ("writes", "events"):
        for kind, count in report["total"][what].items():
            if kind != "expected_deliveries" and count:
                problems.append(f"{what} {kind}: {count}")
    reminders = report["total"]["reminders"]
    for kind in ("lost", "duplicates", "webhook_lost", "webhook_duplicates"):
        if reminders[kind]:
            problems.append(f"reminders {kind}: {reminders[kind]}")
    for kind, minutes in report["latency_per_minute"].items():
        if len(minutes) < 2:
            continue
        # The last full minute: the final one is cut short by the end of the run.
        first, last = minutes[0], minutes[-2] if len(minutes) > 2 else minutes[-1]
        limit = first["p99_ms"] * P99_RATIO + P99_SLACK_SECONDS * 1000
        if last["p99_ms"] > limit:
            problems.append(
                f"{kind} p99 grew: minute {first['minute']} {first['p99_ms']} ms -> "
                f"minute {last['minute']} {last['p99_ms']} ms (bound {limit:.1f} ms)"
            )
    for name, growth in report["rss"].items():
        if growth["growth"] >= RSS_GROWTH:
            problems.append(f"{name} RSS grew {growth['growth']:.1%} after warm-up")
    return problems


async def soak(minutes: float) -> dict[str, Any]:
    plan = soak_plan()
    header = run_header(plan)
    duration = minutes * 60
    samples: list[tuple[float, dict[str, float]]] = []
    # The machine is shared: how busy it was, to tell the system's drift from its neighbours'.
    machine: list[dict[str, float]] = []
    started = 0.0

    def sample_machine() -> None:
        ours = 0.0
        for instance in system.stack.instances.values():
            for process in (instance.app, instance.daprd):
                if process is not None and process.pid is not None:
                    with contextlib.suppress(psutil.Error):
                        proc = psutil.Process(process.pid)
                        times = [proc.cpu_times(), *(c.cpu_times() for c in proc.children(True))]
                        ours += sum(t.user + t.system for t in times)
        machine.append(
            {
                "at_seconds": round(time.time() - started),
                "cpu_percent": psutil.cpu_percent(),
                "load_avg_1m": round(os.getloadavg()[0], 2),
                "stack_cpu_seconds": round(ours, 1),
            }
        )

    async def scenario(ctx: Context, stop: asyncio.Event) -> None:
        nonlocal started
        started = time.time()
        while time.time() - started < duration:
            samples.append((time.time(), await asyncio.to_thread(process_rss, ctx.stack)))
            await asyncio.to_thread(sample_machine)
            await asyncio.sleep(15.0)
        samples.append((time.time(), await asyncio.to_thread(process_rss, ctx.stack)))
        stop.set()

    async with running_system() as system:
        report, traffic = await drive(
            system.stack,
            system.postgres,
            system.webhook,
            plan,
            scenario=scenario,
            horizon=duration,
        )
    report["latency_per_minute"] = {
        kind: minute_latencies(traffic.calls, started, kind) for kind in ("rest", "chat")
    }
    report["rss"] = rss_growth(samples, started)
    report["machine_samples"] = machine
    report["rss_samples_mib"] = [
        {"at_seconds": round(t - started), **{k: round(v, 1) for k, v in s.items()}}
        for t, s in samples
    ]
    report = header | {"minutes": minutes} | report
    report["problems"] = bounds(report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--output", type=Path, help="default bench/results/soak-<date>.json")
    args = parser.parse_args()
    report = asyncio.run(soak(args.minutes))
    output = args.output or RESULTS / f"soak-{datetime.now(UTC):%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    summary = {k: report[k] for k in ("latency_per_minute", "rss", "problems")}
    print(json.dumps(summary, indent=2))
    print(f"wrote {output}")
    sys.exit(1 if report["problems"] else 0)


if __name__ == "__main__":
    main()
