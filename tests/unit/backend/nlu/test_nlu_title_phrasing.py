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
