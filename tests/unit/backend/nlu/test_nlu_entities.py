from datetime import datetime, timedelta

import pytest

from todo_backend.nlu.entities import extract_entities, extract_title
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.task_fields import extract_priority, extract_remind_before, extract_tags
from todo_backend.nlu.text import Utterance

from .conftest import BERLIN, NOW


def _entities(text: str, intent: Intent) -> Entities:
    return extract_entities(text, intent, now=NOW)


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("fix the bug asap", "high"),
        ("it's urgent", "high"),
        ("high priority", "high"),
        ("an important call", "high"),
        ("low priority", "low"),
        ("whenever", "low"),
        ("not urgent", "low"),
        ("medium priority", "medium"),
        ("buy low fat milk", None),
        ("call mom", None),
    ],
)
def test_priority_words(text: str, priority: str | None) -> None:
    assert extract_priority(Utterance(text)) == priority


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("book flights #travel", ("travel",)),
        ("#Home #shopping buy a rug", ("home", "shopping")),
        ("call bob tag it work", ("work",)),
        ("call bob tagged home", ("home",)),
        ("renew lease with tag housing", ("housing",)),
        ("plan trip with tags travel and family", ("travel", "family")),
        ("tagged home and call bob", ("home",)),
        ("call bob", ()),
        ("meet at b&b #1", ("1",)),
    ],
)
def test_tags(text: str, tags: tuple[str, ...]) -> None:
    assert extract_tags(Utterance(text)) == tags


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("30 minutes before", timedelta(minutes=30)),
        ("an hour before", timedelta(hours=1)),
        ("2 days in advance", timedelta(days=2)),
        ("the day before", timedelta(days=1)),
        ("half an hour early", timedelta(minutes=30)),
    ],
)
def test_remind_before(text: str, before: timedelta) -> None:
    assert extract_remind_before(Utterance(text)) == before


@pytest.mark.parametrize(
    ("leftover", "title"),
    [
        ("add buy milk", "buy milk"),
        ("please add a task to call the bank", "call the bank"),
        ("I need to submit the report", "submit the report"),
        ("create a todo called sort the recycling", "sort the recycling"),
        ("put refill the prescription on my list", "refill the prescription"),
        ('add "draft the speech"', "draft the speech"),
        ("make dinner reservations", "make dinner reservations"),
        ("add Call Dr. Patel", "Call Dr. Patel"),
    ],
)
def test_title_strips_command_words_and_keeps_case(leftover: str, title: str) -> None:
    assert extract_title(leftover) == title


def test_add_with_everything() -> None:
    entities = _entities(
        "add dentist appointment friday at 3pm #health, high priority, remind me an hour before",
        Intent.ADD_TASK,
    )
    assert entities.title == "dentist appointment"
    assert entities.due_at == datetime(2026, 11, 27, 15, 0, tzinfo=BERLIN)
    assert entities.tags == ("health",)
    assert entities.priority == "high"
    assert entities.remind_before == timedelta(hours=1)


def test_add_with_recurrence_is_due_at_first_occurrence() -> None:
    entities = _entities("water the plants every monday at 8am", Intent.ADD_TASK)
    assert entities.title == "water the plants"
    assert entities.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert entities.due_at == datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)


def test_add_with_reminder_time_on_the_due_day() -> None:
    entities = _entities("add the tax return for friday, remind me at 9am", Intent.ADD_TASK)
    assert entities.title == "the tax return"
    assert entities.due_at == datetime(2026, 11, 27, 23, 59, tzinfo=BERLIN)
    assert entities.remind_at == datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)


def test_remind_me_to_sets_reminder_and_due_to_the_same_instant() -> None:
    entities = _entities("remind me to call mom tomorrow at 5pm", Intent.SET_REMINDER)
    assert entities.title == "call mom"
    assert entities.reference is None
    assert entities.remind_at == datetime(2026, 11, 24, 17, 0, tzinfo=BERLIN)
    assert entities.due_at == entities.remind_at


def test_remind_me_about_names_an_existing_task() -> None:
    entities = _entities(
        "remind me about the dentist appointment 30 minutes before", Intent.SET_REMINDER
    )
    assert entities.reference == "dentist appointment"
    assert entities.remind_before == timedelta(minutes=30)
    assert entities.due_at is None


def test_reminder_without_a_task_refers_to_context() -> None:
    entities = _entities("remind me tomorrow", Intent.SET_REMINDER)
    assert entities.refers_to_context
    assert entities.remind_at == datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "intent", "reference"),
    [
        ("mark buy milk as done", Intent.COMPLETE_TASK, "buy milk"),
        ("I finished the quarterly report", Intent.COMPLETE_TASK, "quarterly report"),
        ("cross buy printer ink off my list", Intent.COMPLETE_TASK, "buy printer ink"),
        ("the haircut is done", Intent.COMPLETE_TASK, "haircut"),
        ("delete the dentist appointment", Intent.DELETE_TASK, "dentist appointment"),
        ("remove the haircut task", Intent.DELETE_TASK, "haircut"),
        ("please delete the task about the campsite", Intent.DELETE_TASK, "campsite"),
        ("change clean garage to high priority", Intent.UPDATE_TASK, "clean garage"),
        ("move the dentist appointment to friday", Intent.UPDATE_TASK, "dentist appointment"),
    ],
)
def test_reference_names_the_existing_task(text: str, intent: Intent, reference: str) -> None:
    entities = _entities(text, intent)
    assert entities.reference == reference
    assert not entities.refers_to_context


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mark it done", Intent.COMPLETE_TASK),
        ("that's done", Intent.COMPLETE_TASK),
        ("i went to the gym, check that off", Intent.COMPLETE_TASK),
        ("remove the one I just added", Intent.DELETE_TASK),
        ("actually make it due next monday", Intent.UPDATE_TASK),
        ("change the time to 6pm", Intent.UPDATE_TASK),
        ("tag it #health", Intent.UPDATE_TASK),
    ],
)
def test_pronouns_refer_to_the_conversation(text: str, intent: Intent) -> None:
    entities = _entities(text, intent)
    assert entities.refers_to_context
    assert entities.reference is None


def test_update_due_date_of_context_task() -> None:
    entities = _entities("actually make it due next monday", Intent.UPDATE_TASK)
    assert entities.due_at == datetime(2026, 11, 30, 23, 59, tzinfo=BERLIN)


def test_rename() -> None:
    entities = _entities("rename buy milk to buy oat milk", Intent.UPDATE_TASK)
    assert (entities.reference, entities.new_title) == ("buy milk", "buy oat milk")
    entities = _entities("rename it to call the landlord", Intent.UPDATE_TASK)
    assert entities.refers_to_context
    assert entities.new_title == "call the landlord"


def test_bulk_delete_uses_a_status_filter() -> None:
    assert _entities("delete all completed tasks", Intent.DELETE_TASK).status_filter == "completed"
    assert _entities("get rid of everything that's done", Intent.DELETE_TASK).status_filter == (
        "completed"
    )
    assert _entities("remove every task", Intent.DELETE_TASK).status_filter == "all"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("show my high priority tasks", {"priority": "high"}),
        ("show completed tasks", {"status_filter": "completed"}),
        ("what's still pending", {"status_filter": "pending"}),
        ("show all tasks, including finished ones", {"status_filter": "all"}),
        ("find tasks about taxes", {"search_text": "taxes"}),
        ("search for invoice", {"search_text": "invoice"}),
        ("list #errands", {"tags": ("errands",)}),
        ("show my tasks", {}),
    ],
)
def test_list_filters(text: str, expected: dict[str, object]) -> None:
    entities = _entities(text, Intent.LIST_TASKS)
    for name in ("priority", "status_filter", "search_text"):
        assert getattr(entities, name) == expected.get(name), name
    assert entities.tags == expected.get("tags", ())


def test_list_due_ranges() -> None:
    entities = _entities("what's due this week", Intent.LIST_TASKS)
    assert entities.due_after == datetime(2026, 11, 23, 0, 0, tzinfo=BERLIN)
    assert entities.due_before == datetime(2026, 11, 29, 23, 59, 59, tzinfo=BERLIN)
    overdue = _entities("which tasks are overdue", Intent.LIST_TASKS)
    assert overdue.due_before == NOW
    assert overdue.status_filter == "pending"


def test_entities_serialise_to_json_types() -> None:
    entities = _entities("add call bob tomorrow, remind me 30 minutes before", Intent.ADD_TASK)
    data = entities.as_json()
    assert data["due_at"] == "2026-11-24T23:59:00+01:00"
    assert data["remind_before"] == 1800.0
    assert data["tags"] == []
