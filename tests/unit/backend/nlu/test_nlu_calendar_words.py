"""Days and schedules said in words: "the tenth of february", "march the third", "every new
year's day", "nightly at 10:30", "twice weekly on monday and thursday"."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.text import plain_calendar_words


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("on the tenth of february", "on the 10th of february"),
        ("on the twenty-first of every month", "on the 21st of every month"),
        ("march the third", "march 3rd"),
        ("every new year's day", "on new year's day every year"),
        ("each christmas eve", "on christmas eve every year"),
        ("nightly at 10", "every night at 10"),
        ("every nightly", "every nightly"),
        ("twice weekly on monday", "twice a week on monday"),
        ("i came first of all the runners", "i came first of all the runners"),
        ("may the fourth be with you", "may the fourth be with you"),
    ],
)
def test_calendar_words_read_as_the_finders_expect(said: str, read: str) -> None:
    assert plain_calendar_words(said) == read


@pytest.mark.parametrize(
    ("message", "title", "rule", "due"),
    [
        (
            "remind me to call the insurance people every year on the tenth of february",
            "call the insurance people",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=10",
            "2027-02-10T09:00",
        ),
        (
            "check the smoke alarm every new year's day",
            "check the smoke alarm",
            "FREQ=YEARLY",
            None,
        ),
        ("remind me nightly at 10:30 to set the alarm", "set the alarm", "FREQ=DAILY", None),
        (
            "add physio exercises, twice weekly on Monday and Thursday",
            "physio exercises",
            "FREQ=WEEKLY;BYDAY=MO,TH",
            None,
        ),
    ],
)
def test_the_schedule_in_words_is_the_tasks(
    pipeline: NluPipeline, message: str, title: str, rule: str, due: str | None
) -> None:
    entities = pipeline.parse(message, now=NOW, timezone=BERLIN).entities
    assert entities.title == title
    assert entities.recurrence == rule
    assert entities.due_at is not None
    local_due = entities.due_at.astimezone(BERLIN)
    if due is not None:
        assert local_due.strftime("%Y-%m-%dT%H:%M") == due
    if "new year" in message:
        assert (local_due.month, local_due.day) == (1, 1)
    if "nightly" in message:
        assert (local_due.hour, local_due.minute) == (22, 30)
