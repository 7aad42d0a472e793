"""Session 7: when something happens, told as a fact ("garbage collection is every monday"),
or what somebody does ("every monday I have the german course"), is a statement, not a new
task; asked for, the same schedule or doing still adds one."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    "text",
    [
        "my physio appointments are every tuesday",
        "garbage collection is every monday",
        "our team meeting happens every monday at 9",
        "recycling pickup is on thursdays",
        "the farmers market is every saturday morning",
        "my piano lessons are on fridays",
        "his football training is every tuesday and thursday",
        "book club meets the first monday of every month",
        "payday is the 25th of each month",
        "fyi the bins are every thursday",
    ],
)
def test_a_schedule_told_as_a_fact_adds_nothing(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("text", "title", "recurrence"),
    [
        ("add choir practice on wednesdays at 7", "choir practice", "FREQ=WEEKLY;BYDAY=WE"),
        ("yoga class every tuesday at 6", "yoga class", "FREQ=WEEKLY;BYDAY=TU"),
        ("standup is daily at 9 please add it", "standup", "FREQ=DAILY"),
        (
            "team lunch is every other friday so put it on my list",
            "team lunch",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        ),
    ],
)
def test_the_same_schedule_asked_for_still_adds_a_task(
    pipeline: NluPipeline, text: str, title: str, recurrence: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert (result.entities.title, result.entities.recurrence) == (title, recurrence)


@pytest.mark.parametrize(
    "text",
    [
        "every monday and wednesday I have the german course",
        "i have the german course every monday and wednesday",
        "on tuesdays we have choir",
        "ugh i have zero motivation to clean today",
        "i can't be bothered to clean today",
    ],
)
def test_what_somebody_does_told_adds_nothing(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("i need to call mum tomorrow", "call mum"),
        ("we must fix the fence on saturday", "fix the fence"),
    ],
)
def test_a_doing_asked_for_still_adds(pipeline: NluPipeline, text: str, title: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert result.entities.title is not None
    assert result.entities.title.casefold() == title


def test_a_reminder_of_what_one_does_is_still_set(pipeline: NluPipeline) -> None:
    result = pipeline.parse("remind me i have a meeting at 3", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.SET_REMINDER
