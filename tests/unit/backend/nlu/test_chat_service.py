"""The chat rules on a real task service (SQLite) and the real model: effects, safety, undo."""

import json
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from todo_backend.chat.context import ContextStore
from todo_backend.chat.schemas import ChatRequest, ChatResponse
from todo_backend.chat.service import ChatService
from todo_backend.nlu.classifier import DATA_DIR
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.tasks.schemas import StatusFilter, TaskCreate, TaskPublic, TaskQuery
from todo_backend.tasks.service import TaskService
from todo_common.dapr.client import DaprClient

USER = "alice"


class FakeStateStore:
    """The two Dapr state calls the context store makes."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def get_state(self, store: str, key: str) -> Any | None:
        return self.values.get(key)

    async def save_state(self, store: str, key: str, value: Any, **_: Any) -> None:
        self.values[key] = value


class Chat:
    def __init__(self, tasks: TaskService, pipeline: NluPipeline) -> None:
        self.tasks = tasks
        contexts = ContextStore(cast(DaprClient, FakeStateStore()), ttl_seconds=600)
        self.service = ChatService(tasks=tasks, nlu=pipeline, contexts=contexts)
        self.conversation: str | None = None

    async def say(self, message: str, timezone: str = "UTC") -> ChatResponse:
        request = ChatRequest(message=message, conversation_id=self.conversation, timezone=timezone)
        response, _ = await self.service.handle(user_id=USER, request=request)
        self.conversation = response.conversation_id
        return response

    def new_conversation(self) -> None:
        self.conversation = None

    async def create(self, title: str, **fields: Any) -> TaskPublic:
        data = TaskCreate.model_validate({"title": title, **fields})
        return await self.tasks.create(user_id=USER, data=data)

    async def all(self) -> dict[str, TaskPublic]:
        found, _ = await self.tasks.list(
            user_id=USER, query=TaskQuery(status=StatusFilter.ALL, limit=200)
        )
        return {task.title: task for task in found}


async def test_list_item_goes_under_the_list_tag_and_the_reply_says_so(chat: Chat) -> None:
    reply = await chat.say("add eggs to my shopping list tomorrow at 5pm")
    assert (await chat.all())["eggs"].tags == ["shopping"]
    assert reply.reply == 'Added "eggs" to shopping, due tomorrow 17:00.'
    assert reply.entities["list_tag"] == "shopping" and reply.entities["title"] == "eggs"
    assert reply.can_undo
    listed = await chat.say("what's on my shopping list")
    assert [task.title for task in listed.tasks] == ["eggs"]


async def test_undo_reverts_the_last_change_of_each_kind(chat: Chat) -> None:
    await chat.say("add renew passport")
    undone = await chat.say("undo")
    assert "renew passport" not in await chat.all()
    assert not undone.can_undo

    await chat.create("water plants")
    await chat.say("delete water plants")
    assert "water plants" not in await chat.all()
    await chat.say("undo")
    assert "water plants" in await chat.all()

    await chat.say("mark water plants as done")
    assert (await chat.all())["water plants"].completed
    await chat.say("undo that")
    assert not (await chat.all())["water plants"].completed
    assert (await chat.say("undo")).reply.startswith("There is nothing to undo")


async def test_delete_all_completed_deletes_exactly_the_completed_ones(chat: Chat) -> None:
    done = await chat.create("old chore")
    await chat.tasks.complete(user_id=USER, task_id=done.id)
    await chat.create("open chore")
    await chat.say("add something recent")  # the last-touched task must not be the target
    await chat.say("delete all completed tasks")
    assert set(await chat.all()) == {"open chore", "something recent"}


async def test_it_without_a_conversation_asks_even_for_the_only_task(chat: Chat) -> None:
    await chat.create("pay rent")
    reply = await chat.say("mark it done")
    assert not (await chat.all())["pay rent"].completed
    assert '1. "pay rent"' in reply.reply
    await chat.say("1")
    assert (await chat.all())["pay rent"].completed


async def test_questions_change_nothing(chat: Chat) -> None:
    await chat.create("take my car to the shop")
    await chat.create("pay my mortgage")
    before = await chat.all()
    for question in (
        "when did I last take my car to the shop",
        "what's the way to cancel a flight",
        "what day of the month do I pay my mortgage",
    ):
        chat.new_conversation()
        await chat.say(question)
    assert await chat.all() == before


async def test_a_weak_match_asks_with_numbered_choices_and_the_answer_acts(chat: Chat) -> None:
    await chat.create("call the dentist")
    await chat.create("call the plumber")
    reply = await chat.say("delete the call task")
    assert "1." in reply.reply and "2." in reply.reply
    assert len(await chat.all()) == 2
    chosen = await chat.say("2")
    assert len(await chat.all()) == 1
    assert chosen.intent == "delete_task"


async def test_a_compound_message_names_the_task_beside_it(chat: Chat) -> None:
    await chat.create("book flights")
    await chat.create("buy stamps")
    await chat.say("I've booked the flights, mark it done")
    assert (await chat.all())["book flights"].completed
    chat.new_conversation()
    await chat.say("I don't need to buy stamps anymore, delete it")
    assert "buy stamps" not in await chat.all()


async def test_a_repeating_reminder_without_a_date_gets_one_instead_of_an_error(chat: Chat) -> None:
    reply = await chat.say("set a reminder for church services on Sundays for 11am")
    task = (await chat.all())["church services"]
    assert task.recurrence == "FREQ=WEEKLY;BYDAY=SU"
    assert task.due_at is not None and task.due_at.weekday() == 6
    assert (task.due_at.hour, task.due_at.minute) == (11, 0)
    assert reply.tasks


async def test_change_it_to_a_time_keeps_the_reminders_day(chat: Chat) -> None:
    await chat.say("remind me to call my brother tomorrow at 8 pm", timezone="Europe/Berlin")
    await chat.say("change it to 7pm", timezone="Europe/Berlin")
    task = (await chat.all())["call my brother"]
    assert task.remind_at is not None
    local = task.remind_at.astimezone(ZoneInfo("Europe/Berlin"))
    tomorrow = datetime.now(ZoneInfo("Europe/Berlin")).date().toordinal() + 1
    assert (local.date().toordinal(), local.hour, local.minute) == (tomorrow, 19, 0)


async def test_a_title_too_long_for_the_task_service_is_a_reply_not_an_error(chat: Chat) -> None:
    reply = await chat.say("add " + "very long task " * 20)
    assert "couldn't" in reply.reply
    assert await chat.all() == {}


EVERYDAY_TASKS = (
    "call the bank", "pay the electricity bill", "book flights to rome", "renew passport",
    "buy eggs", "wash the car", "finish the essay", "cancel gym membership", "dentist appointment",
    "take the car to the shop", "pay my mortgage", "buy coffee beans", "check the weather station",
)  # fmt: skip


# Issue 12's bar on non-commands: at most 0.5% change a task, and none completes or deletes
# one. The development set keeps the messages the chat still gets wrong (that is what it is
# for), so this holds a rate rather than demanding none; the locked test set's gate is in
# test_nlu_evaluation.py. 0.20% (4 of 1,976) was measured on 2026-12-02 after the requests
# for another assistant were fixed (1.06% before); the two held-out check sets of that day then
# joined the development data and brought it to 0.74% (18 of 2,432, none destructive); the
# session-6 statement, story and agent gates brought it to 0.45% (11), and the floor is back
# at the 0.5% bar (0.40%, 11 of 2,729, with that session's non-command batch joined; six of
# the eleven are rows marked ambiguous).
FALSE_ACTION_FLOOR = 0.005


async def test_development_non_commands_stay_under_the_false_action_floor(chat: Chat) -> None:
    """Through the whole chat path, on a user with everyday tasks: any change is a false action."""
    for title in EVERYDAY_TASKS:
        await chat.create(title)
    before = await chat.all()
    dev = DATA_DIR / "dev.jsonl"
    rows = [json.loads(line) for line in dev.read_text().splitlines() if line.strip()]
    non_commands = [row["text"] for row in rows if row.get("non_command")]
    assert len(non_commands) >= 200
    changed, destructive = [], []
    for text in non_commands:
        chat.new_conversation()
        await chat.say(text)
        after = await chat.all()
        if after != before:
            changed.append(text)
            if any(
                title not in after or (after[title].completed and not task.completed)
                for title, task in before.items()
            ):
                destructive.append(text)
            before = after
    assert destructive == []
    assert len(changed) <= FALSE_ACTION_FLOOR * len(non_commands), changed


async def test_a_bulk_change_of_several_tasks_waits_for_a_yes(chat: Chat) -> None:
    for title in ("old one", "old two"):
        task = await chat.create(title)
        await chat.tasks.complete(user_id=USER, task_id=task.id)
    await chat.create("keep me")
    asked = await chat.say("delete all completed tasks")
    assert "2 tasks" in asked.reply and len(await chat.all()) == 3
    await chat.say("yes")
    assert set(await chat.all()) == {"keep me"}
    await chat.say("undo")
    assert set(await chat.all()) == {"keep me", "old one", "old two"}
