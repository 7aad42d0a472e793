"""Listings asked in words: tasks with or without a reminder, and negated status ("what
haven't I finished"). A real task service (SQLite) and the real model, as in
`test_chat_service.py`."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.backend.nlu.conftest import NOW
from tests.unit.backend.nlu.test_chat_service import USER, Chat
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("what reminders do i have?", True),
        ("which of my tasks have reminders", True),
        ("show me my alarms for this week", True),
        ("list my tasks without reminders", False),
        ("which tasks don't have a reminder", False),
        ("show my tasks", None),
        ("what's on my shopping list", None),
    ],
)
def test_a_listing_can_ask_for_tasks_with_or_without_a_reminder(
    message: str, expected: bool | None
) -> None:
    assert extract_entities(message, Intent.LIST_TASKS, now=NOW).with_reminder is expected


@pytest.mark.parametrize(
    "message",
    ["what haven't i finished yet", "what have we not done", "what haven't i got round to"],
)
def test_a_negated_question_about_finishing_lists_pending_tasks(message: str) -> None:
    assert extract_entities(message, Intent.LIST_TASKS, now=NOW).status_filter == "pending"


async def test_asking_for_reminders_lists_only_the_tasks_that_will_remind(chat: Chat) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    await chat.create("book the mot", due_at=soon.isoformat(), remind_at=soon.isoformat())
    await chat.create("buy bread")
    await chat.create("fix the bike")
    reminded = await chat.say("what reminders do i have?")
    assert [task.title for task in reminded.tasks] == ["book the mot"]
    unreminded = await chat.say("which tasks have no reminder")
    assert sorted(task.title for task in unreminded.tasks) == ["buy bread", "fix the bike"]


async def test_what_havent_i_finished_lists_the_open_tasks_only(chat: Chat) -> None:
    done = await chat.create("call the bank")
    await chat.tasks.complete(user_id=USER, task_id=done.id)
    await chat.create("buy bread")
    listed = await chat.say("what haven't i finished yet")
    assert [task.title for task in listed.tasks] == ["buy bread"]
