"""A routine said without a command word ("floss every night", "gym mon wed fri pls") is a new
recurring task; the same schedule said about someone or something ("the bins go out every
thursday", "rent is due on the 1st") is how life goes and changes nothing."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


@pytest.mark.parametrize(
    ("message", "title", "rule"),
    [
        ("floss every night", "floss", "FREQ=DAILY"),
        ("stretch every morning", "stretch", "FREQ=DAILY"),
        ("text dad every other day", "text dad", "FREQ=DAILY;INTERVAL=2"),
        ("call grandma once a month", "call grandma", "FREQ=MONTHLY"),
        ("gym mon wed fri pls", "gym", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("bins out evry thurs nite", "bins out", "FREQ=WEEKLY;BYDAY=TH"),
        ("EVERY MONTH ON THE 28TH PAY OFF THE CREDIT CARD", "PAY OFF THE CREDIT CARD", None),
    ],
)
def test_a_routine_without_a_command_word_is_a_new_recurring_task(
    pipeline: NluPipeline, message: str, title: str, rule: str | None
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert result.entities.title is not None
    assert result.entities.title.casefold() == title.casefold()
    assert result.entities.recurrence is not None
    if rule is not None:
        assert result.entities.recurrence == rule


@pytest.mark.parametrize(
    "message",
    [
        "every morning remind me to meditate",  # a reminder: the reminder rules' and the model's
        "every sunday at 6pm remind me to prep meals",
    ],
)
def test_a_routine_that_asks_for_a_reminder_stays_a_reminder(
    pipeline: NluPipeline, message: str
) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.SET_REMINDER


@pytest.mark.parametrize(
    "message",
    [
        "rent is due on the first of the month",
        "payday is the last working day of the month",
        "fun fact, my cat hates mondays",
        "hey, quick q, is the post office open on sundays",
        "every day is the same",
    ],
)
async def test_a_schedule_said_about_the_world_changes_nothing(chat: Chat, message: str) -> None:
    await chat.create("pay the rent")
    before = await chat.all()
    await chat.say(message, timezone="Europe/Berlin")
    assert await chat.all() == before


async def test_the_chat_stores_a_routine_with_its_schedule(chat: Chat) -> None:
    reply = await chat.say("text dad every other day", timezone="Europe/Berlin")
    tasks = await chat.all()
    assert list(tasks) == ["text dad"]
    assert tasks["text dad"].recurrence == "FREQ=DAILY;INTERVAL=2"
    assert tasks["text dad"].due_at is not None
    assert "every 2 days" in reply.reply
