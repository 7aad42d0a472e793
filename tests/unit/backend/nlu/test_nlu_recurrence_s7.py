"""Session 7 recurrence phrasing: the days after "every two weeks on a …", typos of the
adverbs, "once per …" / "two times in the year", day ranges, a length said after the time,
learners' word orders, and the words that end a schedule on an update."""

from datetime import datetime

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.recurrence import find_recurrence
from todo_backend.nlu.text import Message, Utterance, plain_schedule_end, plain_word_order


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if moment else None


@pytest.mark.parametrize(
    ("message", "title", "rule", "due"),
    [
        # the days after an interval or an adverb, with an article
        (
            "add bins every two weeks on a monday",
            "bins",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "2026-11-23T23:59",
        ),
        (
            "add recycling fortnightly on a thursday",
            "recycling",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            "2026-11-26T23:59",
        ),
        # typos and "once per …"
        ("add backup laptop wekly", "backup laptop", "FREQ=WEEKLY", None),
        ("add journaling dayly", "journaling", "FREQ=DAILY", None),
        ("add mop the floor evry fortnite", "mop the floor", "FREQ=WEEKLY;INTERVAL=2", None),
        (
            "add clean the fridge once per fortnight",
            "clean the fridge",
            "FREQ=WEEKLY;INTERVAL=2",
            None,
        ),
        (
            "add task clean the windows one time per month",
            "clean the windows",
            "FREQ=MONTHLY",
            None,
        ),
        (
            "two times in the year i must clean the gutters",
            "clean the gutters",
            "FREQ=MONTHLY;INTERVAL=6",
            None,
        ),
        # day ranges: a week starting on Sunday, a range said before "every week"
        (
            "add read to the kids every sun-thu",
            "read to the kids",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SU",
            "2026-11-23T23:59",
        ),
        (
            "add physio tuesday through thursday every week",
            "physio",
            "FREQ=WEEKLY;BYDAY=TU,WE,TH",
            "2026-11-24T23:59",
        ),
        # a month's day without its article or suffix
        (
            "every 1 of month pay the rent",
            "pay the rent",
            "FREQ=MONTHLY;BYMONTHDAY=1",
            "2026-12-01T23:59",
        ),
        # a length said after the time of day
        (
            "add take the kids to swimming every saturday at 9am for 8 weeks",
            "take the kids to swimming",
            "FREQ=WEEKLY;BYDAY=SA;COUNT=8",
            "2026-11-28T09:00",
        ),
        # learners' word orders
        (
            "each week on friday i do the shopping",
            "do the shopping",
            "FREQ=WEEKLY;BYDAY=FR",
            "2026-11-27T23:59",
        ),
        (
            "every day at 7 in the morning i must to take my medicine",
            "take my medicine",
            "FREQ=DAILY",
            "2026-11-24T07:00",
        ),
        ("the car i must wash it every two weeks", "wash the car", "FREQ=WEEKLY;INTERVAL=2", None),
        ("the plants i water them each 3 days", "water the plants", "FREQ=DAILY;INTERVAL=3", None),
        ("the dog i must walk him every day", "walk the dog", "FREQ=DAILY", None),
        # short names joined by a dash; a length in months on a daily series (through the day
        # before 23 February: 92 days from today)
        (
            "add team standup mon-thu at 9:30",
            "team standup",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
            "2026-11-24T09:30",
        ),
        (
            "add take iron tablets daily for 3 months",
            "take iron tablets",
            "FREQ=DAILY;COUNT=92",
            None,
        ),
    ],
)
def test_recurrence_phrasing(
    pipeline: NluPipeline, message: str, title: str, rule: str, due: str | None
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent.value == "add_task"
    assert result.entities.title == title
    assert result.entities.recurrence == rule
    if due is not None:
        assert _local(result.entities.due_at) == due


def test_the_days_after_a_reminders_interval(pipeline: NluPipeline) -> None:
    result = pipeline.parse(
        "remind me every 2 weeks on a friday to pay the babysitter", now=NOW, timezone=BERLIN
    )
    assert result.entities.title == "pay the babysitter"
    assert result.entities.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"


@pytest.mark.parametrize(
    "message",
    ["every day i wake up tired", "every day i feel more tired", "stop repeating yourself lol"],
)
def test_statements_about_days_stay_statements(pipeline: NluPipeline, message: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent.value == "out_of_scope"


def test_a_bare_subject_stays_for_the_rules_that_test_a_message() -> None:
    # without `now` (a rule's test) the "i" that makes it a statement is kept
    tested = Utterance("every day i wake up tired")
    find_recurrence(tested)
    assert "i wake up tired" in tested.leftover()
    read = Utterance("every day i wake up tired")
    find_recurrence(read, now=NOW)
    assert read.leftover().strip() == "wake up tired"


def test_a_fronted_object_is_read_only_beside_a_schedule() -> None:
    assert plain_word_order("the car i sold it last year") == "the car i sold it last year"
    assert plain_word_order("the bins i must put them out every monday") == (
        "put out the bins every monday"
    )


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("remove the recurrence from pay the bills", "stop repeating pay the bills"),
        ("stop the weekly repeat on the team lunch", "stop repeating the team lunch"),
        ("make the dentist a one-off", "stop repeating the dentist"),
        ("make it one time only", "stop repeating it"),
        ("make it non-repeating please", "stop repeating it please"),
        ("the bins task should not repeat anymore", "stop repeating the bins task"),
        ("no longer recurring please", "not recurring anymore please"),
        ("make a one-off donation", "make a one-off donation"),
        ("cancel the repeat prescription for mum", "cancel the repeat prescription for mum"),
    ],
)
def test_ends_of_a_schedule_in_plain_words(message: str, plain: str) -> None:
    assert plain_schedule_end(message) == plain


@pytest.mark.parametrize(
    ("message", "reference"),
    [
        ("no longer recurring please", None),
        ("make it a one-off", None),
        ("remove the recurrence", None),
        ("the gym shouldnt repeat anymore", "gym"),
        ("make the dentist a one-off", "dentist"),
        ("stop the weekly repeat on the team lunch", "team lunch"),
    ],
)
def test_ending_a_schedule_is_an_update_that_clears_it(
    pipeline: NluPipeline, message: str, reference: str | None
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent.value == "update_task"  # never a delete
    assert result.entities.clear == ("recurrence",)
    if reference is None:
        assert result.entities.refers_to_context
    else:
        assert result.entities.reference == reference


def test_message_text_reads_the_learners_forms() -> None:
    assert Message("the rent i pay it every 1 of month").text == "pay the rent every 1 of month"


async def test_no_longer_recurring_stops_the_repeats(chat: Chat) -> None:
    await chat.say("add water the plants every day")
    await chat.say("no longer recurring please")
    assert (await chat.all())["water the plants"].recurrence is None


async def test_every_two_weeks_on_a_monday_is_stored_with_its_day(chat: Chat) -> None:
    await chat.say("add bins every two weeks on a monday")
    await chat.say("actually make it every three weeks")
    assert (await chat.all())["bins"].recurrence == "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO"
