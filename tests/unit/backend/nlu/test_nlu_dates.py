from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from todo_backend.nlu.dates import (
    DUE_DEFAULT_TIME,
    REMINDER_DEFAULT_TIME,
    When,
    combine,
    find_temporal,
)
from todo_backend.nlu.text import Utterance

from .conftest import BERLIN, NOW


def _when(text: str, now: datetime = NOW) -> tuple[When | None, str]:
    utterance = Utterance(text)
    when = combine(find_temporal(utterance, now=now))
    return when, " ".join(utterance.leftover().replace("\x1f", " ").split())


def _resolve(text: str, now: datetime = NOW, default: time = DUE_DEFAULT_TIME) -> str:
    when, _ = _when(text, now)
    assert when is not None, text
    return when.resolve(now=now, default_time=default).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("friday", "2026-11-27 23:59"),
        ("by friday", "2026-11-27 23:59"),
        ("this friday", "2026-11-27 23:59"),
        ("next friday", "2026-11-27 23:59"),
        ("monday", "2026-11-30 23:59"),
        ("next monday", "2026-11-30 23:59"),
        ("on sat", "2026-11-28 23:59"),
        ("tomorrow", "2026-11-24 23:59"),
        ("tomorrow at 5pm", "2026-11-24 17:00"),
        ("at 5pm tomorrow", "2026-11-24 17:00"),
        ("the day after tomorrow", "2026-11-25 23:59"),
        ("tonight", "2026-11-23 20:00"),
        ("tomorrow morning", "2026-11-24 09:00"),
        ("in 3 days", "2026-11-26 23:59"),
        ("in two weeks", "2026-12-07 23:59"),
        ("in 2 hours", "2026-11-23 12:00"),
        ("in half an hour", "2026-11-23 10:30"),
        ("dec 5", "2026-12-05 23:59"),
        ("5th of december at 3:30pm", "2026-12-05 15:30"),
        ("12/24", "2026-12-24 23:59"),
        ("2027-01-15", "2027-01-15 23:59"),
        ("on the 28th", "2026-11-28 23:59"),
        ("on the 15th", "2026-12-15 23:59"),
        ("next week", "2026-11-30 23:59"),
        ("this week", "2026-11-29 23:59"),
        ("by the end of the month", "2026-11-30 23:59"),
        ("next month", "2026-12-01 23:59"),
        ("this weekend", "2026-11-28 23:59"),
        ("next weekend", "2026-12-05 23:59"),
        ("at noon", "2026-11-23 12:00"),
        ("at 17:30", "2026-11-23 17:30"),
    ],
)
def test_due_phrases_resolve_in_the_request_timezone(phrase: str, expected: str) -> None:
    assert _resolve(phrase) == expected


def test_weekday_said_on_that_weekday_means_next_week() -> None:
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=BERLIN)
    assert _resolve("friday", friday) == "2026-12-04 23:59"


def test_time_already_past_today_means_tomorrow() -> None:
    assert _resolve("at 8am") == "2026-11-24 08:00"
    assert _resolve("at 11am") == "2026-11-23 11:00"


def test_bare_hours_read_as_daytime() -> None:
    assert _resolve("tomorrow at 5") == "2026-11-24 17:00"
    assert _resolve("tomorrow at 9") == "2026-11-24 09:00"


def test_reminder_without_time_uses_nine_in_the_morning() -> None:
    assert _resolve("tomorrow", default=REMINDER_DEFAULT_TIME) == "2026-11-24 09:00"


def test_relative_dates_follow_the_users_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 11, 23, 23, 30, tzinfo=tokyo)
    when, _ = _when("tomorrow at 9am", now)
    assert when is not None
    resolved = when.resolve(now=now, default_time=DUE_DEFAULT_TIME)
    assert resolved == datetime(2026, 11, 24, 9, 0, tzinfo=tokyo)
    assert resolved.utcoffset() is not None


def test_month_day_already_past_is_next_year() -> None:
    assert _resolve("nov 2") == "2027-11-02 23:59"


def test_date_phrases_are_consumed_with_their_prepositions() -> None:
    _, leftover = _when("submit the report by friday at 3pm")
    assert leftover == "submit the report"


@pytest.mark.parametrize(
    "text", ["may I add something", "buy 2 apples", "sat on the couch", "call mom", "room 101"]
)
def test_ordinary_words_are_not_dates(text: str) -> None:
    when, _ = _when(text)
    assert when is None


@pytest.mark.parametrize(
    ("phrase", "after", "before"),
    [
        ("due today", "2026-11-23 00:00", "2026-11-23 23:59"),
        ("due this week", "2026-11-23 00:00", "2026-11-29 23:59"),
        ("due next week", "2026-11-30 00:00", "2026-12-06 23:59"),
        ("due by friday", None, "2026-11-27 23:59"),
        ("due before thursday", None, "2026-11-26 23:59"),
        ("due after wednesday", "2026-11-25 23:59", None),
    ],
)
def test_list_ranges(phrase: str, after: str | None, before: str | None) -> None:
    when, _ = _when(phrase)
    assert when is not None
    due_after, due_before = when.day_range(now=NOW)

    def fmt(value: datetime | None) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M") if value else None

    assert (fmt(due_after), fmt(due_before)) == (after, before)
