"""What is said around a title stays out of it: "…, add that", "…, would you?", "4 me",
"pleeease", "so i remember to"."""

import pytest

from tests.unit.backend.nlu.conftest import NOW
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("i need to email sarah by 4pm, add that", "email sarah"),
        ("i really need to sort my pension out, add it", "sort my pension out"),
        ("Put baking powder on the grocery list, would you?", "baking powder"),
        ("add book the dentist if you can", "book the dentist"),
    ],
)
def test_a_request_around_an_add_leaves_the_title(message: str, title: str) -> None:
    assert extract_entities(message, Intent.ADD_TASK, now=NOW).title == title


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("pls set a reminder 4 me to call the vet at 3pm", "call the vet"),
        ("pleeease remind me to drink water at 2", "drink water"),
        ("nudge me at 5 pm so i remember to leave for the station", "leave for the station"),
    ],
)
def test_a_reminder_said_casually_keeps_only_the_task(message: str, title: str) -> None:
    assert extract_entities(message, Intent.SET_REMINDER, now=NOW).title == title


def test_whenever_i_get_round_to_it_is_a_low_priority_and_leaves_the_title() -> None:
    entities = extract_entities(
        "add sort the sock drawer whenever i get round to it", Intent.ADD_TASK, now=NOW
    )
    assert (entities.title, entities.priority) == ("sort the sock drawer", "low")
