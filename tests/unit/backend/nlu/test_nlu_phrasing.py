"""People's phrasing of priority, recurrence and tags, and what is not a list/help request."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from todo_backend.nlu.intents import ACTION_INTENTS, Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.rules import match_rules
from todo_reminders.recurrence import next_due


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("critical: fix the server backup", "fix the server backup", "high"),
        ("high prio: book the venue", "book the venue", "high"),
        ("add book the mot, its pretty urgent", "book the mot", "high"),
        ("add file taxes (important!)", "file taxes", "high"),
        ("add clean out the shed at some point, no hurry", "clean out the shed", "low"),
    ],
)
def test_priority_words_anywhere_leave_a_clean_title(
    pipeline: NluPipeline, text: str, title: str, priority: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert (result.entities.title, result.entities.priority) == (title, priority)


def test_bump_a_task_up_raises_its_priority(pipeline: NluPipeline) -> None:
    result = pipeline.parse("bump the budget review up", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
    assert (result.entities.reference, result.entities.priority) == ("budget review", "high")


@pytest.mark.parametrize(
    ("text", "title", "rule"),
    [
        ("add book club every first monday", "book club", "FREQ=MONTHLY;BYDAY=1MO"),
        ("add team retro every second friday", "team retro", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("add pay the card on the 25th every month", "pay the card", "FREQ=MONTHLY;BYMONTHDAY=25"),
        ("add physio every day for 2 weeks", "physio", "FREQ=DAILY;COUNT=14"),
        ("add gym every mon and wed for 3 weeks", "gym", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6"),
        ("add call mom every sunday 5 times", "call mom", "FREQ=WEEKLY;BYDAY=SU;COUNT=5"),
        ("add review the budget quarterly", "review the budget", "FREQ=MONTHLY;INTERVAL=3"),
        ("add read for 10 minutes every day", "read for 10 minutes", "FREQ=DAILY"),
    ],
)
def test_recurrence_phrases(pipeline: NluPipeline, text: str, title: str, rule: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.entities.title, result.entities.recurrence) == (title, rule)
    # the reminders service's own parser reads the rule (COUNT included)
    assert result.entities.due_at is not None
    assert next_due(rule, result.entities.due_at) is not None


@pytest.mark.parametrize(
    ("text", "title", "tags"),
    [
        ("add pay bills under finance", "pay bills", ("finance",)),
        ("add milk to groceries", "milk", ("groceries",)),
        ("add fix the bike, label it hobby", "fix the bike", ("hobby",)),
        ("add hide the key under the mat", "hide the key under the mat", ()),
    ],
)
def test_tags_said_in_words(
    pipeline: NluPipeline, text: str, title: str, tags: tuple[str, ...]
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.entities.title, result.entities.tags) == (title, tags)


@pytest.mark.parametrize(
    "text",
    [
        "list the planets in order",
        "show me the weather for the weekend",
        "give me a list of healthy snacks",
        "how does the dishwasher work",
        "instructions for setting up a tent",
        "i don't know how to cook rice",
    ],
)
def test_lists_and_how_tos_about_the_world_are_not_list_or_help_rules(text: str) -> None:
    rule = match_rules(text)
    assert rule is None or rule.intent not in (Intent.LIST_TASKS, Intent.HELP)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("show me my shopping list", Intent.LIST_TASKS),
        ("list everything", Intent.LIST_TASKS),
        ("show completed", Intent.LIST_TASKS),
        ("how does tagging work", Intent.HELP),
        ("i'm confused", Intent.HELP),
    ],
)
def test_task_lists_and_help_still_are(text: str, intent: Intent) -> None:
    rule = match_rules(text)
    assert rule is not None and rule.intent is intent


@pytest.mark.parametrize(
    "text",
    [
        "add this item to my amazon cart",
        "add me to the mailing list",
        "remind the team about the meeting",
        "delete the photos from my phone",
        "clear my notifications",
        "important: do you know any good jokes",
    ],
)
def test_requests_the_product_cannot_do_change_nothing(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent not in ACTION_INTENTS


@pytest.mark.parametrize(
    ("text", "title"),
    [("hiya, add get petrol", "get petrol"), ("cn u add pick up parcel", "pick up parcel")],
)
def test_greetings_and_sms_before_the_command(pipeline: NluPipeline, text: str, title: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.intent, result.entities.title) == (Intent.ADD_TASK, title)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i need some help with my essay", Intent.OUT_OF_SCOPE),
        ("what are the keyboard shortcuts for copy and paste", Intent.OUT_OF_SCOPE),
        ("how do i set a reminder", Intent.HELP),
        ("give me some examples", Intent.HELP),
    ],
)
def test_help_answers_questions_about_the_chat_only(
    pipeline: NluPipeline, text: str, intent: Intent
) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is intent
