"""`make bench-report`: docs/performance.md and its PNG plots from bench/results/latest.json.

python -m bench.report [--input bench/results/latest.json] [--output docs/performance.md]
"""

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.records import REPO_ROOT

Record = dict[str, Any]
IMAGES = "img/performance"
COST_FIGURES = {
    "rest.create": "create",
    "rest.list": "list",
    "chat.turn.one_user": "chat turn",
    "websocket.create_to_client.rate.50": "WebSocket message",
    "reminders.lateness": "fired reminder",
}


@dataclass(frozen=True)
class Curve:
    """A growth curve: one line per series (records named `<prefix><number>`)."""

    title: str
    file: str
    xlabel: str
    series: dict[str, str]
    value: str = "p50"  # p50 (with p99 beside it), or a process of cpu_ms_per_op
    ylabel: str = "ms"
    logx: bool = False


CURVES = [
    Curve("create → WebSocket latency versus offered rate", "websocket-rate.png",
          "creates per second", {"create → WebSocket": "websocket.create_to_client.rate."}),
    Curve("create → WebSocket latency versus connected clients (50 creates/s)",
          "websocket-clients.png", "connected clients",
          {"create → WebSocket": "websocket.create_to_client.clients."}, logx=True),
    Curve("List and search latency versus tasks per user", "tasks-per-user.png",
          "tasks per user", {k: f"{k}.tasks_per_user." for k in ("list", "search", "tag_filter")},
          logx=True),
    Curve("Chat turn CPU versus tasks per user", "chat-tasks-per-user.png", "tasks per user",
          {"backend CPU per chat turn": "chat.tasks_per_user."}, value="backend",
          ylabel="CPU ms per turn", logx=True),
]  # fmt: skip


def _by_name(records: list[Record]) -> dict[str, Record]:
    return {record["name"]: record for record in records}


def _series(records: list[Record], prefix: str) -> list[tuple[float, Record]]:
    """Records named `<prefix><number>`, sorted by the number."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    found = [(float(m.group(1)), r) for r in records if (m := pattern.match(r["name"]))]
    return sorted(found, key=lambda pair: pair[0])


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}{suffix}" if value < 100 else f"{value:,.0f}{suffix}"
    return f"{value}{suffix}"


def _save(figure: Any, folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(folder / name, dpi=90)
    plt.close(figure)
    return f"{IMAGES}/{name}"


def plot_latencies(records: list[Record], folder: Path) -> str:
    chosen = [r for r in records if r["unit"] == "ms" and r["p50"] is not None]
    chosen = [r for r in chosen if not r["name"].startswith(("list.", "search.", "tag_filter."))]
    figure, axis = plt.subplots(figsize=(9, 0.35 * len(chosen) + 1.5))
    names = [r["name"] for r in chosen]
    for key, colour in (("max", "#dddddd"), ("p99", "#8fb3de"), ("p50", "#1f5fa8")):
        axis.barh(names, [r[key] or 0 for r in chosen], color=colour, label=key)
    axis.set_xscale("log")
    axis.set_xlabel("ms (log scale)")
    axis.invert_yaxis()
    axis.legend(loc="lower right")
    axis.set_title("Latency: p50, p99 and max of every figure")
    return _save(figure, folder, "latency.png")


def plot_curve(
    series: dict[str, list[tuple[float, Record]]], folder: Path, curve: Curve
) -> str | None:
    if not any(series.values()):
        return None
    figure, axis = plt.subplots(figsize=(7, 4))
    for label, points in series.items():
        if not points:
            continue
        xs = [x for x, _ in points]
        if curve.value == "p50":
            axis.plot(xs, [r["p50"] for _, r in points], marker="o", label=f"{label} p50")
            axis.plot(xs, [r["p99"] for _, r in points], marker="x", ls="--", label=f"{label} p99")
        else:
            axis.plot(
                xs,
                [r["cpu_ms_per_op"].get(curve.value) for _, r in points],
                marker="o",
                label=label,
            )
    if curve.logx:
        axis.set_xscale("log")
    axis.set_xlabel(curve.xlabel)
    axis.set_ylabel(curve.ylabel)
    axis.set_title(curve.title)
    axis.grid(alpha=0.3)
    axis.legend()
    return _save(figure, folder, curve.file)


def plot_rss(records: list[Record], folder: Path) -> str | None:
    named = _by_name(records)
    service = named.get("websocket.idle_kib_per_connection")
    floor = named.get("floor.websocket_idle_kib_per_connection")
    if not service or not floor:
        return None
    figure, axis = plt.subplots(figsize=(7, 4))
    for label, record in (("websocket service", service), ("bare uvicorn floor", floor)):
        points = record["parameters"]["points"]
        axis.plot(
            [p["connections"] for p in points],
            [p["rss_mib"] for p in points],
            marker="o",
            label=f"{label} ({record['p50']} KiB/conn)",
        )
    axis.set_xlabel("idle connections")
    axis.set_ylabel("RSS MiB")
    axis.set_title("Idle WebSocket memory versus connections")
    axis.grid(alpha=0.3)
    axis.legend()
    return _save(figure, folder, "websocket-rss.png")


def plot_lateness(records: list[Record], folder: Path) -> str | None:
    record = _by_name(records).get("reminders.lateness")
    samples = record["parameters"].get("lateness_samples_seconds") if record else None
    if not samples:
        return None
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.hist([s * 1000 for s in samples], bins=40, color="#1f5fa8")
    axis.set_xlabel("lateness ms (WebSocket receive - remind_at)")
    axis.set_ylabel("reminders")
    axis.set_title(f"Reminder lateness, {len(samples)} reminders")
    return _save(figure, folder, "reminder-lateness.png")


def plot_outbox(records: list[Record], folder: Path) -> str | None:
    record = _by_name(records).get("outbox.steady_run.create")
    if not record or not record["parameters"].get("samples"):
        return None
    samples = record["parameters"]["samples"]
    figure, rows_axis = plt.subplots(figsize=(7, 4))
    xs = [s["seconds"] for s in samples]
    rows_axis.plot(xs, [s["rows"] for s in samples], marker="o", label="outbox/event-log rows")
    rows_axis.plot(xs, [s["pending"] for s in samples], marker=".", label="unpublished rows")
    rows_axis.set_xlabel("seconds into the steady run")
    rows_axis.set_ylabel("rows")
    cpu_axis = rows_axis.twinx()
    cpu_axis.plot(
        xs,
        [s["backend_cpu_ms_per_s"] for s in samples],
        color="grey",
        ls="--",
        label="backend CPU ms/s",
    )
    cpu_axis.set_ylabel("backend CPU ms per second")
    rows_axis.legend(loc="upper left")
    cpu_axis.legend(loc="lower right")
    rows_axis.set_title(
        f"Event log at {record['rate']}/s creates, retention "
        f"{record['parameters']['retention_seconds']:g} s"
    )
    return _save(figure, folder, "outbox.png")


def cost_table(records: list[Record]) -> list[str]:
    named = _by_name(records)
    present = {name: label for name, label in COST_FIGURES.items() if name in named}
    if not present:
        return ["(no section with a CPU account ran)"]
    processes = sorted(
        {p for name in present for p in named[name]["cpu_ms_per_op"] if p != "system"},
        key=lambda p: (p == "loadgen", p),
    )
    lines = [
        "| process | " + " | ".join(present.values()) + " |",
        "|---|" + "---|" * len(present),
    ]
    for process in processes:
        cells = [_fmt(named[name]["cpu_ms_per_op"].get(process)) for name in present]
        lines.append(f"| {process} | " + " | ".join(cells) + " |")
    cells = [_fmt(named[name]["cpu_ms_per_op"].get("system")) for name in present]
    lines.append("| **whole system** (load generator excluded) | " + " | ".join(cells) + " |")
    return lines


def ratio_table(records: list[Record]) -> list[str]:
    lines = [
        "| figure | compared | value | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in records:
        if not r.get("floor"):
            continue
        met = {True: "yes", False: "**no**", None: "-"}[r.get("meets_target")]
        lines.append(
            f"| `{r['name']}` | {r['parameters'].get('compared', '')} | "
            f"{_fmt(r['parameters'].get('compared_value'))} | {_fmt(r['floor']['value'])} "
            f"(`{r['floor']['name']}`) | **{_fmt(r['ratio'])}x** | "
            f"{_fmt(r.get('target_ratio'), 'x')} | {met} |"
        )
    return lines


def figures_table(records: list[Record]) -> list[str]:
    lines = ["| figure | unit | p50 | p99 | max | rate/s |", "|---|---|---|---|---|---|"]
    for r in records:
        if r["p50"] is None:
            continue
        lines.append(
            f"| `{r['name']}` | {r['unit']} | {_fmt(r['p50'])} | {_fmt(r['p99'])} | "
            f"{_fmt(r['max'])} | {_fmt(r['rate'])} |"
        )
    return lines


def rss_table(records: list[Record]) -> list[str]:
    named = _by_name(records)
    idle, loaded = named.get("system.idle_rss"), named.get("system.loaded_rss")
    if not idle or not loaded:
        return []
    lines = ["| process | idle MiB | after the run MiB |", "|---|---|---|"]
    for process, mib in idle["rss_mib"].items():
        lines.append(f"| {process} | {_fmt(mib)} | {_fmt(loaded['rss_mib'].get(process))} |")
    return lines


def render(report: dict[str, Any], folder: Path) -> str:
    records: list[Record] = report["records"]
    plots = {
        "Latency of every figure": plot_latencies(records, folder),
        **{
            curve.title: plot_curve(
                {label: _series(records, prefix) for label, prefix in curve.series.items()},
                folder,
                curve,
            )
            for curve in CURVES
        },
        "Idle WebSocket RSS versus connections": plot_rss(records, folder),
        "Reminder lateness": plot_lateness(records, folder),
        "Event-log size and relay cost over a steady run": plot_outbox(records, folder),
    }
    machine = report["machine"]
    out = [
        "# Performance",
        "",
        "Generated by `make bench-report` from `bench/results/latest.json` (written by "
        "`make bench`; `make bench QUICK=1` is the short variant). Do not edit by hand.",
        "",
        f"Run: {report['started_at'][:19]} UTC, {'QUICK' if report['quick'] else 'full'}, "
        f"{report['seconds']:.0f} s, commit `{report['git_commit'][:12]}`, "
        f"{machine['cores']} cores, load average at the end {machine['load_average_at_end']}.",
        "",
        "Everything (the system, its floors and the load generator) shares the same cores, so "
        "absolute numbers are noise between runs; the **ratios to same-run floors** are the "
        "figures to compare. How each floor is built: docs/benchmarks.md.",
        "",
        "## Targets, as ratios to the floors",
        "",
        *ratio_table(records),
        "",
        "## CPU per operation, per process (ms)",
        "",
        *cost_table(records),
        "",
        "## Memory per process",
        "",
        *rss_table(records),
        "",
        "## Every figure",
        "",
        *figures_table(records),
        "",
        "## Plots",
        "",
    ]
    for title, path in plots.items():
        if path:
            out += [f"### {title}", "", f"![{title}]({path})", ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=REPO_ROOT / "bench/results/latest.json")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "docs/performance.md")
    args = parser.parse_args()
    report = json.loads(args.input.read_text())
    folder = args.output.parent / IMAGES
    args.output.write_text(render(report, folder) + "\n")
    print(f"wrote {args.output} and plots in {folder}")


if __name__ == "__main__":
    main()
