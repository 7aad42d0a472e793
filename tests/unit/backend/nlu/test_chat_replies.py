"""Replies say what was understood in words: recurrence, due, reminder, priority, tags, list."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.chat import replies
from todo_backend.chat.rrule_text import recurrence_text
from todo_backend.chat.updates import describe_update
from todo_backend.tasks.schemas import TaskPublic

BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday


def task(**fields: Any) -> TaskPublic:
    values: dict[str, Any] = {
        "id": "t1", "title": "eggs", "description": None, "priority": "medium", "tags": [],
        "due_at": None, "remind_at": None, "recurrence": None, "completed": False,
        "completed_at": None, "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    values.update(fields)
    return TaskPublic.model_validate(values)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=SU", "every Sunday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "every 2 weeks on Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
        ("FREQ=MONTHLY;BYDAY=1SA", "on the first Saturday of every month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "on the last Friday of every month"),
        ("FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1", "on the first Saturday of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "on the 1st and 15th of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10", "every 3 months on the 10th"),
        ("FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5", "every year on 5 May"),
        ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "every year on the fourth Thursday of November"),
        ("FREQ=MINUTELY;INTERVAL=30", "every 30 minutes"),
        ("FREQ=HOURLY;INTERVAL=8", "every 8 hours"),
        ("FREQ=DAILY", "every day"),
        ("FREQ=DAILY;INTERVAL=2", "every 2 days"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", "every day except Sunday"),
        ("FREQ=WEEKLY;BYDAY=SA,SU", "every Saturday and Sunday"),
        ("FREQ=DAILY;BYHOUR=9,18", "every day at 09:00 and 18:00"),
        ("FREQ=WEEKLY;BYDAY=TH;COUNT=5", "every Thursday, 5 times"),
        ("FREQ=DAILY;UNTIL=20261231", "every day until 31 Dec"),
        ("FREQ=DAILY;UNTIL=20261231T235959Z", "every day until 31 Dec"),
        ("FREQ=DAILY;UNTIL=20270115T120000Z", "every day until 15 Jan 2027"),
        ("FREQ=DAILY;UNTIL=20261215T230000Z", "every day until 16 Dec"),  # Berlin's day
        ("RRULE:freq=weekly;byday=tu", "every Tuesday"),
    ],
)
def test_a_rule_reads_as_words(rule: str, words: str) -> None:
    assert recurrence_text(rule, BERLIN, NOW) == words


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=YEARLY;BYWEEKNO=20", "every year on a custom schedule"),
        ("FREQ=WEEKLY;BYDAY=1MO", "every week on a custom schedule"),
        ("FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=MO", "every month on a custom schedule"),
        ("FREQ=FORTNIGHTLY", "on a custom schedule"),
        ("not a rule", "on a custom schedule"),
    ],
)
def test_an_unusual_rule_reads_generically_never_raw(rule: str, words: str) -> None:
    assert recurrence_text(rule, BERLIN, NOW) == words


@pytest.mark.parametrize(
    ("moment", "zone", "words"),
    [
        (datetime(2026, 11, 27, 23, 30, tzinfo=UTC), UTC_ZONE, "tomorrow 23:30"),
        # 23:30 UTC on the 26th is already the 27th in Berlin: "tomorrow" there
        (datetime(2026, 11, 26, 23, 30, tzinfo=UTC), BERLIN, "tomorrow 00:30"),
        (datetime(2026, 11, 25, 8, 0, tzinfo=UTC), UTC_ZONE, "yesterday 08:00"),
        (datetime(2026, 11, 28, 8, 0, tzinfo=UTC), BERLIN, "Sat 28 Nov 09:00"),
        (datetime(2027, 1, 5, 8, 0, tzinfo=UTC), UTC_ZONE, "Tue 5 Jan 2027 08:00"),
    ],
)
def test_when_is_relative_to_the_users_day_and_timezone(
    moment: datetime, zone: ZoneInfo, words: str
) -> None:
    assert replies.when(moment, zone, NOW) == words


def test_a_reminder_before_the_due_time_says_how_long_before() -> None:
    due = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    spans = {timedelta(minutes=30): "30 min", timedelta(hours=2): "2 h", timedelta(days=1): "1 day"}
    for span, words in spans.items():
        reminded = task(due_at=due, remind_at=due - span)
        assert replies.reminder(reminded, BERLIN, NOW) == f"reminder {words} before"
    assert replies.reminder(task(due_at=due, remind_at=due), BERLIN, NOW) == (
        "reminder at the due time"
    )
    odd = task(due_at=due, remind_at=due - timedelta(hours=7, minutes=13))
    assert replies.reminder(odd, BERLIN, NOW) == "reminder tomorrow 09:47"
    alone = task(remind_at=datetime(2026, 11, 26, 17, 0, tzinfo=UTC))
    assert replies.reminder(alone, BERLIN, NOW) == "reminder today 18:00"


def test_an_added_reply_says_every_field_in_words() -> None:
    due = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    added = task(
        title="eggs", due_at=due, remind_at=due - timedelta(minutes=30), priority="high",
        recurrence="FREQ=WEEKLY;BYDAY=SA", tags=["shopping", "weekend"],
    )  # fmt: skip
    assert replies.added(added, BERLIN, NOW, list_tag="shopping") == (
        'Added "eggs" to shopping, due Sat 28 Nov 09:00, repeats every Saturday, '
        "reminder 30 min before, high priority, #weekend."
    )
    assert replies.describe(added, BERLIN, NOW).startswith('"eggs", due Sat 28 Nov 09:00')


def test_an_update_reply_says_the_new_recurrence_in_words() -> None:
    before = task(title="gym", due_at=datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    after = before.model_copy(update={"recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"})
    assert describe_update(before, after, UTC_ZONE, NOW) == (
        'Updated "gym": repeats every 2 weeks on Monday and Thursday.'
    )


async def test_chat_replies_show_recurrence_in_words_and_entities_keep_the_rule(
    chat: Chat,
) -> None:
    added = await chat.say("stand-up meeting every weekday at 9am")
    assert "repeats every weekday" in added.reply and "FREQ" not in added.reply
    assert added.entities["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    await chat.say("clean the fridge every first saturday of the month")
    listed = await chat.say("show my tasks")
    assert "repeats on the first Saturday of every month" in listed.reply
    assert "FREQ" not in listed.reply
    await chat.create("gym", due_at="2031-01-10T17:00:00Z")
    updated = await chat.say("make the gym task weekly")
    assert updated.reply == 'Updated "gym": repeats every week.'
    assert updated.entities["recurrence"] == "FREQ=WEEKLY"


async def test_chat_reply_says_a_reminder_before_and_a_count_as_asked(chat: Chat) -> None:
    message = "add dentist appointment tomorrow at 3pm remind me 1 hour before #health"
    reply = await chat.say(message)
    assert reply.reply == (
        'Added "dentist appointment", due tomorrow 15:00, reminder 1 h before, #health.'
    )
    assert reply.entities["remind_before"] == 3600
    counted = await chat.say("add take pills every day for 5 days")
    assert "repeats every day, 5 times" in counted.reply
    assert counted.entities["recurrence"] == "FREQ=DAILY;COUNT=5"
