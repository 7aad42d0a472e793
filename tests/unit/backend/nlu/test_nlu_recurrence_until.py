"""An end to a recurrence ("until friday", "till the end of december") becomes the COUNT of
occurrences from the first one through that local day. NOW is Monday 2026-11-23 10:00 Berlin."""

from datetime import datetime

import pytest

from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW


def _parse(text: str, intent: Intent) -> Entities:
    return extract_entities(Message(text), intent, now=NOW)


def _local(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "intent", "rule", "first"),
    [
        # Mon 23 .. Fri 27, today included (due 23:59)
        ("add stretch every day until friday", Intent.ADD_TASK, "FREQ=DAILY;COUNT=5", None),
        # Wednesdays from 25 Nov through 30 Dec
        (
            "add team quiz every wednesday till the end of december",
            Intent.ADD_TASK,
            "FREQ=WEEKLY;BYDAY=WE;COUNT=6",
            "2026-11-25 23:59",
        ),
        # today's 09:00 is gone: Tue 24 .. Sun 29
        (
            "remind me every morning until sunday to water the seeds",
            Intent.SET_REMINDER,
            "FREQ=DAILY;COUNT=6",
            "2026-11-24 09:00",
        ),
    ],
)
def test_an_end_becomes_the_count_up_to_that_day(
    text: str, intent: Intent, rule: str, first: str | None
) -> None:
    entities = _parse(text, intent)
    assert entities.recurrence == rule
    moment = entities.remind_at if intent is Intent.SET_REMINDER else entities.due_at
    if first is not None:
        assert _local(moment) == first
    assert entities.title is not None and "until" not in entities.title
    assert "till" not in entities.title
