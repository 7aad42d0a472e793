"""Session 7 references and compound messages: two requests in one message (one undo puts
both back), a day said with the name ("cancel friday's meeting"), names said with a possessive,
a dropped g or chat around them, "X can go", lists of names the NLU cut short."""

from datetime import UTC, datetime, timedelta

from tests.unit.backend.nlu.test_chat_service import USER, Chat
from todo_backend.chat.compound import split_compound
from todo_backend.chat.references import content_words, day_in, removal_in
from todo_backend.tasks.schemas import StatusFilter, TaskPublic, TaskQuery

CALLS = ["call mum", "call the bank", "call the plumber", "water the plants"]


async def _all(chat: Chat) -> list[TaskPublic]:
    """Every task, also those sharing a title (`chat.all()` keeps one per title)."""
    query = TaskQuery(status=StatusFilter.ALL, limit=200, sort="created_at")
    return (await chat.tasks.list(user_id=USER, query=query))[0]


async def _create(chat: Chat, titles: list[str]) -> None:
    for title in titles:
        await chat.create(title)


def test_a_second_command_verb_splits_a_message_but_one_request_stays_whole() -> None:
    both = split_compound("mark buy milk done and add buy eggs")
    assert both is not None and (both.first, both.second) == ("mark buy milk done", "add buy eggs")
    also = split_compound("done with the bank call, also remind me to call the plumber at 5")
    assert also is not None and also.second == "remind me to call the plumber at 5"
    too = split_compound("got the milk. add buy cereal too")
    assert too is not None and (too.first, too.second) == ("got the milk", "add buy cereal")
    polite = split_compound("could you delete buy milk and add buy oat milk?")
    assert polite is not None and polite.second == "add buy oat milk"
    for one in (
        "I've booked the flights, mark it done",  # the first clause names "it"
        "don't need to buy stamps anymore, delete it",
        "delete buy bread and buy dog food",  # one verb, two names
        "remind me to scrub and remove the mould",  # a title
        "buy salt and pepper",
    ):
        assert split_compound(one) is None, one


async def test_complete_and_add_in_one_message_and_one_undo_puts_both_back(chat: Chat) -> None:
    await _create(chat, ["buy milk", "buy bread"])
    reply = await chat.say("mark buy milk done and add buy eggs")
    tasks = await chat.all()
    assert tasks["buy milk"].completed and not tasks["buy eggs"].completed
    assert not tasks["buy bread"].completed
    assert reply.can_undo and "buy eggs" in reply.reply
    undone = await chat.say("undo")
    tasks = await chat.all()
    assert "buy eggs" not in tasks and not tasks["buy milk"].completed
    assert '"buy eggs"' in undone.reply and '"buy milk"' in undone.reply


async def test_a_report_then_a_reminder_in_one_message(chat: Chat) -> None:
    await _create(chat, CALLS)
    await chat.say("done with the bank call, also remind me to call the landlord at 5pm")
    tasks = await chat.all()
    assert tasks["call the bank"].completed
    assert tasks["call the landlord"].remind_at is not None
    assert not tasks["call mum"].completed and not tasks["call the plumber"].completed


async def test_a_polite_compound_question_does_both(chat: Chat) -> None:
    await _create(chat, ["pay the gas bill", "pay the water bill"])
    await chat.say(
        "I paid the gas bill, could you mark it done and remind me to call the landlord "
        "tomorrow at 10?"
    )
    tasks = await chat.all()
    assert tasks["pay the gas bill"].completed and not tasks["pay the water bill"].completed
    assert tasks["call the landlord"].remind_at is not None


async def test_a_compound_whose_first_part_changes_nothing_is_taken_whole(chat: Chat) -> None:
    await _create(chat, ["buy milk"])
    await chat.say("mark buy stamps done and add buy eggs")  # no "buy stamps": no half-done
    assert set(await chat.all()) == {"buy milk"}


def _day_name(day: datetime) -> str:
    return day.strftime("%A").casefold()


async def test_a_day_said_with_the_name_picks_the_task_on_that_day(chat: Chat) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)
    await chat.create("team meeting", due_at=today)
    await chat.create("team meeting", due_at=tomorrow)
    await chat.create("buy coffee")
    await chat.say(f"cancel {_day_name(tomorrow)}'s meeting")
    left = [t for t in await _all(chat) if t.title == "team meeting"]
    assert [t.due_at for t in left] == [today]


async def test_which_one_answered_with_a_day(chat: Chat) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)
    await chat.create("dentist", due_at=today)
    await chat.create("dentist", due_at=tomorrow)
    asked = await chat.say("delete the dentist")
    assert "?" in asked.reply and len(await _all(chat)) == 2
    await chat.say(f"the {_day_name(tomorrow)} one")
    assert [t.due_at for t in await _all(chat)] == [today]


async def test_today_s_task_in_a_clause_before_delete_it(chat: Chat) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    await chat.create("gym", due_at=today)
    await chat.create("gym", due_at=today + timedelta(days=1))
    await chat.say("skipped today's gym, just delete it")
    assert [t.due_at for t in await _all(chat)] == [today + timedelta(days=1)]


def test_day_in_reads_weekdays_and_relative_days() -> None:
    monday = datetime(2026, 11, 23).date()
    assert day_in("friday's meeting", monday) == (monday + timedelta(days=4), "meeting")
    assert day_in("the tomorrow one", monday) == (monday + timedelta(days=1), "")
    assert day_in("monday's standup", monday) == (monday, "standup")
    assert day_in("the team meeting", monday) is None


async def test_names_said_with_a_possessive_a_dropped_g_or_a_longer_word(chat: Chat) -> None:
    await _create(chat, ["buy milk", "buy a birthday card for dad", "pick up the kids"])
    await _create(chat, ["pick up dry cleaning", "pay electric bill", "pay water bill"])
    await chat.say("dad's card is bought")
    await chat.say("picked up the dry cleanin")
    await chat.say("paid the electricity, finally")
    tasks = await chat.all()
    assert tasks["buy a birthday card for dad"].completed
    assert tasks["pick up dry cleaning"].completed and tasks["pay electric bill"].completed
    assert not any(tasks[t].completed for t in ("buy milk", "pick up the kids", "pay water bill"))
    assert content_words("dad's card") == content_words("card dad")


async def test_chat_around_a_report_does_not_hide_it(chat: Chat) -> None:
    await _create(chat, ["clean the kitchen", "clean the car", "fold the laundry"])
    asked = await chat.say("cleaned it lol")
    assert "clean the kitchen" in asked.reply and "clean the car" in asked.reply
    assert not any(task.completed for task in (await chat.all()).values())
    await chat.say("the car")
    assert (await chat.all())["clean the car"].completed


async def test_a_task_said_to_go_is_deleted_only_when_named_as_a_task(chat: Chat) -> None:
    await _create(chat, ["call mum", "call the bank", "book hotel for berlin"])
    await chat.say("mum call can go")
    await chat.say("the berlin one can go")
    assert set(await chat.all()) == {"call the bank"}
    assert removal_in("mum can go") is None  # about mum, not a task
    assert removal_in("the 3rd one can go") is None  # a place, only after a list


async def test_a_reference_of_chat_words_only_is_it(chat: Chat) -> None:
    await _create(chat, CALLS)
    await chat.say("add water the garden")
    await chat.say("eh move that to friday")
    assert (await chat.all())["water the garden"].due_at is not None
    await chat.say("show my tasks")
    asked = await chat.say("done w/ it")
    assert "?" in asked.reply
    assert not any(task.completed for task in (await chat.all()).values())


async def test_several_names_the_nlu_cut_short_or_joined_with_plus(chat: Chat) -> None:
    await _create(chat, ["buy milk", "buy bread", "buy dog food"])
    await chat.say("remove buy milk, buy bread")
    assert set(await chat.all()) == {"buy dog food"}
    await _create(chat, ["pay rent", "pay water bill", "pay electric bill"])
    await chat.say("paid rent + water bill")
    tasks = await chat.all()
    assert tasks["pay rent"].completed and tasks["pay water bill"].completed
    assert not tasks["pay electric bill"].completed


async def test_finished_two_names_sharing_the_verb_of_their_tasks(chat: Chat) -> None:
    await _create(chat, ["finish the slides", "finish the report", "send the report"])
    await chat.say("finished the slides and the report")
    tasks = await chat.all()
    assert tasks["finish the slides"].completed and tasks["finish the report"].completed
    assert not tasks["send the report"].completed


async def test_undo_of_a_delete_brings_the_task_back_with_its_fields(chat: Chat) -> None:
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    await chat.create(
        "pay rent", due_at=due, remind_at=due - timedelta(hours=1), priority="high",
        tags=["home"], recurrence="FREQ=MONTHLY",
    )  # fmt: skip
    await chat.say("delete pay rent")
    assert "pay rent" not in await chat.all()
    await chat.say("undo")
    back = (await chat.all())["pay rent"]
    assert (back.due_at, back.remind_at) == (due, due - timedelta(hours=1))
    assert (back.priority, back.tags, back.recurrence) == ("high", ["home"], "FREQ=MONTHLY")


def test_and_then_now_and_mark_done_after_an_add_join_two_requests() -> None:
    then = split_compound("could you mark the slides as sent and then add prepare the demo?")
    assert then is not None and then.second == "add prepare the demo"
    now = split_compound("called grandma! now remind me to call the dentist at 9")
    assert now is not None and now.first == "called grandma"
    marked = split_compound("add call plumber & mark call grandma done")
    assert marked is not None and marked.second == "mark call grandma done"


async def test_a_misspelt_verb_still_reports_its_task(chat: Chat) -> None:
    await _create(chat, ["review marco's draft", "send the slides to marco"])
    await chat.say("reveiwed marco's draft")
    tasks = await chat.all()
    assert tasks["review marco's draft"].completed
    assert not tasks["send the slides to marco"].completed


async def test_a_clause_of_chat_words_before_mark_it_done_is_it(chat: Chat) -> None:
    await _create(chat, ["buy eggs", "buy butter"])
    await chat.say("add renew the car tax")
    await chat.say("done it already actually, mark it done")
    tasks = await chat.all()
    assert tasks["renew the car tax"].completed and not tasks["buy eggs"].completed


async def test_the_day_in_a_report_clause_picks_that_days_task(chat: Chat) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    await chat.create("pick up kids", due_at=today)
    await chat.create("pick up kids", due_at=today + timedelta(days=1))
    await chat.say("picked up the kids today, mark it done")
    done = {t.due_at: t.completed for t in await _all(chat)}
    assert done == {today: True, today + timedelta(days=1): False}


async def test_spoke_to_someone_reports_the_call_to_them(chat: Chat) -> None:
    await _create(chat, ["call grandma", "call the dentist", "buy eggs"])
    await chat.say("spoke to grandma earlier, tick that one off")
    tasks = await chat.all()
    assert tasks["call grandma"].completed and not tasks["call the dentist"].completed
