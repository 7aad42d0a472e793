from datetime import datetime, time

import pytest

from todo_backend.nlu.recurrence import find_recurrence, is_valid_rule
from todo_backend.nlu.text import Utterance

from .conftest import BERLIN, NOW


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("water the plants every monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("pay rent on the 1st of every month", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("pay rent every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("review budget monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("rent on the last day of every month", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("mow the lawn every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("standup weekdays at 9", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("standup every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("clean on weekends", "FREQ=WEEKLY;BYDAY=SA,SU"),
        ("take vitamins daily", "FREQ=DAILY"),
        ("gym every day at 8am", "FREQ=DAILY"),
        ("water the cactus every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("call grandma every other sunday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"),
        ("yoga every mon, wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("bins on tuesdays and fridays", "FREQ=WEEKLY;BYDAY=TU,FR"),
        ("renew the domain every year", "FREQ=YEARLY"),
        ("birthday every year on march 3", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3"),
        ("retro every 2 weeks on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("stretch every hour", "FREQ=HOURLY"),
    ],
)
def test_recurrence_phrases_become_valid_rrules(text: str, rule: str) -> None:
    recurrence = find_recurrence(Utterance(text))
    assert recurrence is not None
    assert recurrence.rule == rule
    assert is_valid_rule(recurrence.rule)


@pytest.mark.parametrize("text", ["weekly review meeting", "daily standup notes", "buy milk"])
def test_adjectives_and_plain_titles_are_not_recurrences(text: str) -> None:
    assert find_recurrence(Utterance(text)) is None


def test_first_occurrence_is_next_matching_instant() -> None:
    recurrence = find_recurrence(Utterance("every monday"))
    assert recurrence is not None
    # Monday 10:00 now; 08:00 today has passed, so next Monday.
    first = recurrence.first_occurrence(now=NOW, at=time(8, 0))
    assert first == datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)


def test_monthly_first_occurrence_skips_to_next_month() -> None:
    recurrence = find_recurrence(Utterance("on the 1st of every month"))
    assert recurrence is not None
    first = recurrence.first_occurrence(now=NOW, at=time(23, 59))
    assert first == datetime(2026, 12, 1, 23, 59, tzinfo=BERLIN)


def test_part_of_day_recurrence_implies_a_time() -> None:
    recurrence = find_recurrence(Utterance("check email every morning"))
    assert recurrence is not None
    assert recurrence.rule == "FREQ=DAILY"
    assert recurrence.implied_time == time(9, 0)


def test_invalid_rule_is_rejected() -> None:
    assert not is_valid_rule("FREQ=SOMETIMES")
