"""Effect-checked chat scenarios (the format of shared/nlu-sample.jsonl), run over real HTTP.

A scenario creates its `setup` tasks through REST, sends each `steps` message to
`POST /api/chat` in one conversation, then checks the user's tasks:
`task` (a task with that title has these fields), `absent`, `listed` (the last reply's
tasks), `no_change`, `fallback_or_out_of_scope`, `reply_contains` (a phrase of the last
reply, case-insensitive), `entities` (fields of the last reply's `entities`), `can_undo`.
Dates in expectations are phrases like "tomorrow 17:00", "next friday" or "today", read in
the scenario's timezone (UTC unless `timezone` says otherwise): with a time the instant must
match, without one the date.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_PHRASE = re.compile(
    r"^(?P<day>today|tomorrow|(?:next )?(?:"
    + "|".join(WEEKDAYS)
    + r"))(?: (?P<time>\d{1,2}:\d{2}))?$"
)


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: list[str]
    expect: dict[str, Any]
    setup: list[dict[str, Any]]
    timezone: str = "UTC"


def load_scenarios(path: Path) -> list[Scenario]:
    scenarios = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        scenarios.append(
            Scenario(
                name=f"{path.stem}:{number}:{raw['steps'][0][:40]}",
                steps=raw["steps"],
                expect=raw["expect"],
                setup=raw.get("setup", []),
                timezone=raw.get("timezone", "UTC"),
            )
        )
    return scenarios


def _expected_day(phrase: str, today: date) -> date:
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return today + timedelta(days=1)
    weekday = WEEKDAYS.index(phrase.removeprefix("next "))
    ahead = (weekday - today.weekday()) % 7 or 7  # the next one strictly after today
    return today + timedelta(days=ahead)


def date_matches(actual: str | None, phrase: str, now: datetime, tz: ZoneInfo) -> bool:
    match = _PHRASE.match(phrase.strip().lower())
    if match is None:
        raise ValueError(f"unsupported date phrase in scenario: {phrase!r}")
    if actual is None:
        return False
    local = datetime.fromisoformat(actual).astimezone(tz)
    if local.date() != _expected_day(match["day"], now.astimezone(tz).date()):
        return False
    if match["time"]:
        hour, minute = (int(part) for part in match["time"].split(":"))
        return (local.hour, local.minute) == (hour, minute)
    return True


def _task_matches(
    task: dict[str, Any], expected: dict[str, Any], now: datetime, tz: ZoneInfo
) -> list[str]:
    problems = []
    for field, value in expected.items():
        actual = task.get(field)
        if field in ("due_at", "remind_at"):
            if not date_matches(actual, value, now, tz):
                problems.append(f"{field}: {actual} is not {value!r}")
        elif field == "tags":
            if sorted(actual or []) != sorted(value):
                problems.append(f"tags: {actual} != {value}")
        elif field == "title":
            if str(actual).casefold() != str(value).casefold():
                problems.append(f"title: {actual!r} != {value!r}")
        elif actual != value:
            problems.append(f"{field}: {actual!r} != {value!r}")
    return problems


def run_scenario(api: httpx.Client, scenario: Scenario) -> list[str]:
    """Run one scenario for a fresh user (the client's); returns what did not hold."""
    for task in scenario.setup:
        response = api.post("/api/tasks", json=task)
        assert response.status_code == 201, response.text
    before = api.get("/api/tasks", params={"limit": 200}).json()["items"]
    now = datetime.now(ZoneInfo("UTC"))
    tz = ZoneInfo(scenario.timezone)
    conversation_id: str | None = None
    reply: dict[str, Any] = {}
    for message in scenario.steps:
        response = api.post(
            "/api/chat",
            json={
                "message": message,
                "conversation_id": conversation_id,
                "timezone": scenario.timezone,
            },
        )
        if response.status_code != 200:
            return [f"{message!r}: HTTP {response.status_code} {response.text}"]
        reply = response.json()
        conversation_id = reply["conversation_id"]
    after = api.get("/api/tasks", params={"limit": 200}).json()["items"]
    return _check(scenario.expect, before, after, reply, now, tz)


def _check(
    expect: dict[str, Any], before: list[dict[str, Any]], after: list[dict[str, Any]],
    reply: dict[str, Any], now: datetime, tz: ZoneInfo,
) -> list[str]:  # fmt: skip
    problems: list[str] = []
    context = f"(reply {reply.get('intent')!r}: {reply.get('reply')!r})"
    if "task" in expect:
        wanted = expect["task"]
        same_title = [t for t in after if t["title"].casefold() == wanted["title"].casefold()]
        if not same_title:
            problems.append(
                f"no task titled {wanted['title']!r} in {[t['title'] for t in after]} {context}"
            )
        elif all(_task_matches(t, wanted, now, tz) for t in same_title):
            problems.extend(f"{p} {context}" for p in _task_matches(same_title[0], wanted, now, tz))
    absent = expect.get("absent")
    if absent and any(t["title"].casefold() == absent.casefold() for t in after):
        problems.append(f"{expect['absent']!r} still exists {context}")
    if "listed" in expect:
        listed = sorted(t["title"] for t in reply.get("tasks", []))
        if listed != sorted(expect["listed"]):
            problems.append(f"listed {listed}, expected {sorted(expect['listed'])} {context}")
    if expect.get("no_change") and before != after:
        problems.append(f"tasks changed {context}")
    wanted_phrase = expect.get("reply_contains")
    if wanted_phrase and wanted_phrase.casefold() not in str(reply.get("reply", "")).casefold():
        problems.append(f"reply lacks {wanted_phrase!r} {context}")
    for name, value in expect.get("entities", {}).items():
        if reply.get("entities", {}).get(name) != value:
            got = reply.get("entities", {}).get(name)
            problems.append(f"entities.{name}: {got!r} != {value!r} {context}")
    if "can_undo" in expect and reply.get("can_undo") != expect["can_undo"]:
        problems.append(f"can_undo: {reply.get('can_undo')!r} != {expect['can_undo']!r} {context}")
    if expect.get("fallback_or_out_of_scope") and not (
        reply.get("fallback") or reply.get("intent") == "out_of_scope"
    ):
        problems.append(f"neither fallback nor out_of_scope {context}")
    return problems
