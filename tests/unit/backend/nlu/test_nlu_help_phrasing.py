"""A newcomer asking what the chat is for gets help, not a refusal."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    "message", ["what are you for?", "i'm new here, what are you for?", "what are u good for"]
)
def test_asking_what_the_chat_is_for_gets_help(pipeline: NluPipeline, message: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.HELP


def test_what_are_you_doing_tonight_is_small_talk_not_help(pipeline: NluPipeline) -> None:
    result = pipeline.parse("what are you doing tonight", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.OUT_OF_SCOPE
