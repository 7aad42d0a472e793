"""Polite wrappers around a task are no part of its title: a request to note it said after the
task ("…, can you put that in for me", "…, please add"), formal openers ("I should be most
grateful if you would…", "be so good as to…", "I'd like to be reminded…") and "4get"."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "intent", "title"),
    [
        (
            "okay so um I need to uh take my vitamins every single morning "
            "can you put that in for me",
            Intent.ADD_TASK,
            "take my vitamins",
        ),
        ("take the bins out, can you add that please", Intent.ADD_TASK, "take the bins out"),
        ("buy eggs, add it to my list", Intent.ADD_TASK, "buy eggs"),
        ("milk please add", Intent.ADD_TASK, "milk"),
        (
            "Please be so good as to remind me on the 2nd of every month to pay the milkman.",
            Intent.SET_REMINDER,
            "pay the milkman",
        ),
        (
            "I should be most grateful if you would remind me to telephone my son on the first "
            "Sunday of every month.",
            Intent.SET_REMINDER,
            "telephone my son",
        ),
        (
            "I'd like to be reminded at 4 o'clock this afternoon to call the surgery",
            Intent.SET_REMINDER,
            "call the surgery",
        ),
        (
            "dont let me 4get to ring the plumber fri at 9am",
            Intent.SET_REMINDER,
            "ring the plumber",
        ),
    ],
)
def test_the_wrapper_leaves_the_title(
    pipeline: NluPipeline, message: str, intent: Intent, title: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is intent
    assert result.entities.title == title


@pytest.mark.parametrize(
    "message",
    [
        "i dont know what to put",
        "what should i add",
        "where do i put this",
        "where should i put it in",
        "i always forget where i put it down",
    ],
)
def test_a_question_or_remark_about_adding_adds_nothing(
    pipeline: NluPipeline, message: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent not in (Intent.ADD_TASK, Intent.SET_REMINDER)
