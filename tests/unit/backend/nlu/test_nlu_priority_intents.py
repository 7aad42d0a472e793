"""A new task said with its priority is new, a question for what is urgent lists, and a task
said to be low is changed: the intent follows the priority words, not just the verb."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "intent", "priority"),
    [
        ("set a low priority reminder to defrost the freezer at 6pm", Intent.SET_REMINDER, "low"),
        ("set up an urgent reminder to defrost the freezer tomorrow", Intent.SET_REMINDER, "high"),
        ("make a high priority task: defrost the freezer", Intent.ADD_TASK, "high"),
        ("p3 defrost the freezer", Intent.ADD_TASK, "low"),
    ],
)
def test_a_new_task_said_with_its_priority_is_new_not_a_change(
    pipeline: NluPipeline, message: str, intent: Intent, priority: str
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is intent
    assert (result.entities.title, result.entities.priority) == ("defrost the freezer", priority)


@pytest.mark.parametrize(
    "message", ["show me everything that's urgent", "list everything that is high priority"]
)
def test_asking_for_what_is_urgent_lists_it(pipeline: NluPipeline, message: str) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.LIST_TASKS
    assert result.entities.priority == "high"


@pytest.mark.parametrize(
    ("message", "reference"),
    [("defrost the freezer can be low priority", "defrost the freezer"), ("that can be low", None)],
)
def test_saying_a_task_can_be_low_lowers_it(
    pipeline: NluPipeline, message: str, reference: str | None
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
    assert (result.entities.reference, result.entities.priority) == (reference, "low")
