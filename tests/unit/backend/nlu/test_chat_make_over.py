"""'make yoga every other week': "make" and the name of a task the user has, said with how often
or how much it matters, changes that task; "make a packed lunch every day" is a new task."""

from datetime import timedelta

from tests.unit.backend.nlu.conftest import NOW
from tests.unit.backend.nlu.test_chat_service import Chat


async def test_make_a_task_every_other_week_keeps_its_day(chat: Chat) -> None:
    await chat.create("yoga", due_at=NOW + timedelta(days=1), recurrence="FREQ=WEEKLY;BYDAY=TU")
    reply = await chat.say("make yoga every other week", timezone="Europe/Berlin")
    tasks = await chat.all()
    assert list(tasks) == ["yoga"]
    assert reply.intent == "update_task"
    assert tasks["yoga"].recurrence is not None
    assert "INTERVAL=2" in tasks["yoga"].recurrence
    assert "BYDAY=TU" in tasks["yoga"].recurrence


async def test_make_a_named_task_monthly_changes_it(chat: Chat) -> None:
    await chat.create("the gas bill")
    await chat.say("make the gas bill monthly", timezone="Europe/Berlin")
    tasks = await chat.all()
    assert list(tasks) == ["the gas bill"]
    assert tasks["the gas bill"].recurrence == "FREQ=MONTHLY"


async def test_make_something_new_every_day_is_a_new_task(chat: Chat) -> None:
    await chat.create("yoga")
    await chat.say("make a packed lunch every school day", timezone="Europe/Berlin")
    tasks = await chat.all()
    assert set(tasks) == {"yoga", "make a packed lunch"}
    assert tasks["yoga"].recurrence is None
    assert tasks["make a packed lunch"].recurrence == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
