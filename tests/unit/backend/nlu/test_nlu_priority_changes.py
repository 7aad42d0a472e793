"""Moving a task to another priority is an update, whatever verb moves it ("drop", "bump")."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "reference", "priority"),
    [
        ("drop paint the spare room to low priority", "paint the spare room", "low"),
        ("bump the tax return up to high priority", "tax return", "high"),
    ],
)
def test_moving_a_task_to_a_priority_updates_it_and_deletes_nothing(
    pipeline: NluPipeline, message: str, reference: str, priority: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
    assert result.entities.reference == reference
    assert result.entities.priority == priority
