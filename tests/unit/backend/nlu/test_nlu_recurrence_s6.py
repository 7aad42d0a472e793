"""Session 6 recurrence phrasing: times of day in a list, ranges and "a couple of", seasons and
months, adverb typos, the 24-hour clock, and updates that change only how often a task repeats."""

from datetime import UTC, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.recurrence import Recurrence, changed_rule, falls_on
from todo_reminders.recurrence import next_due


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if moment else None


@pytest.mark.parametrize(
    ("message", "rule", "due"),
    [
        # evenly spread times of day: every so many hours from the earliest
        (
            "add take my meds at 8am and 8pm every day",
            "FREQ=HOURLY;INTERVAL=12",
            "2026-11-23T20:00",
        ),
        (
            "add feed the fish twice a day at 9 and 21",
            "FREQ=HOURLY;INTERVAL=12",
            "2026-11-23T21:00",
        ),
        (
            "add take antibiotics three times a day at 6am, 2pm and 10pm",
            "FREQ=HOURLY;INTERVAL=8",
            "2026-11-23T14:00",
        ),
        # uneven ones: daily at the first time said
        ("add check blood sugar at 8am and 6pm daily", "FREQ=DAILY", "2026-11-24T08:00"),
        ("add take my insulin every morning and evening", "FREQ=DAILY", "2026-11-24T09:00"),
        # one time, as before
        ("add practice guitar daily at 6pm", "FREQ=DAILY", "2026-11-23T18:00"),
        # seasons and months: once a year on the first of that month
        (
            "add clear the gutters every spring",
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
            "2027-03-01T23:59",
        ),
        (
            "add check the antifreeze each winter",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1",
            "2026-12-01T23:59",
        ),
        (
            "add boiler service every october",
            "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",
            "2027-10-01T23:59",
        ),
    ],
)
def test_times_of_day_and_seasons(pipeline: NluPipeline, message: str, rule: str, due: str) -> None:
    entities = pipeline.parse(message, now=NOW, timezone=BERLIN).entities
    assert (entities.recurrence, _local(entities.due_at)) == (rule, due)


@pytest.mark.parametrize(
    ("message", "title", "rule"),
    [
        ("add water the tomatoes every 2-3 days", "water the tomatoes", "FREQ=DAILY;INTERVAL=2"),
        ("add wash the car every 2 or 3 weeks", "wash the car", "FREQ=WEEKLY;INTERVAL=2"),
        (
            "add change the filter every 2 to 3 months",
            "change the filter",
            "FREQ=MONTHLY;INTERVAL=2",
        ),
        ("add ring grandma every couple of days", "ring grandma", "FREQ=DAILY;INTERVAL=2"),
        ("add reply to emails every couple hours", "reply to emails", "FREQ=HOURLY;INTERVAL=2"),
        (
            "add clean the hamster cage every few days",
            "clean the hamster cage",
            "FREQ=DAILY;INTERVAL=3",
        ),
        (
            "add clean the windows every spring and autumn",
            "clean the windows",
            "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1",
        ),
        (
            "add bleed the radiators every fall",
            "bleed the radiators",
            "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1",
        ),
        ("add payroll run fortnighly on friday", "payroll run", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("add pay the bills monthy", "pay the bills", "FREQ=MONTHLY"),
        ("add clean the litter tray dialy", "clean the litter tray", "FREQ=DAILY"),
        ("can you add feed the cat twice a day", "feed the cat", "FREQ=DAILY"),
    ],
)
def test_ranges_typos_and_seasons_leave_the_title(
    pipeline: NluPipeline, message: str, title: str, rule: str
) -> None:
    entities = pipeline.parse(message, now=NOW, timezone=BERLIN).entities
    assert (entities.title, entities.recurrence) == (title, rule)


def test_a_bare_hour_of_the_24_hour_clock_is_a_time(pipeline: NluPipeline) -> None:
    entities = pipeline.parse("remind me to call mum at 17", now=NOW, timezone=BERLIN).entities
    assert (entities.title, _local(entities.remind_at)) == ("call mum", "2026-11-23T17:00")


def test_evenly_spread_times_are_the_occurrences_of_the_byhour_rule() -> None:
    start = datetime(2026, 11, 23, 20, 0)
    ours = list(islice(rrulestr("FREQ=HOURLY;INTERVAL=12", dtstart=start), 40))
    byhour = list(islice(rrulestr("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", dtstart=start), 40))
    assert ours == byhour


def test_the_reminders_service_keeps_local_times_of_a_twice_daily_series() -> None:
    """The reminders service counts from the UTC due date: 12 hours on stays 08:00/20:00 local,
    where BYHOUR=8,20 would be read as UTC hours (09:00/21:00 in Berlin)."""
    due = datetime(2026, 11, 23, 20, 0, tzinfo=BERLIN).astimezone(ZoneInfo("UTC"))
    following = next_due("FREQ=HOURLY;INTERVAL=12", due)
    assert following is not None
    assert following.astimezone(BERLIN).strftime("%d %H:%M") == "24 08:00"


def test_at_times_only_changes_a_plain_daily_series() -> None:
    weekly = Recurrence("FREQ=WEEKLY;BYDAY=MO")
    assert weekly.at_times([time(8), time(20)]) is weekly
    assert Recurrence("FREQ=DAILY").at_times([time(8)]).rule == "FREQ=DAILY"
    assert Recurrence("FREQ=DAILY").at_times([time(8, 30), time(20, 30)]).times == (
        time(8, 30),
        time(20, 30),
    )
    assert Recurrence("FREQ=DAILY").at_times([time(6), time(18), time(12), time(0)]).rule == (
        "FREQ=HOURLY;INTERVAL=6"
    )


@pytest.mark.parametrize(
    ("current", "said", "result"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO"),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "FREQ=MONTHLY;INTERVAL=2",
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
        ),
        ("FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY", "FREQ=MONTHLY"),
        ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TH"),
        (None, "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2"),
    ],
)
def test_an_update_to_how_often_keeps_the_days(current: str | None, said: str, result: str) -> None:
    assert changed_rule(current, said) == result


def test_falls_on() -> None:
    tuesday = datetime(2026, 11, 24, 19, 0)
    assert falls_on("FREQ=WEEKLY;BYDAY=TU", tuesday)
    assert not falls_on("FREQ=WEEKLY;BYDAY=TH", tuesday)
    assert falls_on("FREQ=MONTHLY", tuesday)


async def test_make_it_every_other_week_keeps_the_weekdays(chat: Chat) -> None:
    await chat.say("add yoga every tuesday and thursday at 6pm")
    reply = await chat.say("make it every other week")
    assert reply.intent == "update_task"
    assert (await chat.all())["yoga"].recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
    assert "every 2 weeks on Tuesday and Thursday" in reply.reply


async def test_change_it_to_every_thursday_moves_the_due_day_and_keeps_its_time(
    chat: Chat,
) -> None:
    await chat.say("add football practice every tuesday at 7pm")
    await chat.say("change it to every thursday")
    task = (await chat.all())["football practice"]
    assert task.recurrence == "FREQ=WEEKLY;BYDAY=TH"
    assert task.due_at is not None
    assert task.due_at.isoweekday() == 4
    assert (task.due_at.hour, task.due_at.minute) == (19, 0)
    # the next Thursday from now, not the Thursday after the old Tuesday
    assert timedelta(0) < task.due_at - datetime.now(UTC) <= timedelta(days=7)


async def test_stop_repeating_and_make_it_monthly(chat: Chat) -> None:
    await chat.say("add backup the nas every sunday night")
    await chat.say("make it monthly")
    assert (await chat.all())["backup the nas"].recurrence == "FREQ=MONTHLY"
    await chat.say("stop repeating it")
    assert (await chat.all())["backup the nas"].recurrence is None


async def test_twice_a_day_is_stored_and_said(chat: Chat) -> None:
    reply = await chat.say("remind me to take my meds at 8am and 8pm every day")
    task = (await chat.all())["take my meds"]
    assert task.recurrence == "FREQ=HOURLY;INTERVAL=12"
    assert task.due_at is not None and task.due_at.hour in (8, 20)
    assert "every 12 hours" in reply.reply


def test_the_new_rules_read_the_same_in_replies_and_in_the_web_chips() -> None:
    from tests.unit.backend.nlu.test_recurrence_chips_match_replies import NOW as CHIP_NOW
    from tests.unit.backend.nlu.test_recurrence_chips_match_replies import chip_words
    from todo_backend.chat.rrule_text import recurrence_text

    rules = {
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1": "every year on 1 March",
        "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1": "every year on the 1st of March and September",
        "FREQ=HOURLY;INTERVAL=12": "every 12 hours",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR": "on the last Friday of every 2 months",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1": "every 2 months on the 1st",
    }
    replies = {rule: recurrence_text(rule, BERLIN, CHIP_NOW) for rule in rules}
    assert replies == rules
    assert dict(zip(rules, chip_words(list(rules)), strict=True)) == rules


@pytest.mark.parametrize(
    ("message", "title", "rule"),
    [
        (
            "add sunday league match every sunday at 10:30",
            "sunday league match",
            "FREQ=WEEKLY;BYDAY=SU",
        ),
        ("add friday drinks every friday", "friday drinks", "FREQ=WEEKLY;BYDAY=FR"),
    ],
)
def test_a_weekday_the_recurrence_says_stays_before_its_noun(
    pipeline: NluPipeline, message: str, title: str, rule: str
) -> None:
    entities = pipeline.parse(message, now=NOW, timezone=BERLIN).entities
    assert (entities.title, entities.recurrence) == (title, rule)


def test_a_weekday_apart_from_a_noun_is_still_the_date(pipeline: NluPipeline) -> None:
    entities = pipeline.parse("add bins sunday every week", now=NOW, timezone=BERLIN).entities
    assert (entities.title, entities.recurrence) == ("bins", "FREQ=WEEKLY")
    assert entities.due_at is not None and entities.due_at.isoweekday() == 7
