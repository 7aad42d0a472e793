"""A task's new date said as a fact ("the dentist is actually on friday") moves that task."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "reference", "day"),
    [
        ("the dentist is actually on friday", "dentist", 27),
        ("pay the water bill should be due 2027-01-15", "pay the water bill", 15),
        ("the gym session is now at 7", "gym session", 24),
    ],
)
def test_a_new_date_said_as_a_fact_updates_the_task_it_names(
    pipeline: NluPipeline, message: str, reference: str, day: int
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
    assert result.entities.reference == reference
    assert result.entities.due_at is not None
    assert result.entities.due_at.day == day
