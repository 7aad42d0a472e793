"""Session 7 list phrasing and list queries: lists named by what they are for, names with
"to" in them, list queries made of a filter only, look-alikes of list and help requests."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.pipeline import NluPipeline

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # a Monday


def _parse(pipeline: NluPipeline, message: str) -> tuple[str, dict[str, object]]:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    return result.intent.value, result.entities.as_json()


@pytest.mark.parametrize(
    ("message", "title", "tags"),
    [
        ("add balloons to the list for the party", "balloons", ["party"]),
        ("put rice on the list for costco", "rice", ["costco"]),
        ("add lightbulbs to the list for the hardware store", "lightbulbs", ["hardware-store"]),
        ("add pens to the back to school list", "pens", ["back-to-school"]),
        ("add to grocery: chicken", "chicken", ["grocery"]),
        ("chuck crisps on the shopping list", "crisps", ["shopping"]),
        ("bung eggs on the grocery list", "eggs", ["grocery"]),
        ("the grocery list needs peanut butter on it", "peanut butter", ["grocery"]),
        ("i need foil added to the shopping list pls", "foil", ["shopping"]),
        ("put pears on the fruit and veg list", "pears", ["fruit-and-veg"]),
        ("add rice to grocerys", "rice", ["grocery"]),
        # "for me" is a favour, not a list's name
        ("add milk to the list for me please", "milk", []),
        # a day after the list is its due date, and the to-do list itself names no tag
        ("add call the vet to my to-do list for friday", "call the vet", []),
    ],
)
def test_items_go_on_the_list_the_message_names(
    pipeline: NluPipeline, message: str, title: str, tags: list[str]
) -> None:
    intent, entities = _parse(pipeline, message)
    assert intent == "add_task"
    assert entities["title"] == title and entities["tags"] == tags


@pytest.mark.parametrize(
    ("message", "item"),
    [("take pens off the back to school list", "pens"),
     ("pls take milk off of my shopping list", "milk")],
)  # fmt: skip
def test_an_item_comes_off_the_list_it_is_on(
    pipeline: NluPipeline, message: str, item: str
) -> None:
    intent, entities = _parse(pipeline, message)
    assert intent == "delete_task" and entities["reference"] == item


@pytest.mark.parametrize(
    ("message", "tags"),
    [("have i got anything on the costco list", ["costco"]),
     ("can i see the shopping list pls", ["shopping"]),
     ("Would you kindly read out my list for me", [])],
)  # fmt: skip
def test_a_question_about_a_list_lists_it(
    pipeline: NluPipeline, message: str, tags: list[str]
) -> None:
    intent, entities = _parse(pipeline, message)
    assert intent == "list_tasks" and entities["tags"] == tags


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [
        ("what's urgent", "priority", "high"),
        ("anything important?", "priority", "high"),
        ("is anything high priority", "priority", "high"),
        ("whats still open", "status_filter", "pending"),
        ("everything i haven't ticked off", "status_filter", "pending"),
        ("what havent i ticked off yet", "status_filter", "pending"),
        ("what have i ticked off", "status_filter", "completed"),
        ("what's been crossed off", "status_filter", "completed"),
        ("show me things i already did", "status_filter", "completed"),
        ("show me the stuff i still need to do", "status_filter", "pending"),
        ("list all", "status_filter", "all"),
        ("tasks with no reminder", "with_reminder", False),
        ("show me the tasks with the work tag", "tags", ["work"]),
        ("what is there for tomorrow", "due_after", "2026-11-24T00:00:00+01:00"),
        ("anything on for the weekend?", "due_after", "2026-11-28T00:00:00+01:00"),
        ("which ones have a reminder", "with_reminder", True),
        ("done stuff", "status_filter", "completed"),
    ],
)
def test_a_filter_said_alone_is_a_list_query(
    pipeline: NluPipeline, message: str, field: str, value: object
) -> None:
    intent, entities = _parse(pipeline, message)
    assert intent == "list_tasks"
    assert entities[field] == value


@pytest.mark.parametrize(
    "message",
    [
        # the world's affairs, others' doings, things left somewhere
        "what is urgent about climate change",
        "what's pending in congress",
        "what have the kids finished eating",
        "what's left in the fridge",
        "which team is top priority for the coach",
        "what's done is done",
        "what's a priority",
        # the paper list, or the list as news
        "i lost my shopping list",
        "we forgot the packing list",
        "the shopping list is on the fridge",
        # help look-alikes: the help rule reads only a whole request about the chat
        "how do you work out 15 percent of 80",
        "what are you able to tell me about rome",
        "what are you capable of feeling",
        "how does this work out for my taxes",
    ],
)
def test_look_alikes_are_neither_lists_nor_help(pipeline: NluPipeline, message: str) -> None:
    assert _parse(pipeline, message)[0] == "out_of_scope"


@pytest.mark.parametrize(
    "message",
    ["what can you do", "what can you help me with here", "what are you capable of?",
     "how does this work?"],
)  # fmt: skip
def test_help_requests_about_the_chat_stay_help(pipeline: NluPipeline, message: str) -> None:
    assert _parse(pipeline, message)[0] == "help"


async def test_whats_urgent_lists_only_the_high_priority_tasks(chat: Chat) -> None:
    await chat.create("renew passport", priority="high")
    await chat.create("tidy the shed", priority="low")
    await chat.create("buy stamps")
    reply = await chat.say("what's urgent")
    assert reply.intent == "list_tasks"
    assert [task.title for task in reply.tasks] == ["renew passport"]


async def test_everything_not_ticked_off_lists_the_pending_tasks(chat: Chat) -> None:
    await chat.create("buy bread")
    done = await chat.create("call the bank")
    await chat.say(f"mark {done.title} as done")
    reply = await chat.say("everything i haven't ticked off")
    assert [task.title for task in reply.tasks] == ["buy bread"]


async def test_an_item_added_to_the_list_for_the_party_is_listed_with_it(chat: Chat) -> None:
    await chat.create("balloons", tags=["party"])
    await chat.create("buy milk")
    added = await chat.say("add crisps to the list for the party")
    assert added.intent == "add_task"
    shown = await chat.say("whats on the party list")
    assert sorted(task.title for task in shown.tasks) == ["balloons", "crisps"]
