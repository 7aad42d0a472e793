"""Recurrences said in other words: working days, lists of positions, alternate weeks, a day
of the month after an interval, exceptions to "every night". NOW is Monday 2026-11-23 10:00
in Berlin."""

from datetime import datetime

import pytest

from todo_backend.chat.rrule_text import recurrence_text
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW

WEEKDAYS = "MO,TU,WE,TH,FR"


def _parse(text: str, intent: Intent = Intent.ADD_TASK, now: datetime = NOW) -> Entities:
    return extract_entities(Message(text), intent, now=now)


def _local(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "rule", "due"),
    [
        (
            "add send invoices on the first business day of each month",
            f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=1",
            "2026-12-01 23:59",
        ),
        (
            "add close the books the last workday of every month",
            f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=-1",
            "2026-11-30 23:59",
        ),
        (
            "add choir on the first and third monday of the month",
            "FREQ=MONTHLY;BYDAY=1MO,3MO",
            "2026-12-07 23:59",
        ),
        ("add paper collection every 1st & 3rd friday", "FREQ=MONTHLY;BYDAY=1FR,3FR", None),
        ("add chess club on alternate fridays", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", None),
        ("add visit dad every alternate weekend", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU", None),
        (
            "add pay the insurance every 2 months on the 15th",
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15",
            "2026-12-15 23:59",
        ),
        (
            "add water the palms every night except saturdays",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SU",
            "2026-11-23 20:00",
        ),
        ("add run club on thursday evenings", "FREQ=WEEKLY;BYDAY=TH", "2026-11-26 18:00"),
        ("add yoga every day but friday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SA,SU", None),
        (
            "add swim every morning at 7 except the weekend",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "2026-11-24 07:00",
        ),
        ("add go running every other morning", "FREQ=DAILY;INTERVAL=2", "2026-11-24 09:00"),
        ("add backups every night at 2am", "FREQ=DAILY", "2026-11-24 02:00"),
        ("add floss each and every day", "FREQ=DAILY", "2026-11-23 23:59"),
        ("add gym every wkday at 6pm", f"FREQ=WEEKLY;BYDAY={WEEKDAYS}", "2026-11-23 18:00"),
        ("add pay the loan every 5th", "FREQ=MONTHLY;BYMONTHDAY=5", "2026-12-05 23:59"),
        ("add refresh the dashboard every half an hour", "FREQ=MINUTELY;INTERVAL=30", None),
        # 09:00 today is gone: the series starts next monday, not in two weeks
        ("add sync every 2 weeks at 9am", "FREQ=WEEKLY;INTERVAL=2", "2026-11-30 09:00"),
        (
            "add quiz night monthly on the second wednesday",
            "FREQ=MONTHLY;BYDAY=2WE",
            "2026-12-09 23:59",
        ),
    ],
)
def test_a_schedule_in_other_words_is_its_rule(text: str, rule: str, due: str | None) -> None:
    entities = _parse(text)
    assert entities.recurrence == rule
    if due is not None:
        assert _local(entities.due_at) == due
    assert recurrence_text(rule, BERLIN, NOW) != "on a custom schedule"


def test_every_other_day_of_the_week_starts_on_the_next_one() -> None:
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
    entities = _parse("add bins every other tuesday", now=wednesday)
    assert entities.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert _local(entities.due_at) == "2026-12-01 23:59"  # not two weeks after last tuesday


def test_a_later_day_of_the_month_joins_a_monthly_rule() -> None:
    entities = _parse(
        "set up a monthly reminder to renew the parking permit on the 3rd", Intent.SET_REMINDER
    )
    assert entities.recurrence == "FREQ=MONTHLY;BYMONTHDAY=3"
    assert _local(entities.remind_at) == "2026-12-03 09:00"


def test_a_fortnightly_title_word_sets_the_interval_of_its_days() -> None:
    entities = _parse("add fortnightly team lunch on thursdays")
    assert entities.title == "fortnightly team lunch"
    assert entities.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"


def test_the_week_said_again_after_the_days_is_no_title() -> None:
    entities = _parse("add choir on wednesdays every week")
    assert entities.title == "choir"
    assert entities.recurrence == "FREQ=WEEKLY;BYDAY=WE"


@pytest.mark.parametrize("text", ["add visit every 2nd saturday", "add water every 2nd day"])
def test_every_second_day_or_weekday_is_no_day_of_the_month(text: str) -> None:
    rule = _parse(text).recurrence
    assert rule is not None and "BYMONTHDAY" not in rule
