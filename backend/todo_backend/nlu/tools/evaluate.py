"""Evaluate the chat on the locked test set, effect-checked through the real chat code path.

    python -m todo_backend.nlu.tools.evaluate [--test-set DIR] [--json PATH|-] [--failures N]

Every scenario of `nlu/data/test/*.jsonl` runs in process against the backend app (its
FastAPI routes, task service and NLU pipeline, on a temporary SQLite database): the setup
tasks are created through `POST /api/tasks`, each step is sent to `POST /api/chat` in one
conversation, and the user's tasks before and after are compared. Only the Dapr state store
(conversation context) is an in-memory stand-in, as no sidecar runs here.

Reported: scenario pass rate per failure class, per-intent precision/recall, entity
exact-match per field (on the stored task, i.e. the effect), false actions on non-commands
(any change to any task) and destructive ones (a task completed or deleted), fallback on
in-domain messages, HTTP errors, latency per turn. Exits 1 if a bar of issue 12 is missed.

The test set is locked: it is never used to tune the pipeline (see `nlu/data/README.md`).
The failure list (`--failures`) is for whoever maintains the test set, not for tuning.
"""

import argparse
import asyncio
import hashlib
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from dateutil.rrule import rrulestr

from todo_backend.settings import BackendSettings
from todo_common.auth import create_token
from todo_common.dapr.client import DaprClient, StateConflictError, StateEntry

TEST_SET_DIR = Path(__file__).resolve().parents[1] / "data" / "test"
MANIFEST_NAME = "MANIFEST.sha256"
DEFAULT_JSON_PATH = Path("bench/results/nlu-eval.json")
_JWT_SECRET = "nlu-evaluation-only-secret-0123456789abcdef"

ENTITY_FIELDS = ("title", "due_at", "remind_at", "recurrence", "priority", "tags")
NON_COMMAND = "non_command"
# The bars of issue 12, on the locked test set.
BARS = {
    "intent_accuracy": 0.97,
    "entity_exact_match": 0.95,  # per field
    "false_action_rate": 0.005,  # at most, on non-commands
    "destructive_false_actions": 0,
    "fallback_rate": 0.01,  # at most, on in-domain messages
    "http_errors": 0,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_TIME = r"(?P<time>\d{1,2}:\d{2})"
_DAY_PHRASE = re.compile(
    r"^(?P<day>today|tomorrow|(?P<next>next )?(?P<weekday>" + "|".join(WEEKDAYS) + r")"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))(?: " + _TIME + r")?$"
)
_UPCOMING_PHRASE = re.compile(r"^upcoming " + _TIME + "$")
_SETUP_DATE_FIELDS = ("due_at", "remind_at")
# A scenario without a time zone runs in a fixed-offset zone where it is mid-morning when it
# starts, so "tonight", "at 8 pm" and "tomorrow" mean the same at any hour of the run.
AUTO_TIMEZONE = "auto"
_AUTO_LOCAL_HOUR = 10


def auto_timezone(now: datetime) -> str:
    """The Etc/GMT zone in which `now` is between 10:00 and 11:00 local."""
    offset = (_AUTO_LOCAL_HOUR - now.astimezone(UTC).hour + 12) % 24 - 12  # -12 .. +11
    # POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


# -- the test set ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    id: str
    failure_class: str
    register: str
    steps: list[str]
    intents: list[list[str] | None]
    expect: dict[str, Any]
    setup: list[dict[str, Any]]
    timezone: str = "auto"
    domain: str = ""  # a non-command's subject: banking, weather, small_talk, ...

    @property
    def in_domain(self) -> bool:
        return self.failure_class != NON_COMMAND


def _accepted(raw: object) -> list[str] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(item, str) for item in raw):
        return list(raw)
    raise ValueError(f"an expected intent is a name or a list of names, not {raw!r}")


def load_scenarios(directory: Path = TEST_SET_DIR) -> list[Scenario]:
    scenarios = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            steps = raw["steps"]
            intents = raw.get("intents", [None] * len(steps))
            if len(intents) != len(steps):
                raise ValueError(f"{path.name}:{number}: one expected intent per step")
            scenarios.append(
                Scenario(
                    id=raw.get("id", f"{path.stem}:{number}"),
                    failure_class=str(raw.get("class", "unclassified")),
                    register=raw.get("register", "plain"),
                    steps=steps,
                    intents=[_accepted(intent) for intent in intents],
                    expect=raw["expect"],
                    setup=raw.get("setup", []),
                    timezone=raw.get("timezone", AUTO_TIMEZONE),
                    domain=raw.get("domain", ""),
                )
            )
    return scenarios


def manifest(directory: Path = TEST_SET_DIR) -> str:
    """The SHA-256 of every data file: changing the locked set means changing this too."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(directory.glob("*.jsonl"))
    ]
    return "\n".join(lines) + "\n"


# -- expectations ----------------------------------------------------------------------------


def _expected_day(match: re.Match[str], today: date) -> date:
    if match["iso"]:
        return date.fromisoformat(match["iso"])
    if match["day"] == "today":
        return today
    if match["day"] == "tomorrow":
        return today + timedelta(days=1)
    ahead = (WEEKDAYS.index(match["weekday"]) - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)  # the next such day strictly after today


def resolve_phrase(phrase: str, now: datetime, tz: ZoneInfo) -> tuple[date, tuple[int, int] | None]:
    """A phrase's local day and, if it names one, its (hour, minute).

    Phrases: "today", "tomorrow", "friday" / "next friday" (the next one strictly after
    today), "2027-04-15", each optionally followed by "17:00"; and "upcoming 20:00", the next
    20:00 after now (today if still ahead, else tomorrow).
    """
    text = phrase.strip().lower()
    local_now = now.astimezone(tz)
    upcoming = _UPCOMING_PHRASE.match(text)
    if upcoming:
        hour, minute = (int(part) for part in upcoming["time"].split(":"))
        at = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if at <= local_now:
            at += timedelta(days=1)
        return at.date(), (hour, minute)
    match = _DAY_PHRASE.match(text)
    if match is None:
        raise ValueError(f"unsupported date phrase in the test set: {phrase!r}")
    clock = None
    if match["time"]:
        hour, minute = (int(part) for part in match["time"].split(":"))
        clock = (hour, minute)
    return _expected_day(match, local_now.date()), clock


def phrase_to_iso(phrase: str, now: datetime, tz: ZoneInfo) -> str:
    """A setup task's date phrase as an instant (a day without a time: 12:00 local)."""
    day, clock = resolve_phrase(phrase, now, tz)
    hour, minute = clock or (12, 0)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).isoformat()


def date_matches(actual: str | None, phrase: str | None, now: datetime, tz: ZoneInfo) -> bool:
    """With a time in the phrase the local wall-clock minute must match, without one the day;
    `None` means no date at all."""
    if phrase is None:
        return actual is None
    day, clock = resolve_phrase(phrase, now, tz)
    if actual is None:
        return False
    local = datetime.fromisoformat(actual).astimezone(tz)
    return local.date() == day and (clock is None or (local.hour, local.minute) == clock)


_RRULE_START = datetime(2026, 1, 5, 9, 0)  # a Monday, for a task without a due date


def same_recurrence(
    actual: str | None, expected: str | None, start: datetime | None = None
) -> bool:
    """The same occurrences from the task's due date, however the RRULE is spelled:
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" is "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", and "FREQ=MONTHLY"
    on a task due the 31st is "FREQ=MONTHLY;BYMONTHDAY=31"."""
    if actual is None or expected is None:
        return actual is expected
    dtstart = start.replace(tzinfo=None) if start else _RRULE_START
    try:
        left = list(islice(rrulestr(actual, dtstart=dtstart), 40))
    except (ValueError, TypeError):
        return False
    return left == list(islice(rrulestr(expected, dtstart=dtstart), 40))


_LEADING_DETERMINER = re.compile(r"^(?:the|a|an|my|our)\s+")


def _normal_title(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def _same_title(actual: object, expected: object) -> bool:
    """Exact, except for case, spacing and a leading "the"/"a"/"my" ("the dentist")."""
    left, right = _normal_title(actual), _normal_title(expected)
    return left == right or _LEADING_DETERMINER.sub("", left) == _LEADING_DETERMINER.sub("", right)


def field_matches(name: str, expected: Any, actual: Any, now: datetime, tz: ZoneInfo) -> bool:
    """One expected field against the stored task's (recurrences: see `check`)."""
    if name in ("due_at", "remind_at"):
        return date_matches(actual, expected, now, tz)
    if name == "tags":
        return sorted(t.casefold() for t in actual or []) == sorted(t.casefold() for t in expected)
    if name == "title":
        return _same_title(actual, expected)
    return bool(actual == expected)


Task = dict[str, Any]


def _changed(before: list[Task], after: list[Task]) -> list[Task]:
    """Tasks that are new, or differ from their state before."""
    old = {task["id"]: task for task in before}
    return [task for task in after if old.get(task["id"]) != task]


def locate_task(wanted: dict[str, Any], before: list[Task], after: list[Task]) -> Task | None:
    """The task an expectation is about: the one with its title, else the one task changed."""
    same_title = [
        t for t in after if "title" in wanted and _same_title(t["title"], wanted["title"])
    ]
    if same_title:
        changed = [t for t in _changed(before, after) if t in same_title]
        return (changed or same_title)[0]
    changed = _changed(before, after)
    return changed[0] if len(changed) == 1 else None


def destructive_changes(before: list[Task], after: list[Task]) -> list[str]:
    """Titles of tasks that were deleted or marked done between before and after."""
    now_by_id = {task["id"]: task for task in after}
    open_titles = {_normal_title(t["title"]) for t in after if not t["completed"]}
    hit = []
    for task in before:
        later = now_by_id.get(task["id"])
        if later is None:
            # "undo" may restore a deleted task under a new id: that is no loss.
            if task["completed"] or _normal_title(task["title"]) not in open_titles:
                hit.append(f"deleted {task['title']!r}")
        elif later["completed"] and not task["completed"]:
            hit.append(f"completed {task['title']!r}")
    return hit


@dataclass
class Outcome:
    scenario: Scenario
    timezone: str = "UTC"  # the zone the scenario ran in (resolved from "auto")
    problems: list[str] = field(default_factory=list)
    intents: list[tuple[list[str] | None, str | None]] = field(default_factory=list)
    fallbacks: list[bool] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    fields: dict[str, bool] = field(default_factory=dict)
    changed: bool = False
    destructive: list[str] = field(default_factory=list)
    wrong_target: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _expected_destructive(expect: dict[str, Any]) -> set[str]:
    allowed = set()
    wanted = expect.get("task")
    if wanted and wanted.get("completed"):
        allowed.add(f"completed {wanted['title']!r}".casefold())
    for title in _as_list(expect.get("absent")):
        allowed.add(f"deleted {title!r}".casefold())
    for title in _as_list(expect.get("done_or_absent")):
        allowed |= {f"deleted {title!r}".casefold(), f"completed {title!r}".casefold()}
    return allowed


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check(
    outcome: Outcome, before: list[Task], after: list[Task], reply: dict[str, Any], now: datetime
) -> None:
    """Fill the outcome's problems, entity results and side effects from before/after."""
    expect, tz = outcome.scenario.expect, ZoneInfo(outcome.timezone)
    context = f"(last reply {reply.get('intent')!r}: {str(reply.get('reply'))[:120]!r})"
    problems = outcome.problems
    outcome.changed = before != after
    outcome.destructive = destructive_changes(before, after)
    allowed = _expected_destructive(expect)
    outcome.wrong_target = [d for d in outcome.destructive if d.casefold() not in allowed]
    if outcome.wrong_target:
        problems.append(f"unexpected {outcome.wrong_target} {context}")
    wanted = expect.get("task")
    if wanted:
        task = locate_task(wanted, before, after)
        for name, value in wanted.items():
            if task is None:
                ok = False
            elif name == "recurrence":
                due = task.get("due_at")
                start = datetime.fromisoformat(due).astimezone(tz) if due else None
                ok = same_recurrence(task.get(name), value, start)
            else:
                ok = field_matches(name, value, task.get(name), now, tz)
            if name in ENTITY_FIELDS:
                outcome.fields[name] = ok
            if not ok:
                got = None if task is None else task.get(name)
                problems.append(f"{name}: got {got!r}, expected {value!r} {context}")
    for title in _as_list(expect.get("absent")):
        if any(_same_title(t["title"], title) for t in after):
            problems.append(f"{title!r} still exists {context}")
    for title in _as_list(expect.get("done_or_absent")):
        same = [t for t in after if _same_title(t["title"], title)]
        if any(not t["completed"] for t in same):
            problems.append(f"{title!r} is neither done nor deleted {context}")
    if "listed" in expect:
        listed = sorted(_normal_title(t["title"]) for t in reply.get("tasks", []))
        if listed != sorted(_normal_title(t) for t in expect["listed"]):
            problems.append(f"listed {listed}, expected {sorted(expect['listed'])} {context}")
    if (expect.get("no_change") or expect.get("asks")) and outcome.changed:
        problems.append(f"tasks changed: {_diff(before, after)} {context}")
    if expect.get("asks"):
        text = str(reply.get("reply", ""))
        if "?" not in text:
            problems.append(f"expected a clarifying question {context}")
        missing = [c for c in expect.get("candidates", []) if c.casefold() not in text.casefold()]
        if missing:
            problems.append(f"the question does not offer {missing} {context}")
    if expect.get("fallback_or_out_of_scope") and not (
        reply.get("fallback") or reply.get("intent") == "out_of_scope"
    ):
        problems.append(f"neither fallback nor out_of_scope {context}")


def _diff(before: list[Task], after: list[Task]) -> list[str]:
    old_ids = {task["id"] for task in before}
    changed = _changed(before, after)
    created = [f"+{t['title']!r}" for t in changed if t["id"] not in old_ids]
    updated = [f"~{t['title']!r}" for t in changed if t["id"] in old_ids]
    return created + updated + destructive_changes(before, after)


# -- running through the app -----------------------------------------------------------------


class InMemoryStateDapr(DaprClient):
    """The Dapr state store API in memory (ETag and first-write semantics kept): the only
    stand-in in this evaluation, since the conversation context lives in the sidecar's store.
    """

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:1")
        self._state: dict[str, tuple[Any, int]] = {}

    async def get_state_entry(self, store: str, key: str) -> StateEntry:
        value, version = self._state.get(f"{store}/{key}", (None, 0))
        return StateEntry(value, str(version) if value is not None else None)

    async def save_state(self, store: str, key: str, value: Any, **options: Any) -> None:
        name = f"{store}/{key}"
        _, version = self._state.get(name, (None, 0))
        etag, first_write = options.get("etag"), options.get("first_write", False)
        if (etag is not None and etag != str(version)) or (first_write and name in self._state):
            raise StateConflictError("save state", 409, "etag mismatch")
        self._state[name] = (json.loads(json.dumps(value)), version + 1)

    async def delete_state(self, store: str, key: str) -> None:
        self._state.pop(f"{store}/{key}", None)


def evaluation_settings(database_url: str, log_level: str = "INFO") -> BackendSettings:
    return BackendSettings(
        database_url=database_url,
        redis_url="redis://127.0.0.1:1/0",  # nothing listens: the limiter counts in process
        jwt_secret=_JWT_SECRET,
        outbox_relay_enabled=False,  # events stay in the outbox: no sidecar to publish to
        dapr_http_port=1,
        rate_limit_per_minute=1_000_000,
        migrate_on_startup=True,
        log_level=log_level,
        # No time budget for the model: the evaluation measures what the pipeline decides, and
        # on a loaded machine the budget would turn slow encodes into fallbacks (load, not
        # understanding). The budget itself is tested in tests/unit/backend/nlu and the game day.
        nlu_model_budget_ms=0,
    )


async def _tasks_of(client: httpx.AsyncClient, headers: dict[str, str]) -> list[Task]:
    response = await client.get("/api/tasks", params={"limit": 200}, headers=headers)
    response.raise_for_status()
    items: list[Task] = response.json()["items"]
    return sorted(items, key=lambda task: str(task["id"]))


async def run_scenario(client: httpx.AsyncClient, scenario: Scenario, number: int) -> Outcome:
    now = datetime.now(UTC)
    zone = auto_timezone(now) if scenario.timezone == AUTO_TIMEZONE else scenario.timezone
    outcome = Outcome(scenario, timezone=zone)
    token = create_token(f"nlu-eval-{number}", _JWT_SECRET)
    headers = {"Authorization": f"Bearer {token}"}
    tz = ZoneInfo(zone)
    for raw in scenario.setup:
        task = {k: v for k, v in raw.items() if k != "completed"}
        for name in _SETUP_DATE_FIELDS:
            if isinstance(task.get(name), str):
                task[name] = phrase_to_iso(task[name], now, tz)
        response = await client.post("/api/tasks", json=task, headers=headers)
        if response.status_code != 201:
            raise ValueError(f"{scenario.id}: setup task {raw} refused: {response.text}")
        if raw.get("completed"):
            done = await client.post(
                f"/api/tasks/{response.json()['id']}/complete", headers=headers
            )
            done.raise_for_status()
    before = await _tasks_of(client, headers)
    conversation_id: str | None = None
    reply: dict[str, Any] = {}
    for message, accepted in zip(scenario.steps, scenario.intents, strict=True):
        body = {"message": message, "conversation_id": conversation_id}
        body["timezone"] = zone
        started = time.perf_counter()
        response = await client.post("/api/chat", json=body, headers=headers)
        outcome.latencies_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            error = f"{message!r}: HTTP {response.status_code} {response.text[:200]}"
            outcome.http_errors.append(error)
            outcome.problems.append(error)
            outcome.intents.append((accepted, None))
            outcome.fallbacks.append(False)
            continue
        reply = response.json()
        conversation_id = reply["conversation_id"]
        outcome.intents.append((accepted, reply["intent"]))
        outcome.fallbacks.append(bool(reply["fallback"]))
        if accepted is not None and reply["intent"] not in accepted:
            outcome.problems.append(f"{message!r}: intent {reply['intent']}, expected {accepted}")
    after = await _tasks_of(client, headers)
    check(outcome, before, after, reply, now)
    return outcome


async def run_all(
    scenarios: Sequence[Scenario], *, log_level: str = "INFO"
) -> tuple[list[Outcome], float]:
    """Start the backend app on a temporary database and run every scenario; returns the
    outcomes and the app's start-up time in seconds. (The app configures the process's
    logging at `log_level`, as any backend app does.)"""
    from todo_backend.main import create_app  # the app module builds one app when imported

    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as directory:
        database_url = f"sqlite+aiosqlite:///{directory}/tasks.db"
        app = create_app(evaluation_settings(database_url, log_level))
        started = time.perf_counter()
        async with app.router.lifespan_context(app):
            startup = time.perf_counter() - started
            app.state.dapr = InMemoryStateDapr()
            # A crash in the app is an HTTP 500 to count, not an exception to stop on.
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://backend") as client:
                outcomes = [
                    await run_scenario(client, scenario, number)
                    for number, scenario in enumerate(scenarios)
                ]
    return outcomes, startup


# -- the report ------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarise(outcomes: Sequence[Outcome], startup_seconds: float = 0.0) -> dict[str, Any]:
    """The machine-readable report: every number the human table shows."""
    pairs = [(acc, got) for o in outcomes for acc, got in o.intents if acc is not None]
    # A step with several acceptable intents counts as the one given if it is acceptable.
    labelled = [(got if got in acc else acc[0], got) for acc, got in pairs]
    names = sorted({e for e, _ in labelled} | {g for _, g in labelled if g})
    per_intent = {}
    for name in names:
        tp = sum(1 for e, g in labelled if e == name and g == name)
        predicted = sum(1 for _, g in labelled if g == name)
        support = sum(1 for e, _ in labelled if e == name)
        per_intent[name] = {
            "precision": round(_rate(tp, predicted), 4),
            "recall": round(_rate(tp, support), 4),
            "support": support,
            "predicted": predicted,
        }
    correct = sum(1 for e, g in labelled if e == g)
    entities = {}
    for name in ENTITY_FIELDS:
        results = [o.fields[name] for o in outcomes if name in o.fields]
        entities[name] = {
            "correct": sum(results),
            "total": len(results),
            "exact_match": round(_rate(sum(results), len(results)), 4),
        }
    non_commands = [o for o in outcomes if not o.scenario.in_domain]
    in_domain = [o for o in outcomes if o.scenario.in_domain]
    false_actions = [o for o in non_commands if o.changed]
    destructive = [o for o in non_commands if o.destructive]
    in_domain_steps = [f for o in in_domain for f in o.fallbacks]
    classes: dict[str, dict[str, Any]] = {}
    for name in sorted({o.scenario.failure_class for o in outcomes}):
        group = [o for o in outcomes if o.scenario.failure_class == name]
        passed = sum(o.passed for o in group)
        classes[name] = {
            "scenarios": len(group),
            "passed": passed,
            "pass_rate": round(_rate(passed, len(group)), 4),
        }
    domains: Counter[str] = Counter(o.scenario.domain for o in non_commands)
    domains_acted: Counter[str] = Counter(o.scenario.domain for o in false_actions)
    registers: Counter[str] = Counter(o.scenario.register for o in outcomes)
    registers_passed: Counter[str] = Counter(o.scenario.register for o in outcomes if o.passed)
    latencies = [ms for o in outcomes for ms in o.latencies_ms]
    http_errors = [e for o in outcomes for e in o.http_errors]
    report: dict[str, Any] = {
        "scenarios": len(outcomes),
        "scenarios_passed": sum(o.passed for o in outcomes),
        "messages": len(latencies),
        "per_class": classes,
        "per_register": {
            name: {
                "scenarios": count,
                "pass_rate": round(_rate(registers_passed[name], count), 4),
            }
            for name, count in sorted(registers.items())
        },
        "intent_accuracy": round(_rate(correct, len(labelled)), 4),
        "intent_steps": len(labelled),
        "per_intent": per_intent,
        "entities": entities,
        "non_command": {
            "scenarios": len(non_commands),
            "messages": sum(len(o.scenario.steps) for o in non_commands),
            "false_actions": len(false_actions),
            "false_action_rate": round(_rate(len(false_actions), len(non_commands)), 4),
            "destructive_false_actions": len(destructive),
            "false_actions_per_domain": {
                name: {"scenarios": count, "false_actions": domains_acted[name]}
                for name, count in sorted(domains.items())
            },
        },
        "in_domain": {
            "scenarios": len(in_domain),
            "messages": len(in_domain_steps),
            "fallbacks": sum(in_domain_steps),
            "fallback_rate": round(_rate(sum(in_domain_steps), len(in_domain_steps)), 4),
            "wrong_target_destructive": sum(bool(o.wrong_target) for o in in_domain),
        },
        "http_errors": len(http_errors),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
            "p99": round(_percentile(latencies, 0.99), 2),
            "max": round(max(latencies, default=0.0), 2),
        },
        "startup_seconds": round(startup_seconds, 2),
    }
    report["bars"] = bars(report)
    return report


def bars(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each bar of issue 12: the measured value, the target and whether it is met."""
    entity_worst = min(
        (f["exact_match"] for f in report["entities"].values() if f["total"]), default=0.0
    )
    measured = {
        "intent_accuracy": (report["intent_accuracy"], True),
        "entity_exact_match": (entity_worst, True),
        "false_action_rate": (report["non_command"]["false_action_rate"], False),
        "destructive_false_actions": (report["non_command"]["destructive_false_actions"], False),
        "fallback_rate": (report["in_domain"]["fallback_rate"], False),
        "http_errors": (report["http_errors"], False),
    }
    out = {}
    for name, (value, at_least) in measured.items():
        target = BARS[name]
        met = value >= target if at_least else value <= target
        out[name] = {"value": value, "target": target, "at_least": at_least, "met": met}
    return out


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"Chat evaluation on the locked test set: {report['scenarios']} scenarios, "
        f"{report['messages']} messages, {report['scenarios_passed']} scenarios passed",
        "",
        f"{'failure class':<22}{'scenarios':>10}{'passed':>8}{'rate':>8}",
    ]
    for name, row in report["per_class"].items():
        lines.append(f"{name:<22}{row['scenarios']:>10}{row['passed']:>8}{row['pass_rate']:>8.3f}")
    lines += ["", f"{'register':<22}{'scenarios':>10}{'rate':>16}"]
    for name, row in report["per_register"].items():
        lines.append(f"{name:<22}{row['scenarios']:>10}{row['pass_rate']:>16.3f}")
    lines += ["", f"{'intent':<22}{'precision':>10}{'recall':>8}{'support':>9}{'predicted':>10}"]
    for name, row in report["per_intent"].items():
        lines.append(
            f"{name:<22}{row['precision']:>10.3f}{row['recall']:>8.3f}"
            f"{row['support']:>9}{row['predicted']:>10}"
        )
    lines += ["", f"{'entity (on the stored task)':<30}{'exact match':>12}{'of':>8}"]
    for name, row in report["entities"].items():
        lines.append(f"{name:<30}{row['exact_match']:>12.3f}{row['total']:>8}")
    nc, ind, latency = report["non_command"], report["in_domain"], report["latency_ms"]
    lines += [
        "",
        f"non-commands: {nc['false_actions']}/{nc['scenarios']} changed a task "
        f"({nc['false_action_rate']:.2%}), {nc['destructive_false_actions']} destructive; "
        "by domain: "
        + ", ".join(
            f"{name} {row['false_actions']}/{row['scenarios']}"
            for name, row in nc["false_actions_per_domain"].items()
            if row["false_actions"]
        ),
        f"in-domain: fallback {ind['fallbacks']}/{ind['messages']} ({ind['fallback_rate']:.2%}), "
        f"{ind['wrong_target_destructive']} completed/deleted a task they did not name",
        f"HTTP errors: {report['http_errors']}",
        f"latency per turn (in process): p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms,"
        f" max {latency['max']:.1f} ms; app start-up {report['startup_seconds']:.1f} s",
        "",
        "bars (issue 12):",
    ]
    for name, bar in report["bars"].items():
        sign = ">=" if bar["at_least"] else "<="
        verdict = "met" if bar["met"] else "MISSED"
        lines.append(f"  {name:<28}{bar['value']:>9} {sign} {bar['target']:<8}{verdict}")
    lines.append("PASS" if all(b["met"] for b in report["bars"].values()) else "FAIL")
    return "\n".join(lines)


def failure_lines(outcomes: Sequence[Outcome], limit: int) -> list[str]:
    failed = [o for o in outcomes if not o.passed]
    return [f"{o.scenario.id} {o.scenario.steps}: {'; '.join(o.problems)}" for o in failed][:limit]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--test-set", type=Path, default=TEST_SET_DIR)
    parser.add_argument(
        "--json", default=str(DEFAULT_JSON_PATH), help="where to write the JSON report; - prints"
    )
    parser.add_argument("--failures", type=int, default=0, help="list up to N failed scenarios")
    parser.add_argument("--only-class", default=None, help="run one failure class only")
    parser.add_argument(
        "--log-level", default="ERROR", help="the app's log level (a line per request at INFO)"
    )
    args = parser.parse_args(argv)
    scenarios = load_scenarios(args.test_set)
    if args.only_class:
        scenarios = [s for s in scenarios if s.failure_class == args.only_class]
    started = time.perf_counter()
    outcomes, startup = asyncio.run(run_all(scenarios, log_level=args.log_level))
    report = summarise(outcomes, startup)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    if args.json == "-":
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
        print(f"total {report['wall_seconds']} s")
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"JSON report: {args.json}")
    if args.failures:
        print("\nfailed scenarios:", *failure_lines(outcomes, args.failures), sep="\n  ")
    return 0 if all(bar["met"] for bar in report["bars"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
