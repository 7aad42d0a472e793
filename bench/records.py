"""The machine-readable report: one record per figure, each beside its same-run floor.

{"name", "unit", "p50", "p99", "max", "rate", "cpu_ms_per_op": {process: ms},
 "rss_mib": {process: MiB}, "floor": {"name", "value"} | null, "ratio", "target_ratio",
 "parameters": {...}, "git_commit", "cores"}
"""

import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    commit = done.stdout.strip() or "unknown"
    return f"{commit}-dirty" if dirty.stdout.strip() else commit


@dataclass
class Floor:
    name: str
    value: float


@dataclass
class Figure:
    name: str
    unit: str
    p50: float | None = None
    p99: float | None = None
    max: float | None = None
    rate: float | None = None
    cpu_ms_per_op: dict[str, float] = field(default_factory=dict)
    rss_mib: dict[str, float] = field(default_factory=dict)
    floor: Floor | None = None
    # value / floor.value, where `value` is the figure the floor bounds (named in parameters).
    ratio: float | None = None
    target_ratio: float | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    def against(self, value: float, floor: Floor, target: float | None = None) -> "Figure":
        self.floor = floor
        self.ratio = round(value / floor.value, 2) if floor.value else None
        self.target_ratio = target
        self.parameters.setdefault("compared_value", value)
        return self

    def as_record(self, commit: str) -> dict[str, Any]:
        record = asdict(self)
        record["meets_target"] = (
            None
            if self.ratio is None or self.target_ratio is None
            else self.ratio <= self.target_ratio
        )
        record["git_commit"] = commit
        record["cores"] = psutil.cpu_count()
        return record


def latency_figure(name: str, summary: dict[str, float], **fields: Any) -> Figure:
    """A figure in milliseconds from bench.stats.summary_ms."""
    return Figure(
        name=name,
        unit="ms",
        p50=summary.get("p50_ms"),
        p99=summary.get("p99_ms"),
        max=summary.get("max_ms"),
        **fields,
    )
