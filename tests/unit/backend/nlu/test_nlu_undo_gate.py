"""An undo reverts a change, so the model's guess alone is not enough: the words must ask."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    "message",
    ["undo", "oops, undo the last change", "change it back", "put it back", "revert what you did"],
)
def test_asking_to_undo_in_words_is_an_undo(pipeline: NluPipeline, message: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.UNDO


@pytest.mark.parametrize(
    "message",
    ["i already reset it twice", "hmm that is not right", "i restarted the router this morning"],
)
def test_a_remark_without_undo_words_is_never_an_undo(pipeline: NluPipeline, message: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is not Intent.UNDO
