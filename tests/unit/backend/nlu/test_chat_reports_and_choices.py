"""References a user expects to act: reports of what was done, the noun a task is about,
answers to "which one?" by a word of the choice, choices numbered in the order the tasks were
made; and what must still ask or change nothing. Real task service (SQLite), real model."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.chat.references import report_in, resolve_reference
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline

EVERYDAY = ("call mum", "call the bank", "buy eggs", "buy bread", "take out the recycling",
            "finish the slides for monday", "buy coffee beans", "book flights to rome")  # fmt: skip


@pytest.fixture
async def chat(chat: Chat) -> Chat:
    """The shared chat (conftest), with EVERYDAY as the user's tasks."""
    for title in EVERYDAY:
        await chat.create(title)
    return chat


@pytest.mark.parametrize(
    ("message", "title"),
    [("called mum today", "call mum"), ("i bougth the eggs", "buy eggs"),
     ("took out the recycling", "take out the recycling"),
     ("okay so i rang the bank this morning you can cross that off", "call the bank")],
)  # fmt: skip
async def test_a_report_of_what_was_done_completes_the_task_it_names(
    chat: Chat, message: str, title: str
) -> None:
    reply = await chat.say(message)
    tasks = await chat.all()
    assert reply.intent == Intent.COMPLETE_TASK
    assert [t for t, task in tasks.items() if task.completed] == [title]


@pytest.mark.parametrize(
    "message",
    ["my mum called me today", "have i called the bank yet", "i haven't called mum yet",
     "i bought a new car", "i finished my coffee", "i finished my book", "did i buy eggs"],
)  # fmt: skip
async def test_news_questions_and_negations_complete_nothing(chat: Chat, message: str) -> None:
    before = await chat.all()
    await chat.say(message)
    assert await chat.all() == before


async def test_i_bought_it_asks_among_the_buy_tasks_and_a_word_answers(chat: Chat) -> None:
    asked = await chat.say("i bought it")
    assert "?" in asked.reply and '"buy eggs"' in asked.reply and '"call mum"' not in asked.reply
    await chat.say("the eggs")
    assert [t for t, task in (await chat.all()).items() if task.completed] == ["buy eggs"]


async def test_the_noun_a_task_is_about_names_it(chat: Chat) -> None:
    await chat.say("scrap the recycling task")
    await chat.say("the slides are finished")
    tasks = await chat.all()
    assert "take out the recycling" not in tasks
    assert tasks["finish the slides for monday"].completed


async def test_choices_are_numbered_in_the_order_the_tasks_were_made(chat: Chat) -> None:
    asked = await chat.say("mark the call done")
    assert asked.reply.index('1. "call mum"') < asked.reply.index('2. "call the bank"')
    await chat.say("2")
    assert [t for t, task in (await chat.all()).items() if task.completed] == ["call the bank"]


@pytest.mark.parametrize(
    ("answer", "title"), [("the one about mum", "call mum"), ("bank", "call the bank")]
)
async def test_a_word_of_one_choice_answers_which_one(chat: Chat, answer: str, title: str) -> None:
    await chat.say("delete the call")
    await chat.say(answer)
    assert title not in await chat.all() and len(await chat.all()) == len(EVERYDAY) - 1


async def test_not_that_one_or_neither_chooses_nothing(chat: Chat) -> None:
    await chat.say("delete the call")
    await chat.say("neither")
    assert len(await chat.all()) == len(EVERYDAY)


async def test_a_bulk_confirmation_is_a_question(chat: Chat) -> None:
    asked = await chat.say("delete everything")
    assert "?" in asked.reply and "Say yes" in asked.reply


def test_a_word_in_several_titles_is_no_name() -> None:
    class T:
        def __init__(self, i: str, title: str) -> None:
            self.id, self.title = i, title

    tasks = [T("1", "email the landlord"), T("2", "email sarah the photos")]
    resolution = resolve_reference("the email", tasks)  # type: ignore[arg-type]
    assert resolution.task is None and len(resolution.candidates) == 2


def test_report_in_reads_states_and_past_tense_only() -> None:
    assert report_in("the plants are watered") is not None
    assert report_in("i walked the dog") is not None
    assert report_in("walk the dog") is None
    assert report_in("did i walk the dog?") is None


async def test_sparing_a_task_then_changing_it_changes_it(chat: Chat) -> None:
    await chat.create("renew passport")
    reply = await chat.say("don't delete the passport task, just make it low priority")
    tasks = await chat.all()
    assert reply.intent == Intent.UPDATE_TASK
    assert tasks["renew passport"].priority == "low" and len(tasks) == len(EVERYDAY) + 1


@pytest.mark.parametrize(
    "message",
    ["the shops are shut on sunday", "my sister arrives on friday", "school starts at 8 tomorrow",
     "the kids are off school next week", "i got a new job today"],
)  # fmt: skip
async def test_dated_news_about_the_world_is_no_new_task(chat: Chat, message: str) -> None:
    reply = await chat.say(message)
    assert reply.intent == Intent.OUT_OF_SCOPE
    assert len(await chat.all()) == len(EVERYDAY)


@pytest.mark.parametrize(
    ("message", "intent"),
    [("the plumber came today, you can check that off", Intent.COMPLETE_TASK),
     ("add the dentist on friday", Intent.ADD_TASK)],
)  # fmt: skip
def test_news_with_a_command_stays_a_command(
    pipeline: NluPipeline, message: str, intent: Intent
) -> None:
    now = datetime(2026, 11, 23, 10, 0)
    assert pipeline.parse(message, now=now, timezone=ZoneInfo("Europe/Berlin")).intent is intent
