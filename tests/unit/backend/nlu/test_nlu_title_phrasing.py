"""The title of a chatty add is the task, without the fillers and the story around it."""

import pytest

from tests.unit.backend.nlu.conftest import NOW
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("could you add like, water the tomatoes", "water the tomatoes"),
        ("add basically sort out the garage", "sort out the garage"),
        ("honestly just add ring the dentist", "ring the dentist"),
    ],
)
def test_spoken_fillers_before_the_task_leave_the_title(message: str, title: str) -> None:
    assert extract_entities(message, Intent.ADD_TASK, now=NOW).title == title


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("the fridge is leaking again, can you add call the repair guy", "call the repair guy"),
        ("my passport runs out in may, add renew the passport", "renew the passport"),
        ("our cat is out of food, please add buy cat food", "buy cat food"),
    ],
)
def test_a_story_before_the_add_stays_out_of_the_title(message: str, title: str) -> None:
    assert extract_entities(message, Intent.ADD_TASK, now=NOW).title == title


def test_the_story_is_the_title_when_no_add_follows_it() -> None:
    entities = extract_entities(
        "add the fridge is leaking, call the repair guy", Intent.ADD_TASK, now=NOW
    )
    assert entities.title == "the fridge is leaking, call the repair guy"


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("add renew the tv licence, it expires on friday", "renew the tv licence"),
        ("add sell the old bike because i never ride it", "sell the old bike"),
        ("add buy a card for nina (her birthday is on the 5th)", "buy a card for nina"),
        ("add phone the council, they sent a letter yesterday", "phone the council"),
    ],
)
def test_why_said_after_the_task_is_no_part_of_its_title(message: str, title: str) -> None:
    assert extract_entities(message, Intent.ADD_TASK, now=NOW).title == title


def test_why_said_after_a_reminder_is_no_part_of_its_title() -> None:
    entities = extract_entities(
        "remind me to phone the council tomorrow, the bins were not emptied",
        Intent.SET_REMINDER,
        now=NOW,
    )
    assert entities.title == "phone the council"


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("i need to buy milk, we're out", "buy milk"),
        ("add pack the bags, tape and labels", "pack the bags, tape and labels"),
        (
            "add call the bank about the fee they charged",
            "call the bank about the fee they charged",
        ),
    ],
)
def test_a_title_without_an_aside_keeps_its_words(message: str, title: str) -> None:
    assert extract_entities(message, Intent.ADD_TASK, now=NOW).title == title
