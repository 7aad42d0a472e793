"""Session 6 non-commands: statements about one's life, questions shaped like commands and
requests for another assistant change no task; the to-dos that look like them still do."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.questions import is_a_story, is_question, tells_about_life
from todo_backend.nlu.text import Message

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


def intent_of(pipeline: NluPipeline, text: str) -> Intent:
    return pipeline.parse(text, now=NOW, timezone=BERLIN).intent


@pytest.mark.parametrize(
    "text",
    [
        "my sister visits every other weekend",
        "i'm working from home tomorrow",
        "we usually go to the gym on mondays",
        "my son has football practice every tuesday",
        "my wife wants to paint the kitchen yellow",
        "the clocks go back on sunday",
        "the plumber is coming on wednesday",
        "i'll be late home tonight",
        "i start chemo on monday",
        "tbh i dont know what to have for lunch",
        "i have a dentist appointment next week, not looking forward to it",
        "add or subtract tax first?",
        "delete or archive old emails, which is better?",
        "can you renew my library books online",
        "can you let my boss know i'll be late",
        "ask siri to set an alarm",
        "add this song to my liked songs playlist",
        "can you add sugar to bread dough after kneading",
        "would you mind telling me what the time is in new york",
        "make this email sound more polite",
        "cancel the print job",
        "remind me, what's the capital of peru?",
        "see you tomorrow",
        "done with work for the day, so tired",
        "dad's surgery went well",
        "i called the plumber but he didn't answer",
        "complete this: a penny saved is",
    ],
)
def test_a_non_command_is_no_action(pipeline: NluPipeline, text: str) -> None:
    assert intent_of(pipeline, text) not in (
        Intent.ADD_TASK, Intent.SET_REMINDER, Intent.COMPLETE_TASK, Intent.DELETE_TASK,
        Intent.UPDATE_TASK,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i need you to list my tasks", Intent.LIST_TASKS),
        ("!!! pay the fine", Intent.ADD_TASK),
        ("pay rent every month on the 1st", Intent.ADD_TASK),
        ("i have a dentist appointment on friday at 10am", Intent.ADD_TASK),
        ("i've got a haircut saturday at 11", Intent.ADD_TASK),
        ("we're out of salt, add salt to the grocery list", Intent.ADD_TASK),
        ("add call the plumber", Intent.ADD_TASK),
        ("i need to cancel the gym membership", Intent.ADD_TASK),
        ("remind me to text my wife at 5pm", Intent.SET_REMINDER),
        ("can you tell me what's on my to do list", Intent.LIST_TASKS),
        ("could you remind me to call the garage tomorrow", Intent.SET_REMINDER),
        ("i called the plumber", Intent.COMPLETE_TASK),
    ],
)
def test_the_look_alike_commands_still_act(
    pipeline: NluPipeline, text: str, intent: Intent
) -> None:
    assert intent_of(pipeline, text) is intent


def test_the_statement_gate_reads_who_is_told_about() -> None:
    assert tells_about_life("my sister visits every other weekend")
    assert tells_about_life("ngl i can't decide what to wear")
    assert not tells_about_life("my car needs new tyres")  # a need is a to-do
    assert not tells_about_life("my son has a dentist appointment friday")
    assert not tells_about_life("we're out of dish soap, add it to the shopping list")


def test_a_story_is_told_only_where_the_chat_would_not_read_a_report() -> None:
    assert is_a_story("dad's surgery went well")
    assert is_a_story("i called the plumber but he didn't answer")
    # the chat matches a report of one's own deed against the tasks itself
    assert not is_a_story("i called the bank and they were closed")
    assert not is_a_story("i called the plumber")


def test_a_choice_between_two_verbs_is_a_question() -> None:
    assert is_question(Message("add or subtract tax first?"))
    assert not is_question(Message("add milk or cream to the list"))


async def test_statements_and_requests_for_another_assistant_change_no_task(chat: Chat) -> None:
    for title in (
        "call the bank",
        "cancel gym membership",
        "text my wife about dinner",
        "call mum",
    ):
        await chat.create(title)
    before = await chat.all()
    for text in (
        "my sister visits every other weekend",
        "i'm working from home tomorrow",
        "can you let my boss know i'll be late",
        "i called the plumber but he didn't answer",
        "we usually go to the gym on mondays",
    ):
        chat.new_conversation()
        await chat.say(text)
        assert await chat.all() == before, text
    await chat.say("remind me to text my wife at 5pm")
    assert "text my wife" in await chat.all()
