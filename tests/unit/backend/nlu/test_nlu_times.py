"""Times, dates, recurrence and priority as people phrase them (issue 12, classes 2 and 5).

Entity level, with the intent given: what the stored task would carry. NOW is Monday
2026-11-23 10:00 in Berlin; a day without a time is due 23:59, a reminder fires 09:00.
"""

from datetime import datetime

import pytest

from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.recurrence import find_recurrence
from todo_backend.nlu.rules import match_rules
from todo_backend.nlu.task_fields import extract_priority
from todo_backend.nlu.text import Message, Utterance

from .conftest import BERLIN, NOW


def _parse(text: str, intent: Intent) -> Entities:
    return extract_entities(Message(text), intent, now=NOW)


def _local(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "title", "remind_at"),
    [
        # compound offsets
        (
            "remind me in an hour and a half to move the laundry",
            "move the laundry",
            "2026-11-23 11:30",
        ),
        (
            "remind me in 1 hour 30 minutes to take the bread out",
            "take the bread out",
            "2026-11-23 11:30",
        ),
        ("remind me in 1.5 hours to call back", "call back", "2026-11-23 11:30"),
        # h:mm without am/pm reads like a bare hour: 1-6 is the afternoon
        (
            "could you please remind me to pick up the kids at 3:15",
            "pick up the kids",
            "2026-11-23 15:15",
        ),
        (
            "i need a reminder to call the garage at 2:30 tomorrow",
            "call the garage",
            "2026-11-24 14:30",
        ),
        ("remind me at 14:00 to stretch", "stretch", "2026-11-23 14:00"),
        # a part of the day and a clock time: the clock, with the part telling am from pm
        (
            "remind me saturday morning at 10 to go to the market",
            "go to the market",
            "2026-11-28 10:00",
        ),
        ("remind me at 6 tomorrow morning to walk the dog", "walk the dog", "2026-11-24 06:00"),
        ("remind me friday evening at 7 to call jo", "call jo", "2026-11-27 19:00"),
        ("remind me around 4ish to pick up the parcel", "pick up the parcel", "2026-11-23 16:00"),
        (
            "remind me first thing tomorrow to call the garage",
            "call the garage",
            "2026-11-24 09:00",
        ),
        ("remind me at lunchtime to call the bank", "call the bank", "2026-11-23 12:00"),
        ("remind me on christmas eve to call grandpa", "call grandpa", "2026-12-24 09:00"),
        # a zone the message names: its wall clock, shown in the user's zone (Berlin)
        ("remind me at 9am EST to call the office", "call the office", "2026-11-23 15:00"),
        (
            "remind me at 5pm london time to join the standup",
            "join the standup",
            "2026-11-23 18:00",
        ),
        ("remind me at 3pm PST to call the supplier", "call the supplier", "2026-11-24 00:00"),
    ],
)
def test_reminder_times(text: str, title: str, remind_at: str) -> None:
    entities = _parse(text, Intent.SET_REMINDER)
    assert entities.title == title
    assert _local(entities.remind_at) == remind_at


@pytest.mark.parametrize(
    ("text", "title", "due_at"),
    [
        ("add family game night every friday night", "family game night", "2026-11-27 20:00"),
        ("add morning run tomorrow", "morning run", "2026-11-24 23:59"),
        ("add call with the tokyo team tomorrow at 8am tokyo time", "call with the tokyo team",
         "2026-11-24 00:00"),
        ("add webinar at 2pm UTC on thursday", "webinar", "2026-11-26 15:00"),
        ("add buy a tree before christmas", "buy a tree", "2026-12-25 23:59"),
        ("add christmas party december 18 at 7pm", "christmas party", "2026-12-18 19:00"),
    ],
)  # fmt: skip
def test_due_times(text: str, title: str, due_at: str) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert entities.title == title
    assert _local(entities.due_at) == due_at


def test_reminder_before_the_due_time_is_in_the_entities() -> None:
    entities = _parse(
        "add doctor appointment tomorrow at 9:15 and remind me 30 minutes before", Intent.ADD_TASK
    )
    assert entities.title == "doctor appointment"
    assert _local(entities.due_at) == "2026-11-24 09:15"
    assert _local(entities.remind_at) == "2026-11-24 08:45"


@pytest.mark.parametrize(
    ("text", "rule", "rest"),
    [
        ("check the mailbox every day except sunday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA",
         "check the mailbox"),
        ("water the lawn every day except weekends", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
         "water the lawn"),
        ("newsletter on the 1st and 15th of every month", "FREQ=MONTHLY;BYMONTHDAY=1,15",
         "newsletter"),
        ("rent at the end of every month", "FREQ=MONTHLY;BYMONTHDAY=-1", "rent"),
        ("birthday on may 5 every year", "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5", "birthday"),
        ("clean the gutters twice a year", "FREQ=MONTHLY;INTERVAL=6", "clean the gutters"),
        ("call mom every single day", "FREQ=DAILY", "call mom"),
        ("water plants every wk", "FREQ=WEEKLY", "water plants"),
        ("mop every couple of days", "FREQ=DAILY;INTERVAL=2", "mop"),
        ("remind me nightly to floss", "FREQ=DAILY", "remind me to floss"),
        ("remind me quarterly to check the detectors", "FREQ=MONTHLY;INTERVAL=3",
         "remind me to check the detectors"),
        ("remind me fortnightly on thursdays to put out the recycling",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "remind me to put out the recycling"),
        ("set a weekly reminder to call dad on sundays", "FREQ=WEEKLY;BYDAY=SU",
         "set a reminder to call dad"),
        ("set up a monthly reminder to check the bank", "FREQ=MONTHLY",
         "set up a reminder to check the bank"),
    ],
)  # fmt: skip
def test_recurrence_phrases(text: str, rule: str, rest: str) -> None:
    utterance = Utterance(text)
    recurrence = find_recurrence(utterance)
    assert recurrence is not None
    assert recurrence.rule == rule
    assert " ".join(utterance.leftover().replace("\x1f", " ").split()) == rest


@pytest.mark.parametrize("text", ["daily standup notes", "weekly review meeting", "buy milk"])
def test_adjectives_still_name_the_task(text: str) -> None:
    assert find_recurrence(Utterance(text)) is None


def test_a_repeating_reminder_without_a_date_is_due_at_its_first_occurrence() -> None:
    entities = _parse("set a daily reminder at 10pm to take my medication", Intent.SET_REMINDER)
    assert entities.title == "take my medication"
    assert entities.recurrence == "FREQ=DAILY"
    assert _local(entities.remind_at) == "2026-11-23 22:00"
    assert entities.due_at == entities.remind_at


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("add learn some spanish, low key", "learn some spanish", "low"),
        ("add call aunt mary when i get a chance", "call aunt mary", "low"),
        ("add tidy the desk when you get a chance", "tidy the desk", "low"),
        ("add defrost the freezer, not a big deal", "defrost the freezer", "low"),
        ("add water the plants, nothing urgent", "water the plants", "low"),
        ("add wash the car, no biggie", "wash the car", "low"),
        ("add prepare the tax documents, it's a big deal", "prepare the tax documents", "high"),
        ("add buy a new charger and make it high priority", "buy a new charger", "high"),
        ("add sign the lease hi priority", "sign the lease", "high"),
        ("add renew the domain, high pri", "renew the domain", "high"),
        ("add call the plumber, this is a priority", "call the plumber", "high"),
        ("add book the emergency vet", "book the emergency vet", None),
    ],
)
def test_priority_phrases(text: str, title: str, priority: str | None) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert entities.title == title
    assert entities.priority == priority


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("set a weekly reminder to call dad on sundays", Intent.SET_REMINDER),
        ("create a daily reminder to stretch", Intent.SET_REMINDER),
        ("URGENT call the school back", Intent.ADD_TASK),
        ("asap!! pay the parking fine", Intent.ADD_TASK),
    ],
)
def test_rules_read_labels_and_repeating_reminders(text: str, intent: Intent) -> None:
    rule = match_rules(Message(text))
    assert rule is not None
    assert rule.intent is intent


@pytest.mark.parametrize("text", ["urgent care near me", "important dates in history?"])
def test_a_label_without_an_errand_is_no_command(text: str) -> None:
    rule = match_rules(Message(text))
    assert rule is None or rule.intent is not Intent.ADD_TASK


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("add organize the attic - low", "organize the attic", "low"),
        ("add sort out the pension, quite important", "sort out the pension", "high"),
        ("add reply to the letter, no urgency", "reply to the letter", "low"),
        ("add buy new running shoes, not urgent at all", "buy new running shoes", "low"),
        ("add cancel netflix whenever you can", "cancel netflix", "low"),
        ("add book the vet, its a must", "book the vet", "high"),
        ("add call the landlord, needs doing asap", "call the landlord", "high"),
    ],
)
def test_more_priority_phrases(text: str, title: str, priority: str) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert (entities.title, entities.priority) == (title, priority)


def test_sharp_and_later_today_belong_to_the_time() -> None:
    sharp = _parse("remind me at 7 pm sharp to call ana", Intent.SET_REMINDER)
    assert (sharp.title, _local(sharp.remind_at)) == ("call ana", "2026-11-23 19:00")
    later = _parse("remind me later today at 4 to buy milk", Intent.SET_REMINDER)
    assert (later.title, _local(later.remind_at)) == ("buy milk", "2026-11-23 16:00")


@pytest.mark.parametrize(
    ("text", "rule"),
    [("pay the cleaner every fortnight", "FREQ=WEEKLY;INTERVAL=2"),
     ("check on grandma every few days", "FREQ=DAILY;INTERVAL=3")],
)  # fmt: skip
def test_fortnight_and_few(text: str, rule: str) -> None:
    recurrence = find_recurrence(Utterance(text))
    assert recurrence is not None and recurrence.rule == rule


@pytest.mark.parametrize(
    ("text", "intent", "title", "when"),
    [
        ("remember me to buy bread at 5 o'clock", Intent.SET_REMINDER, "buy bread",
         "2026-11-23 17:00"),
        ("remind me like tomorrow at 9 to send the email", Intent.SET_REMINDER, "send the email",
         "2026-11-24 09:00"),
        ("remind me in a quarter of an hour to check the door", Intent.SET_REMINDER,
         "check the door", "2026-11-23 10:15"),
        ("add call mum sun evening", Intent.ADD_TASK, "call mum", "2026-11-29 18:00"),
        ("add english class on thursday on the evening", Intent.ADD_TASK, "english class",
         "2026-11-26 18:00"),
        ("add read to the kids every night at 8", Intent.ADD_TASK, "read to the kids",
         "2026-11-23 20:00"),
    ],
)  # fmt: skip
def test_spoken_and_non_native_times(text: str, intent: Intent, title: str, when: str) -> None:
    entities = _parse(text, intent)
    moment = entities.remind_at if intent is Intent.SET_REMINDER else entities.due_at
    assert (entities.title, _local(moment)) == (title, when)


def test_every_night_and_every_thirty_minutes() -> None:
    nightly = _parse("remind me evry nite to lock the door", Intent.SET_REMINDER)
    assert (nightly.title, nightly.recurrence) == ("lock the door", "FREQ=DAILY")
    often = _parse("remind me to stretch every 30 minutes", Intent.SET_REMINDER)
    assert (often.title, often.recurrence) == ("stretch", "FREQ=MINUTELY;INTERVAL=30")


def test_not_super_urgent_is_low() -> None:
    entities = _parse("add call the plumber, but it's not super urgent", Intent.ADD_TASK)
    assert (entities.title, entities.priority) == ("call the plumber", "low")


@pytest.mark.parametrize(
    ("text", "intent", "title", "when"),
    [
        ("add send the figures by close of business", Intent.ADD_TASK, "send the figures",
         "2026-11-23 17:00"),
        ("add finish the deck by EOD tomorrow", Intent.ADD_TASK, "finish the deck",
         "2026-11-24 23:59"),
        ("remind me after work to buy groceries", Intent.SET_REMINDER, "buy groceries",
         "2026-11-23 18:00"),
        ("remind me within the hour to call back", Intent.SET_REMINDER, "call back",
         "2026-11-23 11:00"),
        ("remind me tomorrow 9ish to call the vet", Intent.SET_REMINDER, "call the vet",
         "2026-11-24 09:00"),
        ("remind me at 5:30ish to start cooking", Intent.SET_REMINDER, "start cooking",
         "2026-11-23 17:30"),
        ("remind me at 1700 to call the office", Intent.SET_REMINDER, "call the office",
         "2026-11-23 17:00"),
        ("remind me at half six to put the kids to bed", Intent.SET_REMINDER,
         "put the kids to bed", "2026-11-23 18:30"),
        ("add dentist fri 27th at 2pm", Intent.ADD_TASK, "dentist", "2026-11-27 14:00"),
        ("add send the rsvp in two weeks time", Intent.ADD_TASK, "send the rsvp",
         "2026-12-07 23:59"),
        ("remind me weds at 4 to call the school", Intent.SET_REMINDER, "call the school",
         "2026-11-25 16:00"),
        ("remind me this aft to call the garage", Intent.SET_REMINDER, "call the garage",
         "2026-11-23 15:00"),
        ("add return the books by thursday at the latest", Intent.ADD_TASK, "return the books",
         "2026-11-26 23:59"),
        ("remind me on new year's eve to call the family", Intent.SET_REMINDER,
         "call the family", "2026-12-31 09:00"),
    ],
)  # fmt: skip
def test_office_and_colloquial_times(text: str, intent: Intent, title: str, when: str) -> None:
    entities = _parse(text, intent)
    moment = entities.remind_at if intent is Intent.SET_REMINDER else entities.due_at
    assert (entities.title, _local(moment)) == (title, when)


@pytest.mark.parametrize("text", ["add read half a book", "add buy 2000 stickers"])
def test_numbers_that_are_not_times(text: str) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert entities.due_at is None


@pytest.mark.parametrize(
    "text", ["my meeting at 3pm went really well", "every monday feels so long lol"]
)
def test_telling_about_a_day_is_no_dated_task(text: str) -> None:
    rule = match_rules(Message(text))
    assert rule is None or rule.name != "dated_statement"


@pytest.mark.parametrize(
    ("text", "title", "rule"),
    [
        ("monthly - pay the rent", "pay the rent", "FREQ=MONTHLY"),
        ("recurring task: clean the filter every month", "clean the filter", "FREQ=MONTHLY"),
        ("new recurring task every friday: team lunch", "team lunch", "FREQ=WEEKLY;BYDAY=FR"),
        ("repeat every monday: call mom", "call mom", "FREQ=WEEKLY;BYDAY=MO"),
        ("water the plants on a weekly basis", "water the plants", "FREQ=WEEKLY"),
        ("add a task that repeats every week to clean the bathroom", "clean the bathroom",
         "FREQ=WEEKLY"),
    ],
)  # fmt: skip
def test_schedule_words_leave_the_title(text: str, title: str, rule: str) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert (entities.title, entities.recurrence) == (title, rule)


@pytest.mark.parametrize(
    "text", ["clear the priority", "remove the priority", "what is the priority"]
)
def test_the_word_priority_alone_says_no_level(text: str) -> None:
    assert extract_priority(Utterance(Message(text).text)) is None


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("new task: call mom, importance high", "call mom", "high"),
        ("add fix the leak right now", "fix the leak", "high"),
        ("add sort the mail, importance: low", "sort the mail", "low"),
    ],
)
def test_importance_and_right_now(text: str, title: str, priority: str) -> None:
    entities = _parse(text, Intent.ADD_TASK)
    assert (entities.title, entities.priority) == (title, priority)


def test_this_is_urgent_label_is_a_new_task() -> None:
    rule = match_rules(Message("this is urgent: renew my passport"))
    assert rule is not None and rule.intent is Intent.ADD_TASK
