"""Session 6 references, list look-alikes and replies: places in a shown list, undo then
another request, completions said with a generic verb, medium priority and no-op updates."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.chat.references import place_statement, positions, reports_in, undo_then
from todo_backend.nlu.pipeline import NluPipeline

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
DATED = ["pay the phone bill", "book the vet for rex", "buy printer ink", "call grandma"]


async def _listed(chat: Chat) -> list[str]:
    start = datetime(2027, 1, 11, 12, tzinfo=UTC)
    for day, title in enumerate(DATED):
        await chat.create(title, due_at=start + timedelta(days=day))
    shown = await chat.say("show my tasks")
    return [task.title for task in shown.tasks]


async def test_a_place_said_with_what_happens_to_it_acts_on_the_shown_task(chat: Chat) -> None:
    assert await _listed(chat) == DATED
    gone = await chat.say("the 3rd one can go")
    assert gone.intent == "delete_task" and "buy printer ink" not in await chat.all()
    done = await chat.say("the last one is sorted")
    assert done.intent == "complete_task" and (await chat.all())["call grandma"].completed


async def test_the_first_two_and_one_and_three_name_several_shown_tasks(chat: Chat) -> None:
    await _listed(chat)
    await chat.say("delete the first two")
    assert set(await chat.all()) == {"buy printer ink", "call grandma"}
    await chat.say("undo")
    assert len(await chat.all()) == 4
    await chat.say("show my tasks")
    await chat.say("1 and 3 are done")
    tasks = await chat.all()
    assert tasks["pay the phone bill"].completed and tasks["buy printer ink"].completed
    assert not tasks["book the vet for rex"].completed


async def test_both_of_them_after_a_list_of_two_acts_at_once(chat: Chat) -> None:
    await chat.create("eggs", tags=["shopping"])
    await chat.create("bread", tags=["shopping"])
    await chat.create("call the bank")
    await chat.say("show my shopping list")
    reply = await chat.say("delete both of them")
    assert set(await chat.all()) == {"call the bank"}
    assert reply.can_undo


async def test_undo_then_another_request_in_one_message(chat: Chat) -> None:
    for title in ("call the plumber", "call the dentist", "email the landlord"):
        await chat.create(title)
    await chat.say("mark call the plumber as done")
    reply = await chat.say("no wait, undo that and delete it instead")
    assert "call the plumber" not in await chat.all()
    assert reply.reply.startswith("Undone.") and 'Deleted "call the plumber"' in reply.reply
    assert reply.intent == "delete_task"
    # "undo that" alone is still a plain undo
    assert undo_then("wait undo that") is None and undo_then("undo that please") is None


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("i got the coffee", "buy coffee"),
        ("knocked out the laundry", "do the laundry"),
        ("took care of the plumber", "call the plumber"),
        ("dealt with the landlord email", "email the landlord"),
        ("grabbed the birthday card for mum earlier", "buy a birthday card for mum"),
    ],
)
async def test_a_generic_done_verb_completes_the_task_it_names(
    chat: Chat, message: str, title: str
) -> None:
    for other in (
        "buy coffee", "buy milk", "buy a birthday card for mum", "do the laundry",
        "fold the towels", "call the plumber", "call the dentist", "email the landlord",
    ):  # fmt: skip
        await chat.create(other)
    reply = await chat.say(message)
    tasks = await chat.all()
    assert tasks[title].completed, reply.reply
    assert sum(task.completed for task in tasks.values()) == 1


async def test_a_generic_done_verb_asks_when_two_tasks_share_the_thing(chat: Chat) -> None:
    await chat.create("buy coffee beans")
    await chat.create("buy coffee filters")
    await chat.create("buy milk")
    reply = await chat.say("i got the coffee")
    assert "?" in reply.reply and "coffee beans" in reply.reply and "coffee filters" in reply.reply
    assert not any(task.completed for task in (await chat.all()).values())


async def test_i_cleaned_it_with_nothing_said_asks_among_the_clean_tasks(chat: Chat) -> None:
    for title in ("clean the bathroom", "clean the kitchen", "water the plants", "buy milk"):
        await chat.create(title)
    reply = await chat.say("i cleaned it")
    assert "clean the bathroom" in reply.reply and "clean the kitchen" in reply.reply
    assert "buy milk" not in reply.reply


async def test_that_ones_sorted_completes_the_task_just_talked_about(chat: Chat) -> None:
    await chat.create("book a haircut")
    await chat.create("call mum")
    await chat.say("make book a haircut high priority")
    await chat.say("actually that one's sorted")
    assert (await chat.all())["book a haircut"].completed


async def test_an_explicit_medium_priority_is_said(chat: Chat) -> None:
    reply = await chat.say("add water the ferns, medium priority")
    assert reply.reply == 'Added "water the ferns", medium priority.'
    plain = await chat.say("add feed the cat")
    assert plain.reply == 'Added "feed the cat".'


async def test_an_update_to_what_the_task_already_has_says_so_and_changes_nothing(
    chat: Chat,
) -> None:
    task = await chat.create("pay rent", priority="high")
    reply = await chat.say("make pay rent high priority")
    assert reply.reply == '"pay rent" already has high priority.'
    assert (await chat.all())["pay rent"].updated_at == task.updated_at
    assert not reply.can_undo


def test_a_deed_of_long_ago_is_no_report() -> None:
    assert reports_in("i renewed my passport last year") == []
    assert reports_in("i cancelled my gym membership months ago") == []
    assert reports_in("renewed the passport today") != []


def test_places_name_several_shown_tasks() -> None:
    assert positions("first two", 5) == [0, 1]
    assert positions("last two", 5) == [3, 4]
    assert positions("1 and 3", 5) == [0, 2]
    assert positions("first and the third", 5) == [0, 2]
    assert positions("1 and 7", 5) == []
    assert positions("third one", 5) is None and positions("the plumber", 5) is None
    statement = place_statement("lol the third one can go")
    assert statement is not None and statement.delete
    assert place_statement("the dentist is done") is None


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("what do i have to do to renew my passport", "out_of_scope"),
        ("what have i got to do to pass my exam", "out_of_scope"),
        ("what tasks does a data analyst do", "out_of_scope"),
        ("how many tasks should i do a day", "out_of_scope"),
        ("what's next in the series after book 3", "out_of_scope"),
        ("what can you do about a leaking tap", "out_of_scope"),
        ("how does it work when you rent a car abroad", "out_of_scope"),
        ("how does tagging work on instagram", "out_of_scope"),
        ("what is a reminder", "out_of_scope"),
        ("what do i have to do today", "list_tasks"),
        ("what's on my shopping list", "list_tasks"),
        ("what's next on my list", "list_tasks"),
        ("what can you do", "help"),
        ("what can you do for me", "help"),
        ("how does this work", "help"),
        ("how does tagging work in this app", "help"),
    ],
)
def test_list_and_help_look_alikes(pipeline: NluPipeline, message: str, intent: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent.value == intent
