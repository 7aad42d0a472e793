"""The registers people type in (issue 12, H12): typos, SMS words, polite and indirect requests.

`Message` rewrites them once into the plain command every later layer reads; the pipeline
tests check the intent and title that result. NOW is Monday 2026-11-23 10:00 in Berlin.
"""

from datetime import datetime

import pytest

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        # indirect openers become "could you …", a past tense its base form
        (
            "i'd appreciate it if you reminded me to call the landlord",
            "could you remind me to call the landlord",
        ),
        ("id love it if you could add plan the party", "could you add plan the party"),
        ("please be so kind and add water the lawn", "could you add water the lawn"),
        ("sorry to bother you but could you remind me", "could you remind me"),
        ("sorry, could you put soap on my list", "could you put soap on my list"),
        ("if its not too much trouble could you add milk", "could you add milk"),
        ("if it's not too much trouble, remind me at 5", "remind me at 5"),
        ("id appreciate a reminder to back up my laptop", "remind me to back up my laptop"),
        ("im gonna need a reminder to call jo", "remind me to call jo"),
        ("can i add a task to call the bank", "add a task to call the bank"),
        ("i would be really grateful if you could add milk", "could you add milk"),
        ("i was hoping you could remind me to call jo", "could you remind me to call jo"),
        ("when you get a chance could you add soap", "could you add soap"),
        ("sorry to be a pain but could you delete the gym task", "could you delete the gym task"),
        ("u add fix the tap", "could you add fix the tap"),
        # courtesy after the request
        ("could you add write notes, that would be great", "could you add write notes"),
        ("add buy dog food, thanks so much", "add buy dog food"),
        # sms words
        ("wat do i have tmrw", "what do i have tomorrow"),
        ("add book flights next wk", "add book flights next week"),
        ("remind me to call mum tonite", "remind me to call mum tonight"),
        ("whens the next bus 2moro", "when's the next bus tomorrow"),
        ("remind em to feed the dog", "remind me to feed the dog"),
        # typos of short command words and task words
        ("aadd fix the fence", "add fix the fence"),
        ("undoo", "undo"),
        ("hlep", "help"),
        ("halp", "help"),
        ("add a tsak to book the hotel", "add a task to book the hotel"),
        ("show me my tsks", "show me my tasks"),
        ("add mop the floor hgih priority", "add mop the floor high priority"),
        ("mark pay rent as complet", "mark pay rent as complete"),
        ("show me completd tasks", "show me completed tasks"),
        ("mark buy milk as dine", "mark buy milk as done"),
        ("mark buy milk as donw", "mark buy milk as done"),
        ("remove buy milk frm my list", "remove buy milk from my list"),
        ("addbuy milk", "add buy milk"),
    ],
)
def test_registers_are_rewritten_to_the_plain_command(raw: str, normalised: str) -> None:
    assert Message(raw).text == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "thanks",
        "thank you so much",
        "sorry",
        "add send a thank you",  # no separator: part of the title
        "meeting with hr",
        "add pilates wkly",
        "i'd love it if you could",
        "i dine at 8",
        "additional notes",
    ],
)
def test_words_that_only_look_like_the_registers_stay(raw: str) -> None:
    assert Message(raw).text == raw


def _parse(pipeline: NluPipeline, text: str) -> tuple[Intent, str | None, datetime | None]:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    entities = result.entities
    return result.intent, entities.title or entities.reference, entities.remind_at


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        (
            "i'd love it if you could remind me to practice piano at 5pm",
            "set_reminder",
            "practice piano",
        ),
        ("i'd appreciate it if you added book a haircut", "add_task", "book a haircut"),
        (
            "sorry to bother you but could you remind me to move the car at 2pm",
            "set_reminder",
            "move the car",
        ),
        (
            "please could you remind me to ring grandma at 4pm, that would be great",
            "set_reminder",
            "ring grandma",
        ),
        (
            "id appreciate a reminder to back up my laptop on saturday",
            "set_reminder",
            "back up my laptop",
        ),
        ("can i add a task to call the bank", "add_task", "call the bank"),
        ("u add fix the tap pls", "add_task", "fix the tap"),
        ("aadd fix the fence", "add_task", "fix the fence"),
        ("add a taks to clean the gutters", "add_task", "clean the gutters"),
        ("tell me what i have tmrw", "list_tasks", None),
        ("show me my tsks", "list_tasks", None),
        ("und that pls", "undo", None),
        ("hlep", "help", None),
    ],
)
def test_polite_sms_and_typo_commands(
    pipeline: NluPipeline, text: str, intent: str, title: str | None
) -> None:
    got_intent, got_title, _ = _parse(pipeline, text)
    assert (got_intent, got_title) == (Intent(intent), title)


def test_polite_reminder_keeps_its_time(pipeline: NluPipeline) -> None:
    _, _, remind_at = _parse(pipeline, "i'd love it if you could remind me to stretch at 5pm")
    assert remind_at == datetime(2026, 11, 23, 17, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    "text",
    [
        "whens the next bus 2moro",
        "im so tired 2day",
        "i am really stressed this week",
        "my frend compelted the marathon",
        "wen does the shop close 2day",
        "i'd love it if you could sing a song",
        "i'd appreciate it if you could explain how compound interest works",
        "if it's not too much trouble, what's the time in tokyo",
        "sorry to bother you, what's the best pizza place nearby",
    ],
)
def test_non_commands_in_these_registers_change_nothing(pipeline: NluPipeline, text: str) -> None:
    intent, _, _ = _parse(pipeline, text)
    assert intent in (Intent.OUT_OF_SCOPE, Intent.GREETING, Intent.HELP)
