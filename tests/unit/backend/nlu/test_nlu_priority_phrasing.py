"""How much a task matters, said in passing: the level is read and its words leave the title.

A word of the task's own name ("an urgent care appointment", "turn the oven to low") is no
priority, and a change "from low to high" is the level it ends at.
"""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "title", "priority"),
    [
        ("add wash the duvet, no real rush", "wash the duvet", "low"),
        ("add wash the duvet, zero urgency", "wash the duvet", "low"),
        ("add wash the duvet, no hurry whatsoever", "wash the duvet", "low"),
        ("add wash the duvet - nbd", "wash the duvet", "low"),
        ("add wash the duvet, that can totally wait", "wash the duvet", "low"),
        ("add wash the duvet, no big deal if it doesn't happen this week", "wash the duvet", "low"),
        ("add wash the duvet, not important tbh", "wash the duvet", "low"),
        ("add wash the duvet, low-key priority", "wash the duvet", "low"),
        ("add wash the duvet, low urgency", "wash the duvet", "low"),
        ("add wash the duvet sometime", "wash the duvet", "low"),
        ("add wash the duvet whenever i get round to it", "wash the duvet", "low"),
        ("add renew the lease, it's a bit urgent", "renew the lease", "high"),
        ("add renew the lease its v important", "renew the lease", "high"),
        ("add renew the lease, this matters a lot", "renew the lease", "high"),
        ("add renew the lease, of the utmost importance", "renew the lease", "high"),
        ("add renew the lease, has to happen asap", "renew the lease", "high"),
        ("add renew the lease and flag it urgent", "renew the lease", "high"),
        ("add renew the lease, it's getting urgent now", "renew the lease", "high"),
        ("add renew the lease, its high on my list", "renew the lease", "high"),
        ("add renew the lease, not high on my list", "renew the lease", "low"),
        ("add renew the lease, no stress", "renew the lease", "low"),
        ("add renew the lease one of these days", "renew the lease", "low"),
        ("add renew the lease, not a big priority right now", "renew the lease", "low"),
        ("add renew the lease priority - high", "renew the lease", "high"),
        ("add renew the lease [high]", "renew the lease", "high"),
        ("add renew the lease, need it done asap", "renew the lease", "high"),
        ("add renew the lease, the sooner the better", "renew the lease", "high"),
        ("add renew the lease hight priority", "renew the lease", "high"),
        ("add renew the lease rly important", "renew the lease", "high"),
        ("add super important that i renew the lease", "renew the lease", "high"),
        ("it's urgent that we renew the lease", "renew the lease", "high"),
    ],
)
def test_a_priority_said_in_passing_is_read_and_leaves_the_title(
    message: str, title: str, priority: str
) -> None:
    entities = extract_entities(message, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.priority) == (title, priority)


@pytest.mark.parametrize(
    ("message", "title"),
    [
        (
            "add schedule an urgent care visit for the kids",
            "schedule an urgent care visit for the kids",
        ),
        ("add book urgent care", "book urgent care"),
        ("add file the important receipts", "file the important receipts"),
        ("add renew the critical illness cover", "renew the critical illness cover"),
        ("add update my emergency contact", "update my emergency contact"),
        ("add triage the high priority tickets", "triage the high priority tickets"),
        ("add turn the slow cooker to low", "turn the slow cooker to low"),
        ("add buy high heels for the wedding", "buy high heels for the wedding"),
    ],
)
def test_a_priority_word_inside_the_tasks_own_name_sets_no_priority(
    message: str, title: str
) -> None:
    entities = extract_entities(message, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.priority) == (title, None)


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("add an urgent task to renew the lease", "high"),
        ("add an important todo: renew the lease", "high"),
    ],
)
def test_an_urgent_task_is_still_urgent(message: str, priority: str) -> None:
    entities = extract_entities(message, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.priority) == ("renew the lease", priority)


@pytest.mark.parametrize(
    ("message", "reference", "priority"),
    [
        ("change the priority of fix the fence from high to low", "fix the fence", "low"),
        ("move fix the fence from low to medium priority", "fix the fence", "medium"),
        ("downgrade fix the fence to low", "fix the fence", "low"),
        ("escalate fix the fence to high priority", "fix the fence", "high"),
        ("fix the fence can be low", "fix the fence", "low"),
        ("fix the fence can be done whenever", "fix the fence", "low"),
        ("knock fix the fence down a notch", "fix the fence", "low"),
        ("fix the fence is more urgent now", "fix the fence", "high"),
        ("call the plumber needs to be urgent", "call the plumber", "high"),
        ("i'd like fix the fence to be high priority", "fix the fence", "high"),
        ("please set fix the fence's priority to high", "fix the fence", "high"),
    ],
)
def test_a_change_of_priority_names_the_task_and_the_new_level(
    message: str, reference: str, priority: str
) -> None:
    entities = extract_entities(message, Intent.UPDATE_TASK, now=NOW)
    assert (entities.reference, entities.priority, entities.new_title) == (
        reference,
        priority,
        None,
    )


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("raise its priority", "high"),
        ("lower its priority", "low"),
        ("make it less of a priority", "low"),
        ("make it a priority please", "high"),
    ],
)
def test_a_change_of_priority_for_it_refers_to_the_conversation(
    message: str, priority: str
) -> None:
    entities = extract_entities(message, Intent.UPDATE_TASK, now=NOW)
    assert (entities.refers_to_context, entities.priority) == (True, priority)


def test_a_dash_of_any_width_after_a_label_leaves_the_title(pipeline: NluPipeline) -> None:
    result = pipeline.parse("important \u2014 post the tax forms", now=NOW, timezone=BERLIN)
    assert result.entities.title == "post the tax forms"
    assert result.entities.priority == "high"


def test_an_add_with_a_priority_word_in_its_name_reads_no_priority(pipeline: NluPipeline) -> None:
    result = pipeline.parse(
        "add book an urgent care appointment for friday", now=NOW, timezone=BERLIN
    )
    assert result.intent is Intent.ADD_TASK
    assert result.entities.title == "book an urgent care appointment"
    assert result.entities.priority is None
