"""Which task a chat message acts on: positions in a list, plural and negated references,
misspellings, and tasks older than the most recent page. A real task service (SQLite) and the
real model, as in `test_chat_service.py`."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


async def test_the_second_and_the_last_one_count_in_the_list_shown(chat: Chat) -> None:
    for title in ("water plants", "call the bank", "buy stamps"):
        await chat.create(title)
    listed = [task.title for task in (await chat.say("show my tasks")).tasks]
    assert len(listed) == 3
    await chat.say("mark the second one done")
    tasks = await chat.all()
    assert [title for title in listed if tasks[title].completed] == [listed[1]]
    # still counted in the list shown, not in what the last turn touched
    await chat.say("delete the last one")
    assert set(await chat.all()) == set(listed) - {listed[2]}


async def test_it_after_a_list_of_several_asks_which(chat: Chat) -> None:
    await chat.create("water plants")
    await chat.create("call the bank")
    await chat.say("show my tasks")
    asked = await chat.say("mark it done")
    assert "1." in asked.reply and "2." in asked.reply
    assert not any(task.completed for task in (await chat.all()).values())


async def test_both_of_them_after_a_list_waits_for_a_yes(chat: Chat) -> None:
    await chat.create("water plants")
    await chat.create("call the bank")
    await chat.create("pay rent", tags=["home"])
    await chat.say("what are my home tasks")
    await chat.say("show my tasks")
    asked = await chat.say("delete both of them")
    assert "Say yes" in asked.reply and len(await chat.all()) == 3
    await chat.say("yes")
    assert await chat.all() == {}


async def test_not_urgent_anymore_lowers_the_priority_and_keeps_the_task(chat: Chat) -> None:
    await chat.create("buy milk", priority="high")
    await chat.create("renew passport")
    await chat.say("buy milk isn't urgent anymore")
    tasks = await chat.all()
    assert tasks["buy milk"].priority == "low" and not tasks["buy milk"].completed
    chat.new_conversation()
    await chat.say("renew passport is urgent now")
    assert (await chat.all())["renew passport"].priority == "high"


async def test_a_negated_or_dismissed_task_is_deleted_and_no_other(chat: Chat) -> None:
    for title in ("buy stamps", "buy milk", "dentist appointment", "go to the gym", "call steve"):
        await chat.create(title)
    for message in (
        "I don't need to buy stamps anymore",
        "never mind the dentist",
        "forget about the gym",
        "hmm actually forget about calling steve",
    ):
        chat.new_conversation()
        await chat.say(message)
    assert set(await chat.all()) == {"buy milk"}


async def test_a_misspelt_title_names_its_task_and_not_a_lookalike(chat: Chat) -> None:
    await chat.create("groceries")
    await chat.create("do the laundry")
    await chat.create("take a break")
    await chat.say("mark groceris done")
    await chat.say("done with laundary")
    tasks = await chat.all()
    assert tasks["groceries"].completed and tasks["do the laundry"].completed
    chat.new_conversation()
    await chat.say("bought the bread")  # "bread" is not "break"
    assert not (await chat.all())["take a break"].completed


async def test_misspelt_command_words_act_on_the_named_task(chat: Chat) -> None:
    await chat.create("buy eggs")
    await chat.create("renew passport")
    await chat.create("wash the car")
    await chat.say("delte buy eggs")
    await chat.say("compelte renew passport")
    await chat.say("mark wash the car as dnoe")
    tasks = await chat.all()
    assert "buy eggs" not in tasks
    assert tasks["renew passport"].completed and tasks["wash the car"].completed


async def test_a_compound_with_permission_names_the_task(chat: Chat) -> None:
    await chat.create("renew passport")
    await chat.create("call the insurance company")
    await chat.say("just renewed my passport, you can tick it off")
    chat.new_conversation()
    await chat.say("i finally got around to calling the insurance company you can mark that done")
    tasks = await chat.all()
    assert tasks["renew passport"].completed and tasks["call the insurance company"].completed


async def test_a_task_older_than_the_recent_page_can_be_named(chat: Chat) -> None:
    await chat.create("renew the car insurance")
    await chat.create("book the vet")
    for number in range(210):
        await chat.create(f"errand {number}")
    await chat.say("mark book the vet done")
    await chat.say("delete renew the car insurence")  # misspelt, and older than 200 others
    tasks = await chat.all()  # the oldest 200
    assert "renew the car insurance" not in tasks
    assert tasks["book the vet"].completed


@pytest.mark.parametrize(
    ("text", "intent", "reference"),
    [
        ("delete the last one", Intent.DELETE_TASK, "last one"),
        ("mark the first one done", Intent.COMPLETE_TASK, "first one"),
        ("tick the 2nd one off", Intent.COMPLETE_TASK, "2nd one"),
        ("mark number 3 as done", Intent.COMPLETE_TASK, "number 3"),
        ("delete both of them", Intent.DELETE_TASK, "them"),
        ("remove those two", Intent.DELETE_TASK, "them"),
        ("all three of those are done", Intent.COMPLETE_TASK, "them"),
        ("the last one is done too", Intent.COMPLETE_TASK, "last one"),
    ],
)
def test_positions_and_plurals_point_into_the_conversation(
    text: str, intent: Intent, reference: str
) -> None:
    entities = extract_entities(text, intent, now=NOW)
    assert entities.refers_to_context
    assert entities.reference == reference


async def test_an_answer_naming_a_choice_picks_it_and_one_naming_none_picks_none(
    chat: Chat,
) -> None:
    await chat.create("call the dentist")
    await chat.create("call the plumber")
    await chat.say("delete the call task")
    await chat.say("the plumber one")  # "one" is no position here
    assert set(await chat.all()) == {"call the dentist"}
    await chat.create("call the plumber")
    chat.new_conversation()
    await chat.say("delete the call task")
    await chat.say("not that one")
    assert len(await chat.all()) == 2


async def test_a_clause_about_another_task_does_not_make_it_the_last_one(chat: Chat) -> None:
    await chat.say("add call mom")
    asked = await chat.say("i paid the gas bill, mark it done")
    assert not (await chat.all())["call mom"].completed
    assert '1. "call mom"' in asked.reply
    await chat.say("ok that's sorted, mark it done")  # says nothing else: "it" is call mom
    assert (await chat.all())["call mom"].completed


async def test_the_3pm_one_is_the_task_due_or_reminding_at_3pm(chat: Chat) -> None:
    await chat.say("add dentist tomorrow at 3pm")
    await chat.say("add team call tomorrow at 10am")
    chat.new_conversation()
    await chat.say("cancel the 3pm one")
    assert set(await chat.all()) == {"team call"}


async def test_the_last_one_after_adding_is_the_new_task_not_the_last_listed(chat: Chat) -> None:
    await chat.create("water plants")
    await chat.create("call the bank")
    await chat.say("show my tasks")
    await chat.say("add renew passport")
    await chat.say("delete the last one")
    assert set(await chat.all()) == {"water plants", "call the bank"}


async def test_all_of_them_after_a_list_is_the_listed_tasks_not_every_task(chat: Chat) -> None:
    await chat.create("pay rent", tags=["home"])
    await chat.create("fix the shelf", tags=["home"])
    await chat.create("send the report", tags=["work"])
    listed = await chat.say("show my home tasks")
    assert sorted(task.title for task in listed.tasks) == ["fix the shelf", "pay rent"]
    asked = await chat.say("mark all of them done")
    assert "2 tasks" in asked.reply
    await chat.say("yes")
    tasks = await chat.all()
    assert tasks["pay rent"].completed and tasks["fix the shelf"].completed
    assert not tasks["send the report"].completed


async def test_permission_numbers_and_wont_need_name_their_task(chat: Chat) -> None:
    for title in ("call the landlord", "gym", "water plants", "buy stamps", "book the hotel"):
        await chat.create(title)
    await chat.say("you can cross off call the landlord")
    await chat.say("i won't be needing the gym reminder anymore")
    listed = await chat.say("show my tasks")
    third = listed.tasks[2].title
    await chat.say("tick number 3")
    tasks = await chat.all()
    assert tasks["call the landlord"].completed and "gym" not in tasks
    assert tasks[third].completed


async def test_a_task_reported_done_in_passing_is_completed(chat: Chat) -> None:
    await chat.create("pay the gas bill")
    await chat.create("renew the car insurance")
    await chat.say("the gas bill is paid")
    chat.new_conversation()
    await chat.say("my car insurance has been renewed")
    tasks = await chat.all()
    assert tasks["pay the gas bill"].completed and tasks["renew the car insurance"].completed
