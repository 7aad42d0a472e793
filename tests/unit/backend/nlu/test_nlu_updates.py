"""Updates: recognising a change to a task and applying exactly what it says. The NLU on the
real model, then the chat on a real task service (SQLite), as in `test_chat_service.py`."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline

DAY = timedelta(days=1)
FRIDAY = datetime(2026, 11, 27, 23, 59, tzinfo=BERLIN)


UPDATES: list[tuple[str, dict[str, Any]]] = [
    ("the electricity bill is urgent", {"reference": "electricity bill", "priority": "high"}),
    ("the water bill isn't urgent anymore", {"reference": "water bill", "priority": "low"}),
    ("walk the dog can wait", {"reference": "walk the dog", "priority": "low"}),
    ("bump up call the plumber", {"reference": "call the plumber", "priority": "high"}),
    ("can u make it less urgent", {"refers_to_context": True, "priority": "low"}),
    ("gym membership cancellation is top prio", {"reference": "gym membership cancellation"}),
    ("postpone the car wash by two days", {"reference": "car wash", "due_shift": 2 * DAY}),
    ("push back the vet appointment a week", {"reference": "vet appointment",
                                              "due_shift": 7 * DAY}),
    ("bring the presentation forward a day", {"reference": "presentation", "due_shift": -DAY}),
    ("push it back a day", {"refers_to_context": True, "due_shift": DAY}),
    ("no due date for the photo album", {"reference": "photo album", "clear": ("due_at",)}),
    ("remove the deadline from learn spanish", {"reference": "learn spanish",
                                                "clear": ("due_at",)}),
    ("stop repeating the gym", {"reference": "gym", "clear": ("recurrence",)}),
    ("pay rent doesn't need to repeat anymore", {"reference": "pay rent",
                                                 "clear": ("recurrence",)}),
    ("turn off the reminder for water the plants", {"reference": "water the plants",
                                                    "clear": ("remind_at",)}),
    ("i don't need a reminder for it anymore", {"refers_to_context": True,
                                                "clear": ("remind_at",)}),
    ("make the gym task weekly", {"reference": "gym", "recurrence": "FREQ=WEEKLY", "due_at": None}),
    ("make floss a daily habit", {"reference": "floss", "recurrence": "FREQ=DAILY"}),
    ("take out the bins should repeat every tuesday", {"reference": "take out the bins",
                                                       "recurrence": "FREQ=WEEKLY;BYDAY=TU"}),
    ("add the #home tag to fix the sink", {"reference": "fix the sink", "tags": ("home",)}),
    ("add a work tag to the expense report", {"reference": "expense report", "tags": ("work",)}),
    ("remove the work tag from the expense report", {"reference": "expense report",
                                                     "clear": ("tags",), "tags": ("work",)}),
    ("the school forms are due thursday, not wednesday", {
        "reference": "school forms", "due_at": datetime(2026, 11, 26, 23, 59, tzinfo=BERLIN)}),
    ("so the dentist got moved to friday, can you update it", {"reference": "dentist",
                                                               "due_at": FRIDAY}),
    ("move the dentist to friday and make it high priority", {"reference": "dentist",
                                                             "due_at": FRIDAY, "priority": "high"}),
    ("actually make that 8", {"refers_to_context": True, "time_only": True}),
    ("i made a typo, it should say call the vet", {"refers_to_context": True,
                                                   "new_title": "call the vet"}),
    ("call that one renew car insurance", {"refers_to_context": True,
                                           "new_title": "renew car insurance"}),
    ("plz move grocery run 2 saturday", {"reference": "grocery run"}),
    ("change the reminder for pay rent to 8am", {"reference": "pay rent", "time_only": True,
                                                 "due_at": None}),
    ("push the recital prep out a couple of days", {"reference": "recital prep",
                                                    "due_shift": 2 * DAY}),
    ("the yoga class isnt weekly anymore", {"reference": "yoga class", "clear": ("recurrence",)}),
    ("cancel the repeat on call grandma", {"reference": "call grandma", "clear": ("recurrence",)}),
    ("turn the reminder off for the oil change", {"reference": "oil change",
                                                  "clear": ("remind_at",)}),
    ("the parcel pickup moved to wednesday", {"reference": "parcel pickup"}),
    ("i think we should move pick up the suits to saturday", {"reference": "pick up the suits"}),
    ("no wait, saturday", {"refers_to_context": True,
                           "due_at": datetime(2026, 11, 28, 23, 59, tzinfo=BERLIN)}),
    ("sorry i meant 5pm", {"refers_to_context": True, "time_only": True}),
    ("thursday instead", {"refers_to_context": True}),
    ("take the work tag off the expense claim", {"reference": "expense claim", "clear": ("tags",),
                                                 "tags": ("work",)}),
]  # fmt: skip


@pytest.mark.parametrize(("message", "expected"), UPDATES)
def test_an_update_says_what_changes(
    pipeline: NluPipeline, message: str, expected: dict[str, Any]
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
    for name, value in expected.items():
        assert getattr(result.entities, name) == value, name


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("change the language to french", Intent.OUT_OF_SCOPE),
        ("move my money to savings", Intent.OUT_OF_SCOPE),
        ("make it louder", Intent.OUT_OF_SCOPE),
        ("rename the file to report.pdf", Intent.OUT_OF_SCOPE),
        ("can you tag my friend in the photo", Intent.OUT_OF_SCOPE),
        ("add fix the roof, this is urgent", Intent.ADD_TASK),
        ("remind me to pay the fine tomorrow at 9am, it's urgent", Intent.SET_REMINDER),
        ("remove the reminder to call mom", Intent.DELETE_TASK),
        ("yeah i dont need the reminder about the car anymore", Intent.DELETE_TASK),
    ],
)
def test_lookalikes_are_not_updates(pipeline: NluPipeline, message: str, intent: Intent) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is intent


@pytest.mark.parametrize(
    "message",
    [
        "tag along with me",
        "move the car out of the driveway",
        "my boss says everything is top priority lol",
        "set the alarm on my phone to 6",
        "make the bed every morning",  # a chore, not "make the X task daily"
    ],
)
def test_chatter_and_errands_are_not_updates(pipeline: NluPipeline, message: str) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is not Intent.UPDATE_TASK


# --- through the chat -------------------------------------------------------------------------
DUE = datetime(2031, 1, 10, 17, 0, tzinfo=UTC)  # a Friday, far from the real clock


async def test_priority_statements_change_the_priority_and_never_delete(chat: Chat) -> None:
    await chat.create("pay the electricity bill")
    reply = await chat.say("the electricity bill is urgent")
    assert (await chat.all())["pay the electricity bill"].priority == "high"
    assert reply.reply == 'Updated "pay the electricity bill": priority high (was medium).'
    chat.new_conversation()
    await chat.say("the electricity bill isn't urgent anymore")
    assert (await chat.all())["pay the electricity bill"].priority == "low"


async def test_a_relative_move_shifts_the_due_date_and_its_reminder(chat: Chat) -> None:
    await chat.create("car wash", due_at=DUE, remind_at=DUE - timedelta(hours=1))
    reply = await chat.say("postpone the car wash by two days")
    task = (await chat.all())["car wash"]
    assert task.due_at == DUE + 2 * DAY
    assert task.remind_at == DUE + 2 * DAY - timedelta(hours=1)
    assert reply.reply.startswith('Updated "car wash": due Sun 12 Jan 2031 17:00 (was ')


async def test_a_new_due_day_moves_the_reminder_with_it(chat: Chat) -> None:
    await chat.create("dentist", due_at=DUE, remind_at=DUE - timedelta(hours=2))
    await chat.say("push the dentist to friday")
    task = (await chat.all())["dentist"]
    assert task.due_at is not None and task.remind_at is not None
    assert task.due_at.weekday() == 4 and task.due_at != DUE
    assert task.due_at - task.remind_at == timedelta(hours=2)


async def test_removing_a_field_empties_it_and_keeps_the_task(chat: Chat) -> None:
    await chat.create("learn spanish", due_at=DUE)
    reply = await chat.say("remove the deadline from learn spanish")
    assert (await chat.all())["learn spanish"].due_at is None
    assert reply.reply == 'Updated "learn spanish": no due date.'
    await chat.say("undo")
    assert (await chat.all())["learn spanish"].due_at == DUE

    await chat.create("water the plants", due_at=DUE, remind_at=DUE)
    await chat.say("turn off the reminder for water the plants")
    plants = (await chat.all())["water the plants"]
    assert plants.remind_at is None and plants.due_at == DUE


async def test_no_due_date_on_a_repeating_task_stops_the_repeats_too(chat: Chat) -> None:
    await chat.create("photo album", due_at=DUE, recurrence="FREQ=WEEKLY")
    reply = await chat.say("no due date for the photo album")
    album = (await chat.all())["photo album"]
    assert album.due_at is None and album.recurrence is None
    assert "no longer repeats" in reply.reply


async def test_recurrence_is_set_and_cleared_without_moving_the_date(chat: Chat) -> None:
    await chat.create("gym", due_at=DUE)
    await chat.say("make the gym task weekly")
    gym = (await chat.all())["gym"]
    assert gym.recurrence == "FREQ=WEEKLY" and gym.due_at == DUE
    reply = await chat.say("stop repeating the gym")
    gym = (await chat.all())["gym"]
    assert gym.recurrence is None and gym.due_at == DUE
    assert reply.reply == 'Updated "gym": no longer repeats.'

    await chat.create("floss")  # no date yet: due when it first comes round
    await chat.say("make floss a daily habit")
    floss = (await chat.all())["floss"]
    assert floss.recurrence == "FREQ=DAILY" and floss.due_at is not None


async def test_tags_are_added_and_removed(chat: Chat) -> None:
    await chat.create("fix the sink", tags=["diy"])
    await chat.say("add the #home tag to fix the sink")
    assert (await chat.all())["fix the sink"].tags == ["diy", "home"]
    reply = await chat.say("remove the home tag from fix the sink")
    assert (await chat.all())["fix the sink"].tags == ["diy"]
    assert reply.reply == 'Updated "fix the sink": untagged #home.'


async def test_a_reminder_time_moves_only_the_reminder(chat: Chat) -> None:
    await chat.create("pay rent", due_at=DUE, remind_at=DUE - DAY)
    await chat.say("change the reminder for pay rent to 8am")
    rent = (await chat.all())["pay rent"]
    assert rent.due_at == DUE
    assert rent.remind_at == datetime(2031, 1, 9, 8, 0, tzinfo=UTC)


async def test_a_rename_says_old_and_new_title(chat: Chat) -> None:
    await chat.create("buy bread")
    reply = await chat.say("change buy bread to buy sourdough")
    assert "buy sourdough" in await chat.all()
    assert reply.reply == 'Renamed "buy bread" to "buy sourdough".'


async def test_a_setting_change_changes_no_task(chat: Chat) -> None:
    await chat.create("change the language homework")
    before = await chat.all()
    for message in ("change the language to french", "make it louder", "move my money to savings"):
        chat.new_conversation()
        await chat.say(message)
    assert await chat.all() == before
