"""Quick report on the development set (`data/dev.jsonl`), the data the pipeline is tuned on.

    python -m todo_backend.nlu.tools.dev_report [--model-path DIR] [--show-errors]

The locked test set (`data/test/`) is never read here. Rows are `{"text", "intent", ...fields}`
as in the evaluation; a row with `"non_command": true` is a message that must change nothing:
any create/complete/delete/update/reminder intent on it is a *false action* (complete, delete
and update are *destructive* ones). `"ambiguous": true` marks a request another assistant would
carry out but a person may equally mean as a to-do ("order a cake for saturday"): left
out of every count. Dates are local wall-clock minutes ("2026-11-24T17:00") in
Europe/Berlin against 2026-11-23T10:00 (a Monday) unless a row says `now`/`timezone`.
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from todo_backend.nlu.classifier import DATA_DIR
from todo_backend.nlu.intents import ACTION_INTENTS, DESTRUCTIVE_INTENTS, Entities, NluResult
from todo_backend.nlu.pipeline import NluPipeline

DEV_PATH = DATA_DIR / "dev.jsonl"
REFERENCE_NOW = "2026-11-23T10:00"
REFERENCE_TIMEZONE = "Europe/Berlin"
FIELDS = (
    "title",
    "reference",
    "refers_to_context",
    "reference_hint",
    "new_title",
    "due_at",
    "remind_at",
    "recurrence",
    "priority",
    "tags",
    "status_filter",
    "search_text",
    "due_before",
    "due_after",
    "time_only",
    "due_shift",
    "clear",
)


@dataclass
class Row:
    text: str
    intent: str
    non_command: bool
    expected: dict[str, object]
    now: datetime
    timezone: ZoneInfo


def load_rows(path: Path = DEV_PATH) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        tz = ZoneInfo(raw.pop("timezone", REFERENCE_TIMEZONE))
        now = datetime.fromisoformat(raw.pop("now", REFERENCE_NOW)).replace(tzinfo=tz)
        if raw.pop("ambiguous", False):
            continue
        rows.append(
            Row(
                raw.pop("text"),
                raw.pop("intent"),
                bool(raw.pop("non_command", False)),
                raw,
                now,
                tz,
            )
        )
    return rows


def _actual(entities: Entities, name: str, tz: ZoneInfo) -> object:
    value = getattr(entities, name, None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, tuple):
        return sorted(value)
    return value


def _same(name: str, expected: object, actual: object) -> bool:
    if name in ("title", "reference", "reference_hint", "new_title", "search_text") and isinstance(
        expected, str
    ):
        return isinstance(actual, str) and actual.casefold() == expected.casefold()
    if name in ("tags", "clear") and isinstance(expected, list):
        return sorted(expected) == actual
    return expected == actual


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path")
    parser.add_argument("--data", type=Path, default=DEV_PATH)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = NluPipeline.create(model_path=args.model_path)
    startup = time.perf_counter() - started
    rows = load_rows(args.data)
    intents = Counter[str]()
    fields: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    false_actions: list[str] = []
    destructive: list[str] = []
    fallbacks = in_domain = 0
    latencies: list[float] = []
    errors: list[str] = []
    for row in rows:
        t0 = time.perf_counter()
        result: NluResult = pipeline.parse(row.text, now=row.now, timezone=row.timezone)
        latencies.append((time.perf_counter() - t0) * 1000)
        got = result.intent.value
        if row.non_command:
            if result.intent in ACTION_INTENTS:
                false_actions.append(f"{row.text!r} -> {got} {result.entities.as_json()}")
                if result.intent in DESTRUCTIVE_INTENTS:
                    destructive.append(row.text)
            continue
        in_domain += 1
        fallbacks += result.fallback
        intents["ok" if got == row.intent else "bad"] += 1
        if got != row.intent:
            errors.append(f"INTENT {row.text!r}: {got} (want {row.intent}) via {result.source}")
            continue
        for name, want in row.expected.items():
            if name not in fields:  # e.g. the older set's remind_before_minutes
                continue
            have = _actual(result.entities, name, row.timezone)
            ok = _same(name, want, have)
            fields[name]["ok" if ok else "bad"] += 1
            if not ok:
                errors.append(f"{name.upper()} {row.text!r}: {have!r} (want {want!r})")
    non_commands = sum(r.non_command for r in rows)
    print(f"dev set {args.data.name}: {in_domain} in-domain, {non_commands} non-commands")
    print(f"model loaded: {pipeline.model_loaded}, start-up {startup:.1f} s")
    print(f"intent accuracy: {intents['ok'] / max(in_domain, 1):.1%}")
    for name, counts in fields.items():
        total = counts["ok"] + counts["bad"]
        if total:
            print(f"  {name:18} {counts['ok'] / total:6.1%}  ({counts['ok']}/{total})")
    print(
        f"false actions on non-commands: {len(false_actions) / max(non_commands, 1):.1%}"
        f" ({len(false_actions)}), destructive: {len(destructive)}"
    )
    print(f"fallback on in-domain: {fallbacks / max(in_domain, 1):.1%} ({fallbacks})")
    print(
        f"parse p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.1f} ms"
    )
    if args.show_errors:
        print("\n".join(["", *errors, "", *false_actions]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
