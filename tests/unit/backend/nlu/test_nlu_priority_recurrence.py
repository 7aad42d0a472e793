"""Priority and recurrence phrasing from a second, fresh batch (issue 12, round 2, H9).

Entity level with the intent given: what the stored task would carry. NOW is Monday
2026-11-23 10:00 in Berlin.
"""

import pytest

from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Entities, Intent
from todo_backend.nlu.recurrence import is_valid_rule
from todo_backend.nlu.rules import match_rules

from .conftest import BERLIN, NOW

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def _add(text: str) -> Entities:
    return extract_entities(text, Intent.ADD_TASK, now=NOW)


@pytest.mark.parametrize(
    ("text", "title", "recurrence"),
    [
        # sms and typos
        ("add mop the kitchen wkly", "mop the kitchen", "FREQ=WEEKLY"),
        ("add take the dog out everyday", "take the dog out", "FREQ=DAILY"),
        ("add check tire pressure every mnth", "check tire pressure", "FREQ=MONTHLY"),
        ("pls add gym evry mon n wed", "gym", "FREQ=WEEKLY;BYDAY=MO,WE"),
        # a range of days after "every"
        ("add call the bank every monday through friday", "call the bank", WEEKDAYS),
        ("add pilates every tue-thu", "pilates", "FREQ=WEEKLY;BYDAY=TU,WE,TH"),
        # "twice a week on …" names the days
        (
            "add take meds twice a week on monday and thursday",
            "take meds",
            "FREQ=WEEKLY;BYDAY=MO,TH",
        ),
        # the adverb before "task" is the schedule
        ("add a monthly task to pay the phone bill", "pay the phone bill", "FREQ=MONTHLY"),
        ("add a daily task to check the mailbox", "check the mailbox", "FREQ=DAILY"),
        # "from now on" belongs to the schedule
        ("add mow the lawn every saturday from now on", "mow the lawn", "FREQ=WEEKLY;BYDAY=SA"),
        (
            "todo change the toothbrush every 3 months",
            "change the toothbrush",
            "FREQ=MONTHLY;INTERVAL=3",
        ),
    ],
)
def test_recurrence_phrasing(text: str, title: str, recurrence: str) -> None:
    entities = _add(text)
    assert (entities.title, entities.recurrence) == (title, recurrence)
    assert is_valid_rule(recurrence)
    assert entities.due_at is not None  # the task service needs a first occurrence


def test_a_day_range_is_due_on_its_first_day() -> None:
    entities = _add("add standup every tuesday to thursday at 9am")
    assert entities.recurrence == "FREQ=WEEKLY;BYDAY=TU,WE,TH"
    assert entities.due_at is not None
    assert entities.due_at.astimezone(BERLIN).strftime("%a %H:%M") == "Tue 09:00"


def test_a_weekly_adverb_before_a_noun_still_names_the_task() -> None:
    assert _add("add weekly review with the team").title == "weekly review with the team"
    assert _add("add weekly review with the team").recurrence is None


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("add call the vet, this one's urgent", "call the vet", "high"),
        ("add get the brakes checked, super low priority", "get the brakes checked", "low"),
        ("add frame the photos, very low priority", "frame the photos", "low"),
        ("add reorganize the garage no rush at all", "reorganize the garage", "low"),
        ("add pay the tax bill, number one priority", "pay the tax bill", "high"),
        ("add renew the lease, #1 priority", "renew the lease", "high"),
        ("add look into solar panels, not a big priority", "look into solar panels", "low"),
        ("add call my sister, its important to me", "call my sister", "high"),
        ("add cancel the gym membership, top of the list", "cancel the gym membership", "high"),
        (
            "put buy a birthday gift for dad at the top of my list",
            "buy a birthday gift for dad",
            "high",
        ),
        ("add sort the attic, bottom of the list", "sort the attic", "low"),
    ],
)
def test_priority_phrasing(text: str, title: str, priority: str) -> None:
    entities = _add(text)
    assert (entities.title, entities.priority) == (title, priority)
    assert entities.list_tag is None  # the to-do list itself is no tag


def test_the_top_of_the_list_is_no_priority_when_listing() -> None:
    entities = extract_entities("what's at the top of my list", Intent.LIST_TASKS, now=NOW)
    assert entities.priority is None


@pytest.mark.parametrize(
    ("text", "title", "recurrence"),
    [
        ("add buy bread every days", "buy bread", "FREQ=DAILY"),
        ("add pay school fee every month on 5", "pay school fee", "FREQ=MONTHLY;BYMONTHDAY=5"),
        (
            "add pay the council tax on the 1st monthly",
            "pay the council tax",
            "FREQ=MONTHLY;BYMONTHDAY=1",
        ),
        (
            "add piano practice daily except sundays",
            "piano practice",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA",
        ),
        # three days or more named together are a week's schedule, with or without "every"
        ("add go running mon wed fri", "go running", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("add swim tue, thu and sat", "swim", "FREQ=WEEKLY;BYDAY=TU,TH,SA"),
    ],
)
def test_more_recurrence_phrasing(text: str, title: str, recurrence: str) -> None:
    entities = _add(text)
    assert (entities.title, entities.recurrence) == (title, recurrence)


def test_two_days_without_every_stay_dates() -> None:
    # "on monday or wednesday" is one day, not a schedule
    assert _add("add call the garage on monday or wednesday").recurrence is None


def test_a_spoken_clock_time_with_a_space() -> None:
    entities = extract_entities(
        "set a reminder every day at 7 30 am to take my pills", Intent.SET_REMINDER, now=NOW
    )
    assert entities.title == "take my pills"
    assert entities.recurrence == "FREQ=DAILY"
    assert entities.remind_at is not None
    assert entities.remind_at.astimezone(BERLIN).strftime("%H:%M") == "07:30"


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("add repot the plants, not important at all", "repot the plants", "low"),
        ("add change the lightbulb, urgent urgent urgent", "change the lightbulb", "high"),
    ],
)
def test_more_priority_phrasing(text: str, title: str, priority: str) -> None:
    entities = _add(text)
    assert (entities.title, entities.priority) == (title, priority)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # non-native and spoken leads
        ("i want add the task walk dog each morning", "walk dog"),
        ("please to add task of cleaning kitchen every day", "cleaning kitchen"),
        ("you can add buy bread every days", "buy bread"),
        ("add for me task pay school fee every month on 5", "pay school fee"),
    ],
)
def test_leads_people_write_leave_the_title(text: str, title: str) -> None:
    assert _add(text).title == title


@pytest.mark.parametrize(
    "text",
    [
        "pay rent monthly",
        "renew passport asap",
        "fix the bike urgent",
        "HIGH PRIORITY PAY THE RENT",
        "water the ferns every sunday",
        "clean the grill, not urgent",
    ],
)
def test_an_errand_with_a_priority_or_schedule_is_a_new_task(text: str) -> None:
    rule = match_rules(text)
    assert rule is not None and rule.name == "errand_with_priority_or_schedule"
    assert rule.intent is Intent.ADD_TASK


@pytest.mark.parametrize(
    "text",
    [
        "call me asap",
        "is it urgent to pay rent monthly?",
        "pay the parking fine needs to be high priority",
        "fix the bike",
        "pay rent",
    ],
)
def test_no_errand_rule_without_a_priority_a_schedule_or_for_someone_else(text: str) -> None:
    rule = match_rules(text)
    assert rule is None or rule.name != "errand_with_priority_or_schedule"
