"""A follow-up that only says when or how often ("friday at 3pm", "and every day please")
changes the task just added; with no task in the conversation it changes nothing. A real task
service (SQLite) and the real model, as in `test_chat_service.py`."""

from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.rules import match_rules


@pytest.mark.parametrize(
    "message", ["and every day please", "actually every two weeks", "weekly", "friday at 3pm"]
)
def test_only_when_or_how_often_is_a_follow_up(message: str) -> None:
    rule = match_rules(message)
    assert rule is not None
    assert rule.intent is Intent.UPDATE_TASK


@pytest.mark.parametrize(
    ("follow_up", "recurrence"),
    [
        ("and every day please", "FREQ=DAILY"),
        ("actually every two weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
    ],
)
async def test_how_often_after_an_add_makes_that_task_repeat(
    chat: Chat, follow_up: str, recurrence: str
) -> None:
    await chat.say("add water the ferns")
    reply = await chat.say(follow_up)
    assert reply.intent == "update_task"
    assert (await chat.all())["water the ferns"].recurrence == recurrence


async def test_a_time_after_an_add_moves_that_task(chat: Chat) -> None:
    await chat.say("add water the ferns", timezone="Europe/Berlin")
    await chat.say("friday at 3pm", timezone="Europe/Berlin")
    due = (await chat.all())["water the ferns"].due_at
    assert due is not None
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.isoweekday(), local.hour, local.minute) == (5, 15, 0)


async def test_a_follow_up_with_no_task_in_the_conversation_changes_nothing(chat: Chat) -> None:
    await chat.create("call the bank")
    before = await chat.all()
    await chat.say("every day")
    assert await chat.all() == before


async def test_a_reminder_put_on_it_goes_on_the_task_just_added(chat: Chat) -> None:
    await chat.say("add water the ferns")
    await chat.say("put a reminder on it for tomorrow 9am")
    tasks = await chat.all()
    assert list(tasks) == ["water the ferns"]
    assert tasks["water the ferns"].remind_at is not None


@pytest.mark.parametrize(
    ("follow_up", "priority"), [("actually make it low", "low"), ("make that high", "high")]
)
async def test_a_bare_priority_level_after_an_add_sets_it(
    chat: Chat, follow_up: str, priority: str
) -> None:
    await chat.say("add water the ferns")
    await chat.say(follow_up)
    assert (await chat.all())["water the ferns"].priority == priority


async def test_its_every_n_weeks_after_an_add_makes_it_repeat(chat: Chat) -> None:
    await chat.say("add pay the window cleaner")
    await chat.say("oh and it's every 4 weeks")
    assert (await chat.all())["pay the window cleaner"].recurrence == "FREQ=WEEKLY;INTERVAL=4"


def test_its_friday_alone_is_no_follow_up() -> None:
    rule = match_rules("it's friday!")
    assert rule is None or rule.name != "date_only_follow_up"
