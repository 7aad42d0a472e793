"""The web client's recurrence chips (web/static/js/format.js) say what the chat's replies
(chat/rrule_text.py) say, run in Node on the served module with the same zone and clock."""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from todo_backend.chat.rrule_text import recurrence_text

FORMAT_JS = Path(__file__).parents[4] / "web" / "static" / "js" / "format.js"
NODE = shutil.which("node")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
RULES = [
    "FREQ=WEEKLY;BYDAY=SU",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA",
    "FREQ=WEEKLY;BYDAY=SA,SU",
    "FREQ=MONTHLY;BYDAY=1SA",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYDAY=2WE,4WE",
    "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=MONTHLY;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYMONTHDAY=1,15",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=15,-1",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10",
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    "FREQ=MINUTELY;INTERVAL=30",
    "FREQ=HOURLY;INTERVAL=8",
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=2",
    "FREQ=DAILY;BYHOUR=9,18",
    "FREQ=WEEKLY;BYDAY=TH;COUNT=5",
    "FREQ=DAILY;COUNT=1",
    "FREQ=DAILY;UNTIL=20261231",
    "FREQ=DAILY;UNTIL=20261231T235959Z",
    "FREQ=DAILY;UNTIL=20270115T120000Z",
    "FREQ=DAILY;UNTIL=20261215T230000Z",
    "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261225T225959Z",
    "RRULE:freq=weekly;byday=tu",
    "FREQ=YEARLY;BYWEEKNO=20",
    "FREQ=WEEKLY;BYDAY=1MO",
    "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=MO",
    "FREQ=FORTNIGHTLY",
    "not a rule",
]


def chip_words(rules: list[str]) -> list[str]:
    """format.js's `recurrence(rule, now)` for each rule, in Node with the Berlin zone."""
    script = (
        f"import {{ recurrence }} from {json.dumps(FORMAT_JS.as_uri())};"
        f"const now = new Date({json.dumps(NOW.isoformat())});"
        f"console.log(JSON.stringify({json.dumps(rules)}.map((r) => recurrence(r, now))));"
    )
    # Node is what `make setup` already needs for the browser tests' npm install: no skip.
    assert NODE is not None, "node is not installed (make setup needs it for npm)"
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": "Europe/Berlin"},
        timeout=30,
    )
    words: list[str] = json.loads(done.stdout)
    return words


def test_every_chip_reads_like_the_reply() -> None:
    replies = [recurrence_text(rule, BERLIN, NOW) for rule in RULES]
    assert dict(zip(RULES, chip_words(RULES), strict=True)) == dict(
        zip(RULES, replies, strict=True)
    )


def test_month_end_and_nth_weekday_chips_are_words_not_codes() -> None:
    last_day, first_saturday = chip_words(["FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=1SA"])
    assert last_day == "every month on the last day"
    assert first_saturday == "on the first Saturday of every month"


def test_last_working_day_reads_as_a_weekday_of_the_month() -> None:
    rule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    assert recurrence_text(rule, BERLIN, NOW) == "on the last weekday of every month"
    assert chip_words([rule]) == ["on the last weekday of every month"]
