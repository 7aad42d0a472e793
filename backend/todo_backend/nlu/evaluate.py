"""Evaluate the NLU pipeline on the labelled set in `data/evaluation.jsonl`.

    python -m todo_backend.nlu.evaluate [--model-path DIR] [--threshold 0.6]

Prints precision/recall per intent, the confusion matrix, entity accuracy per field, the
misclassified messages, the encode/parse latency and the start-up time; exits 1 below the
targets (intent accuracy and exact due-date accuracy of 95%) or if an evaluation utterance is
also a training utterance.

Each line of the set is a message, its intent and the entities it must yield. Dates are local
wall-clock times ("2026-11-27T23:59") in the line's `timezone` (default Europe/Berlin),
resolved against the line's `now` (default 2026-11-23T10:00, a Monday), so the evaluation is
deterministic. `remind_before_minutes` stands for `remind_before`.
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from todo_backend.nlu.classifier import DATA_DIR, TRAINING_PATH, load_examples
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.pipeline import DEFAULT_CONFIDENCE_THRESHOLD, NluPipeline

EVALUATION_PATH = DATA_DIR / "evaluation.jsonl"
REFERENCE_NOW = "2026-11-23T10:00"
REFERENCE_TIMEZONE = "Europe/Berlin"
INTENT_ACCURACY_TARGET = 0.95
DUE_DATE_ACCURACY_TARGET = 0.95
ENTITY_FIELDS = (
    "title",
    "reference",
    "refers_to_context",
    "new_title",
    "due_at",
    "remind_at",
    "remind_before_minutes",
    "recurrence",
    "priority",
    "tags",
    "status_filter",
    "search_text",
    "due_before",
    "due_after",
)
_DATETIME_FIELDS = ("due_at", "remind_at", "due_before", "due_after")


@dataclass(frozen=True)
class Case:
    text: str
    intent: Intent
    expected: dict[str, object]
    now: datetime
    timezone: ZoneInfo


def load_cases(path: Path = EVALUATION_PATH) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        tz = ZoneInfo(row.pop("timezone", REFERENCE_TIMEZONE))
        now = datetime.fromisoformat(row.pop("now", REFERENCE_NOW)).replace(tzinfo=tz)
        text, intent = row.pop("text"), Intent(row.pop("intent"))
        unknown = set(row) - set(ENTITY_FIELDS)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)} in evaluation case {text!r}")
        cases.append(Case(text, intent, row, now, tz))
    return cases


def actual_value(entities: Entities, name: str, tz: ZoneInfo) -> object:
    """An entity in the evaluation file's notation (local ISO wall-clock time, minutes)."""
    if name == "remind_before_minutes":
        before = entities.remind_before
        return None if before is None else before / timedelta(minutes=1)
    value = getattr(entities, name)
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        return local.strftime("%Y-%m-%dT%H:%M:%S" if local.second else "%Y-%m-%dT%H:%M")
    if isinstance(value, tuple):
        return list(value)
    return value


def _same(name: str, expected: object, actual: object) -> bool:
    if name in ("title", "reference", "new_title", "search_text") and isinstance(expected, str):
        return isinstance(actual, str) and actual.lower() == expected.lower()
    return expected == actual


@dataclass
class Report:
    total: int = 0
    correct_intents: int = 0
    confusion: Counter[tuple[Intent, Intent]] = field(default_factory=Counter)
    field_totals: Counter[str] = field(default_factory=Counter)
    field_correct: Counter[str] = field(default_factory=Counter)
    misclassified: list[str] = field(default_factory=list)
    entity_errors: list[str] = field(default_factory=list)
    fallbacks: int = 0
    parse_ms: list[float] = field(default_factory=list)
    encode_ms: list[float] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.correct_intents / self.total if self.total else 0.0

    def field_accuracy(self, name: str) -> float:
        total = self.field_totals[name]
        return self.field_correct[name] / total if total else 1.0

    @property
    def due_date_accuracy(self) -> float:
        return self.field_accuracy("due_at")

    @property
    def passed(self) -> bool:
        return (
            self.intent_accuracy >= INTENT_ACCURACY_TARGET
            and self.due_date_accuracy >= DUE_DATE_ACCURACY_TARGET
        )


def evaluate(pipeline: NluPipeline, cases: Sequence[Case]) -> Report:
    """Run every case end to end: a misclassified message also fails its entity checks."""
    report = Report()
    for case in cases:
        started = time.perf_counter()
        result = pipeline.parse(case.text, now=case.now, timezone=case.timezone)
        report.parse_ms.append((time.perf_counter() - started) * 1000)
        report.total += 1
        report.fallbacks += result.fallback
        report.confusion[(case.intent, result.intent)] += 1
        if result.intent is case.intent:
            report.correct_intents += 1
        else:
            report.misclassified.append(
                f"{case.text!r}: expected {case.intent}, got {result.intent} "
                f"({result.confidence:.2f}, {result.source})"
            )
        for name, expected in case.expected.items():
            actual = actual_value(result.entities, name, case.timezone)
            report.field_totals[name] += 1
            if _same(name, expected, actual):
                report.field_correct[name] += 1
            else:
                report.entity_errors.append(
                    f"{case.text!r}: {name} expected {expected!r}, got {actual!r}"
                )
    return report


def encode_latency_ms(pipeline: NluPipeline, messages: Sequence[str]) -> list[float]:
    """Uncached encode time per message (the LRU cache is bypassed on purpose)."""
    encoder = pipeline.encoder
    if encoder is None:
        return []
    timings = []
    for message in messages:
        started = time.perf_counter()
        encoder.encode_many([message])
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def format_report(report: Report) -> str:
    intents = list(Intent)
    lines = [f"NLU evaluation: {report.total} utterances", ""]
    lines.append(f"{'intent':<15}{'precision':>10}{'recall':>8}{'support':>9}")
    for intent in intents:
        true_positive = report.confusion[(intent, intent)]
        predicted = sum(report.confusion[(other, intent)] for other in intents)
        support = sum(report.confusion[(intent, other)] for other in intents)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / support if support else 0.0
        lines.append(f"{intent.value:<15}{precision:>10.3f}{recall:>8.3f}{support:>9}")
    abbreviations = [i.value[:6] for i in intents]
    lines += ["", "confusion (rows: expected, columns: predicted)"]
    lines.append(" " * 15 + "".join(f"{a:>8}" for a in abbreviations))
    for expected in intents:
        cells = "".join(f"{report.confusion[(expected, got)]:>8}" for got in intents)
        lines.append(f"{expected.value:<15}{cells}")
    lines += ["", "entity accuracy"]
    for name in ENTITY_FIELDS:
        if report.field_totals[name]:
            lines.append(
                f"  {name:<24}{report.field_accuracy(name):>7.3f}  "
                f"({report.field_correct[name]}/{report.field_totals[name]})"
            )
    if report.misclassified:
        lines += ["", "misclassified:", *(f"  {m}" for m in report.misclassified)]
    if report.entity_errors:
        lines += ["", "entity errors:", *(f"  {e}" for e in report.entity_errors)]
    lines += [
        "",
        f"fallback decisions: {report.fallbacks}/{report.total}",
        f"parse latency ms: p50 {statistics.median(report.parse_ms):.1f}"
        f", p95 {_percentile(report.parse_ms, 0.95):.1f}",
        "encode latency ms (uncached): p50 "
        + (
            f"{statistics.median(report.encode_ms):.1f}, p95 "
            f"{_percentile(report.encode_ms, 0.95):.1f}"
            if report.encode_ms
            else "n/a (no model)"
        ),
        "",
        f"intent accuracy   {report.intent_accuracy:.3f} (target {INTENT_ACCURACY_TARGET})",
        f"due-date accuracy {report.due_date_accuracy:.3f} (target {DUE_DATE_ACCURACY_TARGET}, "
        f"{report.field_totals['due_at']} cases)",
        "PASS" if report.passed else "FAIL",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-path",
        default=None,
        help="default: the ONNX export if current, else the packaged MiniLM",
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_CONFIDENCE_THRESHOLD)
    parser.add_argument("--evaluation", type=Path, default=EVALUATION_PATH)
    parser.add_argument("--training", type=Path, default=TRAINING_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = NluPipeline.create(
        model_path=args.model_path, confidence_threshold=args.threshold, training_path=args.training
    )
    startup = time.perf_counter() - started
    cases = load_cases(args.evaluation)
    training = {e.text.lower() for e in load_examples(args.training)}
    overlap = [c.text for c in cases if c.text.lower() in training]
    report = evaluate(pipeline, cases)
    report.encode_ms = encode_latency_ms(pipeline, [f"{c.text} ({i})" for i, c in enumerate(cases)])
    print(format_report(report))
    print(f"start-up {startup:.2f} s, model loaded: {pipeline.model_loaded}")
    if overlap:
        print(f"FAIL: {len(overlap)} evaluation utterances are also training data: {overlap}")
        return 1
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
