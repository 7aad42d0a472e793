"""A verb's particle stays in the title ("take the washing in"); a dangling "in" does not."""

import pytest

from tests.unit.backend.nlu.conftest import NOW
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.wording import trim_connectors


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("remind me at 8pm to take the washing in", "take the washing in"),
        ("add bring the bins in tonight", "bring the bins in"),
        ("remind me to hand my essay in by friday", "hand my essay in"),
        ("add eggs in my shopping list", "eggs"),
        ("call mom in 2 hours", "call mom"),
    ],
)
def test_the_title_keeps_a_particle_and_drops_a_dangling_preposition(
    message: str, title: str
) -> None:
    intent = Intent.SET_REMINDER if message.startswith("remind") else Intent.ADD_TASK
    assert extract_entities(message, intent, now=NOW).title == title


def test_trim_connectors_drops_trailing_connectors_but_keeps_the_particle() -> None:
    assert trim_connectors("buy milk and") == "buy milk"
    assert trim_connectors(" send the form in ,") == "send the form in"
    assert trim_connectors("buy milk in") == "buy milk"
