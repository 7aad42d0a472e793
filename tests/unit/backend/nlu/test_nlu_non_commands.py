"""Instructions that read like commands but are no to-do (issue 12, H13): sums, recipe steps,
texts to complete, work asked of the bot now, opinions. They never change a task; the to-dos
beside them still act. NOW is Monday 2026-11-23 10:00 in Berlin.
"""

import pytest

from todo_backend.nlu.intents import ACTION_INTENTS, Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.questions import is_a_sum, is_question
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW


@pytest.mark.parametrize(
    "text",
    [
        # sums
        "add 5 and 7",
        "add up 12 34 and 56",
        "ADD 15 AND 27 TOGETHER",
        "remove 3 from 10",
        # recipe steps
        "add the eggs and whisk",
        "add 2 cups of flour and stir",
        "mix the butter with the sugar then fold in the flour",
        "finish with a pinch of salt",
        "remove the seeds from the pepper",
        # a text or puzzle to complete
        "finish the sentence: the quick brown fox",
        "complete the sequence 3 6 9",
        # asked of the bot to carry out now
        "i would like you to book a hotel near the colosseum please",
        "id like you to order a pizza",
        "cancel my dentist appointment for me",
        "plz pay the bill now",
        "text my brother right now",
        "you call the bank for me ok",
        # not a completion, an opinion, someone's words, a label with a question
        "i missed my dentist appointment",
        "groceries are so expensive now",
        "the dentist said i need a filling",
        "schedule: the bus leaves at 5?",
        "any tips for packing light",
        # news about the world or others, with a date
        "we land in rome at 7am tomorrow",
        "my flight leaves at 6 tomorrow morning",
        "we launched the new product today",
        "change of plans, we're eating out tonight",
        "my parents are coming on sunday",
        "set a timer for 5 minutes tomorrow on my phone",
    ],
)
def test_instructions_that_are_no_to_do_change_nothing(pipeline: NluPipeline, text: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent not in ACTION_INTENTS, (text, result.intent)


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("add order pizza to my list", Intent.ADD_TASK, "order pizza"),
        ("add 2 cups of flour to the shopping list", Intent.ADD_TASK, "2 cups of flour"),
        ("call the plumber tomorrow", Intent.ADD_TASK, "call the plumber"),
        ("can you add renew my passport for me", Intent.ADD_TASK, "renew my passport"),
        ("remind me to pay the electricity bill tomorrow at 9", Intent.SET_REMINDER,
         "pay the electricity bill"),
        ("add book a table at luigis", Intent.ADD_TASK, "book a table at luigis"),
        ("we need to buy milk tomorrow", Intent.ADD_TASK, "buy milk"),
    ],
)  # fmt: skip
def test_to_dos_beside_them_still_act(
    pipeline: NluPipeline, text: str, intent: Intent, title: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.intent, result.entities.title) == (intent, title)


def test_a_sum_is_numbers_and_nothing_else() -> None:
    assert is_a_sum("add 5 and 7")
    assert is_a_sum("subtract 4 from 9")
    assert not is_a_sum("add 2 eggs")
    assert not is_a_sum("add 5 apples and 7 pears")


def test_a_colon_label_is_not_the_verb() -> None:
    assert is_question(Message("schedule: the bus leaves at 5?"))
    assert not is_question(Message("schedule the dentist for friday?"))
