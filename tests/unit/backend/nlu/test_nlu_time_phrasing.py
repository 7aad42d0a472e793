"""Clock times as people say them: "half 4" without "at", "noonish", "after lunch", dotted
clocks after a preposition, "half an hour from now". NOW is Monday 2026-11-23 10:00 Berlin."""

from datetime import datetime

import pytest

from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW


def _parse(text: str, intent: Intent = Intent.ADD_TASK) -> Entities:
    return extract_entities(Message(text), intent, now=NOW)


def _local(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("add collect the suits friday half 5", "collect the suits", "2026-11-27 17:30"),
        ("add ring the garage half 9 tomorrow", "ring the garage", "2026-11-24 09:30"),
        ("add team photo thursday noonish", "team photo", "2026-11-26 12:00"),
        ("add fix the printer after lunch tomorrow", "fix the printer", "2026-11-24 13:00"),
        ("add meet the courier at 4.45", "meet the courier", "2026-11-23 16:45"),
        ("add book a taxi by 8.15 tomorrow", "book a taxi", "2026-11-24 08:15"),
        ("add stand-up call at 9 45 tomorrow", "stand-up call", "2026-11-24 09:45"),
        ("add post the parcel before 11 tomorrow", "post the parcel", "2026-11-24 11:00"),
        ("add turn the roast in quarter of an hour", "turn the roast", "2026-11-23 10:15"),
        ("add call the supplier at 15h", "call the supplier", "2026-11-23 15:00"),
        ("add visio call at 9h30 tomorrow", "visio call", "2026-11-24 09:30"),
        ("add check on the bread in an hour or so", "check on the bread", "2026-11-23 11:00"),
        ("add ring nan at ten past six in the evening", "ring nan", "2026-11-23 18:10"),
        ("add plumber visit between 2 and 4 tomorrow", "plumber visit", "2026-11-24 14:00"),
        ("add parcel drop between 9am and noon friday", "parcel drop", "2026-11-27 09:00"),
        (
            "add hand in the essay by close of play thursday",
            "hand in the essay",
            "2026-11-26 17:00",
        ),
    ],
)
def test_a_spoken_clock_time_is_the_due_time(text: str, title: str, due: str) -> None:
    entities = _parse(text)
    assert entities.title == title
    assert _local(entities.due_at) == due


def test_half_an_hour_from_now_is_an_offset() -> None:
    entities = _parse("remind me half an hour from now to check the rice", Intent.SET_REMINDER)
    assert entities.title == "check the rice"
    assert _local(entities.remind_at) == "2026-11-23 10:30"


@pytest.mark.parametrize(
    "text",
    [
        "add fold the map in half 3 times",
        "add pay 5.30 for the parking",
        "add split the 12.50 bill with sam",
        "add book a table at 8 20 people",
        "add revise chapters between 3 and 6",
    ],
)
def test_halves_and_amounts_are_no_clock_time(text: str) -> None:
    entities = _parse(text)
    assert entities.due_at is None
