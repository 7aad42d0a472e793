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


@pytest.mark.parametrize(
    ("message", "title", "priority"),
    [
        (
            "add email the client the revised quote as a matter of urgency",
            "email the client the revised quote",
            "high",
        ),
        ("add call mum back, most important thing on my plate", "call mum back", "high"),
        (
            "add try the new ramen place, nice to have, not essential",
            "try the new ramen place",
            "low",
        ),
        (
            "add look into solar panels, someday maybe, low priority",
            "look into solar panels",
            "low",
        ),
        (
            "i really need to sort my pension out but there's no rush, add it",
            "sort my pension out",
            "low",
        ),
        (
            "hi! could you add 'tidy the playroom' as a low priority thing",
            "tidy the playroom",
            "low",
        ),
        ("add a low priority task to sort the mail", "sort the mail", "low"),
    ],
)
def test_a_priority_said_in_a_phrase_takes_the_whole_phrase(
    message: str, title: str, priority: str
) -> None:
    entities = extract_entities(message, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.priority) == (title, priority)


@pytest.mark.parametrize(
    ("message", "title", "tags"),
    [
        ("could you make sure rice is on the shopping list", "rice", ("shopping",)),
        ("uhh add paprika to the shopping list i think we're out", "paprika", ("shopping",)),
        ("add pay council tax by the end of the day", "pay council tax", ()),
    ],
)
def test_list_and_time_phrases_leave_nothing_behind(
    message: str, title: str, tags: tuple[str, ...]
) -> None:
    entities = extract_entities(message, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.tags) == (title, tags)


def test_plural_days_without_commas_are_one_weekly_rule() -> None:
    entities = extract_entities(
        "add piano practice mondays wednesdays and fridays", Intent.ADD_TASK, now=NOW
    )
    assert (entities.title, entities.recurrence) == ("piano practice", "FREQ=WEEKLY;BYDAY=MO,WE,FR")


def test_could_you_list_names_no_list() -> None:
    entities = extract_entities("could you list everything tagged home", Intent.LIST_TASKS, now=NOW)
    assert entities.tags == ("home",)


def test_i_was_wondering_whether_you_could_leaves_the_title() -> None:
    entities = extract_entities(
        "i was wondering whether you could add renew the car tax", Intent.ADD_TASK, now=NOW
    )
    assert entities.title == "renew the car tax"
