"""A task reported done is a completion, even when its title starts like a request to the bot
("call the vet is done" is not a request to call anyone)."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "reference"),
    [
        ("call the vet is done", "call the vet"),
        ("email the landlord is done", "email the landlord"),
        ("call the plumber, done", "call the plumber"),
    ],
)
def test_a_call_or_message_reported_done_completes_that_task(
    pipeline: NluPipeline, message: str, reference: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.COMPLETE_TASK
    assert result.entities.reference == reference


@pytest.mark.parametrize("message", ["call mom", "text sam", "ring the bank"])
def test_a_call_nobody_said_when_to_make_is_still_out_of_scope(
    pipeline: NluPipeline, message: str
) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("message", "reference"),
    [
        ("done: update the project plan", "update the project plan"),
        ("DONE - call the vet", "call the vet"),
    ],
)
def test_a_done_note_completes_the_task_it_names(
    pipeline: NluPipeline, message: str, reference: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.COMPLETE_TASK
    assert result.entities.reference == reference


@pytest.mark.parametrize("message", ["CHECK ME IN FOR MY FLIGHT TOMORROW", "log me into netflix"])
def test_being_checked_or_logged_in_by_the_bot_is_out_of_scope(
    pipeline: NluPipeline, message: str
) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


def test_checking_in_said_as_a_to_do_is_a_task(pipeline: NluPipeline) -> None:
    result = pipeline.parse(
        "remind me to check in for my flight tomorrow", now=NOW, timezone=BERLIN
    )
    assert result.intent is Intent.SET_REMINDER
