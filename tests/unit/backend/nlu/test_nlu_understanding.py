"""The failure classes of the chat-understanding issue: lists, reminders, questions, compounds."""

from datetime import datetime

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import ACTION_INTENTS, DESTRUCTIVE_INTENTS, Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.text import correct_typos

TODAY, TOMORROW = "2026-11-23", "2026-11-24"


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if moment else None


@pytest.mark.parametrize(
    ("text", "title", "tag"),
    [
        ("add eggs to my shopping list", "eggs", "shopping"),
        ("put paper towels on the grocery list", "paper towels", "grocery"),
        ("I need hot dogs added to my shopping list", "hot dogs", "shopping"),
        ("on my to do list, add mop the bathroom", "mop the bathroom", None),
        ("shopping list: add cat food", "cat food", "shopping"),
    ],
)
def test_list_phrases_give_the_item_as_title_and_the_list_as_tag(
    pipeline: NluPipeline, text: str, title: str, tag: str | None
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert result.entities.title == title
    assert result.entities.list_tag == tag
    assert result.entities.tags == ((tag,) if tag else ())


def test_whats_on_a_named_list_lists_its_tag(pipeline: NluPipeline) -> None:
    result = pipeline.parse("what's on my shopping list", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.LIST_TASKS
    assert result.entities.tags == ("shopping",)


@pytest.mark.parametrize(
    ("text", "title", "remind_at"),
    [
        ("set a reminder for me to call my brother at 8 pm", "call my brother", f"{TODAY}T20:00"),
        ("remind me to meet steve at one pm tomorrow", "meet steve", f"{TOMORROW}T13:00"),
        ("PLZ REMIND TO SLEEP AT 9 P.M.", "SLEEP", f"{TODAY}T21:00"),
        ("set up a reminder to mail a check tommorow", "mail a check", f"{TOMORROW}T09:00"),
        ("remnd me to water the roses at noon", "water the roses", f"{TODAY}T12:00"),
        ("remind me tonight to charge the phone", "charge the phone", f"{TODAY}T20:00"),
        ("remind me to take my pills at 8 in the evening", "take my pills", f"{TODAY}T20:00"),
    ],
)
def test_reminder_phrasing_and_clock_times(
    pipeline: NluPipeline, text: str, title: str, remind_at: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.SET_REMINDER
    assert result.entities.title == title
    assert _local(result.entities.remind_at) == remind_at


@pytest.mark.parametrize(
    "text",
    [
        "when did I last take my car to the shop",
        "what's the way to cancel a flight",
        "what day of the month do I pay my mortgage",
        "how do i cancel my hotel reservation",
        "did i finish my homework",
        "is the bank open on saturday",
        "have i called the bank yet?",
    ],
)
def test_questions_are_never_actions(pipeline: NluPipeline, text: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent not in ACTION_INTENTS, result


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can you add pick up the parcel", Intent.ADD_TASK),
        ("could you remind me to call the vet at 5pm", Intent.SET_REMINDER),
        ("would you mind deleting the gym task", Intent.DELETE_TASK),
    ],
)
def test_polite_commands_are_commands(pipeline: NluPipeline, text: str, intent: Intent) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is intent


@pytest.mark.parametrize(
    ("text", "intent", "hint"),
    [
        ("I've booked the flights, mark it done", Intent.COMPLETE_TASK, "booked the flights"),
        ("I don't need to buy stamps anymore, delete it", Intent.DELETE_TASK, "buy stamps"),
        ("the picnic is cancelled, remove it", Intent.DELETE_TASK, "picnic"),
    ],
)
def test_a_clause_beside_it_says_which_task(
    pipeline: NluPipeline, text: str, intent: Intent, hint: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is intent
    assert result.entities.reference_hint == hint
    assert result.entities.refers_to_context


@pytest.mark.parametrize(
    ("text", "intent", "fields"),
    [
        ("lower the priority of wash the car", Intent.UPDATE_TASK,
         {"reference": "wash the car", "priority": "low"}),
        ("show me everything I haven't done yet", Intent.LIST_TASKS, {"status_filter": "pending"}),
        ("change it to 7pm", Intent.UPDATE_TASK, {"refers_to_context": True, "time_only": True}),
        ("todo: fix the leaking tap", Intent.ADD_TASK, {"title": "fix the leaking tap"}),
        ("low priority: organize photos", Intent.ADD_TASK,
         {"title": "organize photos", "priority": "low"}),
        ("high priority task to renew visa", Intent.ADD_TASK,
         {"title": "renew visa", "priority": "high"}),
        ("submit taxes before 2027-04-15", Intent.ADD_TASK, {"title": "submit taxes"}),
        ("clean the fridge every first saturday of the month", Intent.ADD_TASK,
         {"title": "clean the fridge", "recurrence": "FREQ=MONTHLY;BYDAY=1SA"}),
        ("delete all completed tasks", Intent.DELETE_TASK, {"status_filter": "completed"}),
        ("undo", Intent.UNDO, {}),
        ("oops, undo that", Intent.UNDO, {}),
    ],
)  # fmt: skip
def test_compound_negated_and_relative_messages(
    pipeline: NluPipeline, text: str, intent: Intent, fields: dict[str, object]
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is intent, result
    for name, value in fields.items():
        assert getattr(result.entities, name) == value, (name, result.entities)


def test_due_date_before_an_iso_date(pipeline: NluPipeline) -> None:
    result = pipeline.parse("submit taxes before 2027-04-15", now=NOW, timezone=BERLIN)
    assert _local(result.entities.due_at) == "2027-04-15T23:59"


def test_a_repeating_reminder_is_due_when_it_first_fires(pipeline: NluPipeline) -> None:
    text = "set a reminder for church services on Sundays for 11am"
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.entities.recurrence == "FREQ=WEEKLY;BYDAY=SU"
    assert _local(result.entities.remind_at) == "2026-11-29T11:00"
    assert result.entities.due_at == result.entities.remind_at


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("remnd me tommorow", "remind me tomorrow"),
        ("delet the gym task", "delete the gym task"),
        ("ad buy stamps", "add buy stamps"),
        ("call mom on wensday", "call mom on wednesday"),
        ("fix the remote", "fix the remote"),
        ("buy a sundae", "buy a sundae"),
        ("every sundays", "every sundays"),
    ],
)
def test_misspelt_command_and_date_words_are_corrected(typed: str, meant: str) -> None:
    assert correct_typos(typed) == meant


def test_destructive_intents_are_actions() -> None:
    assert DESTRUCTIVE_INTENTS < ACTION_INTENTS
    assert Intent.ADD_TASK not in DESTRUCTIVE_INTENTS


@pytest.mark.parametrize(
    ("text", "remind_at"),
    [
        ("remind me to call back at quarter past five", f"{TODAY}T17:15"),
        ("remind me to leave at half past 8 tonight", f"{TODAY}T20:30"),
        ("remind me tonight at 9 to lock up", f"{TODAY}T21:00"),
        ("pls rmd me 2 call mum @ 5pm", f"{TODAY}T17:00"),
        ("remind me at 6.30pm to cook dinner", f"{TODAY}T18:30"),
    ],
)
def test_more_clock_phrases(pipeline: NluPipeline, text: str, remind_at: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.SET_REMINDER
    assert _local(result.entities.remind_at) == remind_at
    assert result.entities.title is not None and "@" not in result.entities.title


@pytest.mark.parametrize(
    ("text", "intent", "status"),
    [
        ("clear my completed tasks", Intent.DELETE_TASK, "completed"),
        ("mark all as done", Intent.COMPLETE_TASK, "all"),
        ("delete everything", Intent.DELETE_TASK, "all"),
    ],
)
def test_bulk_requests_carry_a_status_filter(
    pipeline: NluPipeline, text: str, intent: Intent, status: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.intent, result.entities.status_filter) == (intent, status)


def test_a_one_word_group_before_tasks_is_a_tag(pipeline: NluPipeline) -> None:
    assert pipeline.parse("list my work tasks", now=NOW, timezone=BERLIN).entities.tags == ("work",)
    assert pipeline.parse("list my pending tasks", now=NOW, timezone=BERLIN).entities.tags == ()
