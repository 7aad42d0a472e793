"""Dates and times in a message, resolved in the request's timezone against `now`.

Conventions (they decide what "friday" means, so the tests and the chat replies rely on them):

- A weekday ("friday", "on friday", "by friday", "this friday", "next friday") is the next
  such day strictly after today: said on a Friday, "friday" is a week later.
- Month-day dates ("dec 5", "5th of december", "12/05" read month first, "2026-12-05") and
  offsets ("in 3 days", "in 2 weeks") are parsed by `dateparser` (RELATIVE_BASE = `now`,
  the request's TIMEZONE, `PREFER_DATES_FROM="future"`): a month-day already past this year
  is next year's. "today", "tomorrow" and "the day after tomorrow" are plain day arithmetic.
  "the 5th" alone is the next 5th of a month on or after today.
- Periods: "this week"/"end of the week" = Sunday of this week; "next week" = Monday of next
  week; "this weekend"/"the weekend" = the coming Saturday (today on a weekend day);
  "next weekend" = Saturday of next week; "end of the month" = its last day; "next month" = the
  1st of next month; "next year" = January 1st; "end of the year" = December 31st.
- A date without a time of day is due at 23:59 local (end of that day); a reminder without a
  time of day fires at 09:00 local.
- A time without a date ("at 5pm") is today if still ahead of `now`, else tomorrow.
- "in 20 minutes", "in 2 hours" are exact instants.
- Bare hours ("at 5", "weekdays at 9"): 1-6 mean pm, 7-12 mean am/noon; "noon" 12:00,
  "midnight" 23:59 of that day (so it stays on the day named), "morning" 09:00,
  "afternoon" 15:00, "evening" 18:00, "tonight"/"night" 20:00.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

from todo_backend.nlu.text import MONTH, NUMBER, Utterance, to_number

DUE_DEFAULT_TIME = time(23, 59)
REMINDER_DEFAULT_TIME = time(9, 0)
END_OF_DAY = time(23, 59, 59)

WEEKDAY_NUMBERS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
# Bare "sat", "sun", "wed" are ordinary words; they count only after a modifier (see below).
_WEEKDAY = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|weds|thu(?:rs?)?|fri"
)
_MONTH = MONTH
_PARTS_OF_DAY = {
    "morning": time(9, 0),
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "night": time(20, 0),
    "tonight": time(20, 0),
    "tonite": time(20, 0),
    "noon": time(12, 0),
    "midday": time(12, 0),
    "midnight": time(23, 59),
    "lunch": time(12, 0),
    "lunchtime": time(12, 0),
    "lunch time": time(12, 0),
    "first thing": time(9, 0),
    "end of day": time(23, 59),
    "close of business": time(17, 0),
    "after work": time(18, 0),
    "before work": time(8, 0),
}
_POD_ALIASES = {"eod": "end of day", "end of the day": "end of day", "cob": "close of business",
                "close of play": "close of business",
                "end of business": "close of business", "end of business day": "close of business",
                "end of the business day": "close of business",
                "end of work day": "close of business", "end of the work day": "close of business",
                "this aft": "afternoon",
                "this arvo": "afternoon", "lunch time": "lunchtime"}  # fmt: skip
# Without a preposition these name a time only next to a date ("friday night"), else they are
# part of the title ("game night", "morning run").
_AFTER_LUNCH = time(13, 0)
_BARE_PARTS = frozenset({"morning", "afternoon", "evening", "night"})

_HOUR_NAMES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_HOUR_WORDS = "|".join(sorted(_HOUR_NAMES, key=len, reverse=True))
_MINUTE_NAMES = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45, "oh five": 5}
_MINUTE_WORDS = "forty[- ]five|fifteen|thirty"
_PM_WORDS = ("p", "afternoon", "evening", "night", "tonight")

_DATE_PATTERNS: dict[str, re.Pattern[str]] = {
    "relative_day": re.compile(
        r"\b(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw)\b"
        r"|\b(?:today|tdy|2day|tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow|tomorrw|tomoro"
        r"|tomorro|2morrow|2morow|2moro|2mrw|tonight|tonite|2nite|tonigt)\b",
        re.I,
    ),
    "weekday": re.compile(
        rf"\b(?:(?P<mod>next|this|coming|upcoming|the\s+coming)\s+)?"
        rf"(?:(?P<wd>{_WEEKDAY})|(?<=\s)(?P<wd_short>sat|sun|wed)(?=\s|$|[,.!?]))\b(?!')"
        # "fri 27th", "friday the 27th": the day of the month says which friday
        r"(?:,?\s+(?:the\s+)?(?P<wdd>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun"
        r"|jul|aug|sep|oct|nov|dec)))?",
        re.I,
    ),
    "period": re.compile(
        r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<end>week|month|year)"
        r"|(?P<abbr>eow|eom)"
        r"|(?P<rel>this|next|the)\s+(?P<per>weekend)"
        r"|(?P<rel2>this|next)\s+(?P<per2>week|month|year))\b",
        re.I,
    ),
    "offset": re.compile(
        rf"\b(?:in|within)\s+(?P<n>\d+\.\d+|{NUMBER}|half\s+an?)(?P<half>\s+and\s+a\s+half)?"
        rf"\s+(?P<unit>minute|min|hour|hr|day|week|month|year)(?:s\b|s'|\b)(?:\s+time\b|\s+or\s+so\b)?"
        # "in an hour and a half", "in 1 hour 30 minutes", "in an hour and 15 mins"
        rf"(?:(?P<half2>\s+and\s+a\s+half)|\s+(?:and\s+)?(?P<n3>\d+|{NUMBER})\s+(?:minute|min)s?\b)?"
        r"|\b(?:in|within)\s+(?:(?P<quarters>a|one|three)\s+)?(?P<qword>quarters?)\s+of\s+an\s+(?P<qunit>hour)\b"
        r"|\b(?:in|within)\s+the\s+(?:next\s+)?(?P<thehour>hour)\b"
        rf"|\b(?P<n2>{NUMBER}|half\s+an?)\s+(?P<unit2>minute|min|hour|hr|day|week|month"
        rf"|year)s?\s+from\s+(?:now|today)\b",
        re.I,
    ),
    "month_day": re.compile(
        rf"\b(?:(?P<m1>{_MONTH})\.?\s+(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"|(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})\b\.?)"
        rf"(?:,?\s+(?P<y>\d{{4}}))?(?!\d)",
        re.I,
    ),
    "numeric": re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),
    "ordinal_day": re.compile(r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b", re.I),
    "holiday": re.compile(
        r"\b(?P<hol>christmas|xmas|new\s+year'?s?|valentine'?s|halloween)(?:\s+(?P<part>eve|day))?\b"
        r"(?!')",
        re.I,
    ),
}
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new year": (1, 1), "valentine": (2, 14),
             "halloween": (10, 31)}  # fmt: skip
# A holiday's bare name is a date only after a preposition ("before christmas", not "christmas
# party"); "christmas eve", "new year's day" are dates anywhere.
_HOLIDAY_CUE = re.compile(r"\b(?:on|by|before|until|till|til|after|over|for|at)\s+$", re.I)
_TIME_PATTERNS: dict[str, re.Pattern[str]] = {
    "clock": re.compile(
        rf"(?<![\w:.])(?P<h>\d{{1,2}}|{_HOUR_WORDS})(?:(?:[:.]|\s+(?=[0-5]\d\s*[ap]\.?m))(?P<m>[0-5]\d)"
        rf"|\s+(?P<mw>{_MINUTE_WORDS}))?"
        r"\s*(?:o'?clock\s*)?(?P<ampm>a\.?m\.?|p\.?m\.?|(?:in\s+the\s+)?(?:morning|afternoon|evening)"
        r"|at\s+night|tonight)(?!\w)",
        re.I,
    ),
    "clock_past": re.compile(
        rf"\b(?P<q>quarter|half|\d{{1,2}}|five|ten|twenty|twenty-five)\s+(?P<rel>past|after|to|before)\s+"
        rf"(?P<h>\d{{1,2}}|{_HOUR_WORDS})(?:\s*(?P<ampm>a\.?m\.?|p\.?m\.?"
        # "quarter past seven in the evening"
        r"|(?:in\s+the\s+)?(?:morning|afternoon|evening)|at\s+night|tonight))?(?![\w:])",
        re.I,
    ),
    # "between 2 and 3", "between 10am and noon": the start of the window
    "between": re.compile(
        r"\bbetween\s+(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:and|&|-)\s*"
        r"(?:\d{1,2}(?P<m2>:[0-5]\d)?\s*(?P<ampm2>[ap]\.?m\.?)?|(?P<noon>noon|midday))(?![\w:])",
        re.I,
    ),
    "clock24": re.compile(r"(?<![\w:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:-?ish)?(?![\w:])"),
    # "at 1700", "by 0930"
    "military": re.compile(
        r"(?:(?<=\bat\s)|(?<=\bby\s))(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?:\s*h(?:rs?|ours)?)?\b"
        # "at 15h", "by 9h30" (the European way)
        r"|(?:(?<=\bat\s)|(?<=\bby\s)|(?<=\baround\s))(?P<h2>[01]?\d|2[0-3])h(?P<m2>[0-5]\d)?\b"
    ),
    # "at half seven" (British: 7:30)
    "half_hour": re.compile(
        r"(?:(?<=\bat\s)|(?<=\bby\s)|(?<=\baround\s)|(?<=\buntil\s)"
        # "wednesday half 4", "half 7 tomorrow": without a preposition, a date or the end next
        rf"|(?<![\w-])(?=half\s+(?:\d{{1,2}}|{_HOUR_WORDS})(?:-?ish)?(?:\s*$|\s*[,.!?;]"
        r"|\s+(?:tomorrow|tmrw|tonight|today|on|this|next|in\s+the|am|pm|monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday)\b)))"
        rf"half\s+(?P<h>\d{{1,2}}|{_HOUR_WORDS})(?:-?ish)?\b"
        r"(?!\s+(?:an?|past|hours?|minutes?)\b)",
        re.I,
    ),
    # "at 5.30", "by 10.15": a dotted clock after a preposition
    "clock_dot": re.compile(
        r"(?:(?<=\bat\s)|(?<=\bby\s)|(?<=\baround\s)|(?<=@\s)|(?<=@))"
        # "at 9 30" (spoken): the minutes after a space, unless a unit follows
        r"(?P<h>[01]?\d|2[0-3])(?:\.|\s(?=[0-5]\d(?!\s*(?:%|percent|minutes?|mins?|hours?|hrs?|days?"
        r"|weeks?|people|items?|times|euros?|dollars?|pounds?|bucks)\b)))(?P<m>[0-5]\d)(?:-?ish)?(?![\w.])"
    ),
    "bare_hour": re.compile(
        rf"\b(?:at|@|around|by|before|after|until|till)\s+(?P<h>\d{{1,2}}|{_HOUR_WORDS})(?:\s+(?P<mw>{_MINUTE_WORDS})|\s*o'?clock)?"
        r"(?:-?ish)?"
        r"(?![\w:.%/]|\s[0-5]\d\b)"
        r"(?!\s*(?:a\.?m|p\.?m|%|percent|minutes?|mins?|hours?|days?|weeks?|months?|years?|people"
        r"|items?|things?|of|times)\b)"
        rf"|\b(?P<h2>\d{{1,2}}|{_HOUR_WORDS})\s*o'?clock\b"
        r"|\b(?P<h3>\d{1,2})-?ish\b",
        re.I,
    ),
    "part_of_day": re.compile(
        r"\b(?P<pre>(?:in|during|on)\s+the\s+|this\s+|at\s+|by\s+|around\s+|in\s+)?"
        r"(?P<pod>morning|afternoon|evening|night|noon|midday|midnight|lunch\s?time)(?:s|-?ish)?\b"
        r"|\b(?P<pre2>at|by|around|before|after)\s+(?P<pod2>lunch)\b"
        r"|\b(?:(?:by|at|before|until|till)\s+(?:the\s+)?)?"
        r"(?P<pod4>end\s+of\s+(?:the\s+)?(?:business\s+|work\s+)?day|eod|cob|close\s+of\s+(?:business|play)"
        r"|end\s+of\s+business|after\s+work|before\s+work|this\s+(?:aft|arvo))\b"
        r"|\b(?P<pod3>first\s+thing)(?:\s+in\s+the\s+morning)?\b"
        r"(?=\s+(?:in\s+the\s+morning|tomorrow|tmrw|today|on|next|this|monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday)\b|\s+to\b|\s*[,.!]|\s*$)",
        re.I,
    ),
}
# "9am EST", "5pm london time", "14:00 (CET)": the time is in that zone
_ZONE_NAMES = {
    "est": "America/New_York", "edt": "America/New_York", "eastern": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "central": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mountain": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
    "utc": "UTC", "gmt": "UTC", "bst": "Europe/London", "cet": "Europe/Berlin",
    "cest": "Europe/Berlin", "eet": "Europe/Athens", "jst": "Asia/Tokyo", "ist": "Asia/Kolkata",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "sgt": "Asia/Singapore",
    "london": "Europe/London", "uk": "Europe/London", "new york": "America/New_York",
    "nyc": "America/New_York", "ny": "America/New_York", "la": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles", "seattle": "America/Los_Angeles", "chicago": "America/Chicago",
    "denver": "America/Denver", "toronto": "America/Toronto", "vancouver": "America/Vancouver",
    "paris": "Europe/Paris", "berlin": "Europe/Berlin", "madrid": "Europe/Madrid",
    "rome": "Europe/Rome", "amsterdam": "Europe/Amsterdam", "dublin": "Europe/Dublin",
    "lisbon": "Europe/Lisbon", "tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo",
    "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "singapore": "Asia/Singapore", "hong kong": "Asia/Hong_Kong", "dubai": "Asia/Dubai",
    "india": "Asia/Kolkata", "delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai",
    "seoul": "Asia/Seoul", "moscow": "Europe/Moscow", "sao paulo": "America/Sao_Paulo",
    "mexico city": "America/Mexico_City",
}  # fmt: skip
_ABBREVIATIONS = (
    "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "utc", "gmt", "bst", "cet", "cest",
    "eet", "jst", "ist", "aest", "aedt", "sgt",
)  # fmt: skip
_PLACES = sorted((k for k in _ZONE_NAMES if k not in _ABBREVIATIONS), key=len, reverse=True)
_ZONE = re.compile(
    rf"\s*(?:\(\s*)?(?:(?P<abbr>{'|'.join(_ABBREVIATIONS)})\b"
    rf"|(?:in\s+)?(?P<place>{'|'.join(_PLACES)})(?:'s)?\s+time\b)"
    r"(?:\s*\))?",
    re.I,
)
_SHARP = re.compile(r"\s+(?:sharp|on\s+the\s+dot|exactly)\b", re.I)
_AT_THE_LATEST = re.compile(r"\s*,?\s+at\s+the\s+(?:latest|very\s+latest)\b", re.I)
# Words in front of a date that belong to it (removed from titles, and tell list ranges apart).
_LEADING_PREPOSITIONS = re.compile(
    r"(?:\b(?:due|by|on|at|for|before|until|till|til|from|starting|after|around|no\s+later\s+than"
    r"|sometime|later(?:\s+on)?|like)\s+)+$",
    re.I,
)

_SHORT_WEEKDAY_CUE = re.compile(r"\b(?:on|by|until|till|before|after|from|due)\s+$", re.I)
# "sun evening", "sat at 10": a time after it makes the short name a day
_SHORT_WEEKDAY_TIME = re.compile(
    r"\s+(?:morning|afternoon|evening|night|at\s+\d|\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)", re.I
)

Bound = Literal["before", "after", "on"]


@dataclass(frozen=True)
class DatePart:
    # The day a task named with this phrase is due ("this week" -> Sunday, "next week" -> Monday).
    day: date
    # First and last day of a named period, for list ranges ("due this week").
    period_start: date | None = None
    period_end: date | None = None
    # Exact instant ("in 2 hours"), which also fixes the time of day.
    instant: datetime | None = None
    # A time implied by the word itself ("tonight").
    implied_time: time | None = None


@dataclass(frozen=True)
class TemporalMatch:
    start: int
    end: int
    bound: Bound
    date_part: DatePart | None = None
    time_part: time | None = None
    # A part of the day ("morning"), which only tells am from pm when a clock time is named too.
    vague: bool = False
    # The clock's am/pm was guessed ("at 6", "3:15"): a part of the day may correct it.
    guessed: bool = False
    # The IANA zone the message named for this time ("9am EST"), else the user's.
    zone: str | None = None


@dataclass(frozen=True)
class When:
    """The date and time a message (or one clause of it) names."""

    date_part: DatePart | None
    time_part: time | None
    bound: Bound = "on"
    zone: str | None = None

    def resolve(self, *, now: datetime, default_time: time) -> datetime:
        tz = now.tzinfo
        if self.date_part is not None and self.date_part.instant is not None:
            return self.date_part.instant
        if self.zone is not None and self.time_part is not None:
            return self._resolve_in_zone(now, ZoneInfo(self.zone))
        if self.date_part is None:
            assert self.time_part is not None
            candidate = datetime.combine(now.date(), self.time_part, tzinfo=tz)
            return candidate if candidate > now else candidate + timedelta(days=1)
        chosen = self.time_part or self.date_part.implied_time or default_time
        return datetime.combine(self.date_part.day, chosen, tzinfo=tz)

    def _resolve_in_zone(self, now: datetime, zone: ZoneInfo) -> datetime:
        """The named zone's wall-clock time on the user's day (or the next such time)."""
        assert self.time_part is not None and now.tzinfo is not None
        if self.date_part is not None:
            at = datetime.combine(self.date_part.day, self.time_part, tzinfo=zone)
        else:
            there = now.astimezone(zone)
            at = datetime.combine(there.date(), self.time_part, tzinfo=zone)
            if at <= now:
                at += timedelta(days=1)
        return at.astimezone(now.tzinfo)

    def day_range(self, *, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(due_after, due_before) for a list filter such as "due this week" or "by friday"."""
        tz = now.tzinfo
        if self.date_part is None:
            at = self.resolve(now=now, default_time=END_OF_DAY)
            return (None, at) if self.bound != "after" else (at, None)
        if self.date_part.instant is not None:
            instant = self.date_part.instant
            return (now, instant) if self.bound != "after" else (instant, None)
        first = self.date_part.period_start or self.date_part.day
        last = self.date_part.period_end or self.date_part.day
        start = datetime.combine(first, time(0, 0), tzinfo=tz)
        end = datetime.combine(last, END_OF_DAY, tzinfo=tz)
        if self.bound == "before":
            return None, end
        if self.bound == "after":
            return end, None
        return start, end


def _dateparser_settings(now: datetime) -> dict[str, object]:
    tz = now.tzinfo
    assert isinstance(tz, ZoneInfo)
    return {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "MDY",
    }


def _dateparse(phrase: str, now: datetime) -> datetime | None:
    parsed = dateparser.parse(phrase, languages=["en"], settings=_dateparser_settings(now))
    if parsed is None:
        return None
    tz = now.tzinfo
    assert tz is not None
    return parsed.astimezone(tz)


def _next_weekday(today: date, weekday: int) -> date:
    days = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=days)


def _end_of_month(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next - timedelta(days=1)


def _period(match: re.Match[str], today: date) -> DatePart:
    end = (match["end"] or match["abbr"] or "").lower()
    rel = (match["rel"] or match["rel2"] or "").lower()
    per = (match["per"] or match["per2"] or "").lower()
    sunday = today + timedelta(days=6 - today.weekday())
    month_end = _end_of_month(today)
    year_end = date(today.year, 12, 31)
    if end in ("week", "eow") or (rel == "this" and per == "week"):
        return DatePart(sunday, period_start=today, period_end=sunday)
    if end in ("month", "eom") or (rel == "this" and per == "month"):
        return DatePart(month_end, period_start=today, period_end=month_end)
    if end == "year" or (rel == "this" and per == "year"):
        return DatePart(year_end, period_start=today, period_end=year_end)
    if per == "weekend":
        if rel == "next":
            saturday = _next_weekday(today, 0) + timedelta(days=5)
        elif today.weekday() >= 5:
            saturday = today
        else:
            saturday = today + timedelta(days=5 - today.weekday())
        weekend_end = saturday + timedelta(days=6 - saturday.weekday())
        return DatePart(saturday, period_start=saturday, period_end=weekend_end)
    if per == "week":  # next week
        monday = _next_weekday(today, 0)
        return DatePart(monday, period_start=monday, period_end=monday + timedelta(days=6))
    if per == "month":  # next month
        first = month_end + timedelta(days=1)
        return DatePart(first, period_start=first, period_end=_end_of_month(first))
    first_of_year = date(today.year + 1, 1, 1)  # next year
    return DatePart(
        first_of_year, period_start=first_of_year, period_end=date(today.year + 1, 12, 31)
    )


_MINUTES_PER = {"minute": 1, "hour": 60}


def _offset(match: re.Match[str], now: datetime) -> DatePart | None:
    if match["qword"]:
        raw_n, unit = ("45" if (match["quarters"] or "").lower() == "three" else "15"), "minute"
    elif match["thehour"]:
        raw_n, unit = "1", "hour"
    else:
        raw_n = match["n"] or match["n2"]
        unit = (match["unit"] or match["unit2"]).lower()
    unit = {"min": "minute", "hr": "hour"}.get(unit, unit)
    if unit in _MINUTES_PER:
        if raw_n.lower().startswith("half"):
            minutes = 30.0
        else:
            number = float(raw_n) if "." in raw_n else to_number(raw_n)
            minutes = number * _MINUTES_PER[unit]
        if match["half"] or match["half2"]:
            minutes += _MINUTES_PER[unit] / 2
        if match["n3"]:
            minutes += to_number(match["n3"])
        instant = (now.astimezone(UTC) + timedelta(minutes=round(minutes))).astimezone(now.tzinfo)
        return DatePart(instant.date(), instant=instant.replace(microsecond=0))
    if "." in raw_n or raw_n.lower().startswith("half"):
        return None
    amount = to_number(raw_n)
    parsed = _dateparse(f"in {amount} {unit}s", now)
    if parsed is None:
        return None
    if unit in ("minute", "hour"):
        return DatePart(parsed.date(), instant=parsed.replace(microsecond=0))
    return DatePart(parsed.date())


def _ordinal_day(day_of_month: int, today: date) -> date | None:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day_of_month)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None


def _parse_date(
    kind: str, match: re.Match[str], before: str, now: datetime, *, resolve: bool = True
) -> DatePart | None:
    today = now.date()
    phrase = match.group(0)
    if kind == "weekday":
        name = (match["wd"] or match["wd_short"]).lower()
        if match["wd_short"] and not (
            match["mod"]
            or _SHORT_WEEKDAY_CUE.search(before)
            or _SHORT_WEEKDAY_TIME.match(match.string, match.end())
        ):
            return None
        if match["wdd"] and (day := _ordinal_day(int(match["wdd"]), today)) is not None:
            return DatePart(day)
        return DatePart(_next_weekday(today, WEEKDAY_NUMBERS[name]))
    if kind == "period":
        return _period(match, today)
    if kind == "offset":
        return _offset(match, now) if resolve else DatePart(today)
    if kind == "ordinal_day":
        day = _ordinal_day(int(match["d"]), today)
        return DatePart(day) if day else None
    if kind == "holiday":
        return _holiday(match, before, today)
    if kind == "relative_day":
        # Plain day arithmetic: a dateparser call costs about a millisecond.
        lowered = phrase.lower()
        if lowered in ("tonight", "tonite"):
            return DatePart(today, implied_time=_PARTS_OF_DAY["tonight"])
        if "after" in lowered:
            return DatePart(today + timedelta(days=2))
        return DatePart(today if lowered == "today" else today + timedelta(days=1))
    if not resolve:
        return DatePart(today)
    parsed = _dateparse(phrase, now)
    if parsed is None:
        return None
    return DatePart(parsed.date())


def _holiday(match: re.Match[str], before: str, today: date) -> DatePart | None:
    name = re.sub(r"\s+", " ", match["hol"].lower())
    name = next((n for n in _HOLIDAYS if name.startswith(n)), name)
    part = (match["part"] or "").lower()
    if not part and not _HOLIDAY_CUE.search(before):
        return None
    if part == "eve" and name not in ("christmas", "xmas", "new year"):
        return None
    month, day = (12, 31) if (name, part) == ("new year", "eve") else _HOLIDAYS[name]
    candidate = date(today.year, month, day) - timedelta(
        days=1 if name == "christmas" and part == "eve" else 0
    )
    if candidate < today:
        candidate = candidate.replace(year=today.year + 1)
    return DatePart(candidate)


_PAST_MINUTES = {"quarter": 15, "half": 30, "five": 5, "ten": 10, "twenty": 20, "twenty-five": 25}


def _clock_past(match: re.Match[str]) -> time | None:
    raw_q, raw_h = match["q"].lower(), match["h"].lower()
    minutes = int(raw_q) if raw_q.isdigit() else _PAST_MINUTES[raw_q]
    hour = int(raw_h) if raw_h.isdigit() else _HOUR_NAMES[raw_h]
    if not (1 <= hour <= 12 and 0 < minutes < 60):
        return None
    if match["rel"].lower() in ("to", "before"):
        hour, minutes = (hour - 1) or 12, 60 - minutes
    if match["ampm"]:
        marker = match["ampm"].lower()
        pm = marker.startswith("p") or any(word in marker for word in _PM_WORDS[1:])
        hour = hour % 12 + (12 if pm else 0)
    elif hour <= 6:
        hour += 12
    return time(hour, minutes)


_WINDOW_DAY = re.compile(
    rf"\s*,?\s*(?:tomorrow|tmrw|today|tonight|this|next|on|in\s+the|o'?clock|{_WEEKDAY}|sat|sun)\b",
    re.I,
)


def _window_start(match: re.Match[str]) -> time | None:
    """The start of "between 2 and 3": its own am/pm, else the end's, else a bare hour's.
    Bare numbers are a time only before a day ("between 2 and 3 tomorrow"), not "between 1
    and 5 chapters"."""
    clock_like = match["ampm"] or match["ampm2"] or match["m"] or match["m2"] or match["noon"]
    if not clock_like and not _WINDOW_DAY.match(match.string, match.end()):
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if not 1 <= hour <= 12:
        return time(hour, minute) if hour <= 23 else None
    marker = (match["ampm"] or match["ampm2"] or "").lower()
    if marker:
        return time(hour % 12 + (12 if marker.startswith("p") else 0), minute)
    return time(hour + 12 if hour <= 6 else hour, minute)


def _parse_time(kind: str, match: re.Match[str]) -> time | None:
    if kind == "part_of_day":
        pod = match["pod"] or match["pod2"] or match["pod3"] or match["pod4"]
        if match["pod2"] and match["pre2"].lower() == "after":
            return _AFTER_LUNCH
        return _PARTS_OF_DAY[_POD_ALIASES.get(pod.lower(), pod.lower())]
    if kind == "clock_past":
        return _clock_past(match)
    if kind == "between":
        return _window_start(match)
    if kind == "military":
        if match["h2"]:
            return time(int(match["h2"]), int(match["m2"] or 0))
        return time(int(match["h"]), int(match["m"]))
    if kind == "clock_dot":
        kind = "clock24"  # "at 5.30" reads as "at 5:30"
    groups = match.groupdict()
    raw_hour = next(groups[g] for g in ("h", "h2", "h3") if groups.get(g)).lower()
    hour = int(raw_hour) if raw_hour.isdigit() else _HOUR_NAMES[raw_hour]
    minute = 30 if kind == "half_hour" else int(groups.get("m") or 0)
    if match.groupdict().get("mw"):
        minute = _MINUTE_NAMES[re.sub(r"\s+", " ", match["mw"].lower().replace("-", " "))]
    if kind == "clock":
        if not 1 <= hour <= 12:
            return None
        marker = match["ampm"].lower()
        pm = any(word in marker for word in _PM_WORDS[1:]) or marker.startswith("p")
        if pm and "night" in marker and hour == 12:
            pm = False  # "12 at night" is midnight
        hour = hour % 12 + (12 if pm else 0)
    elif kind == "bare_hour" and raw_hour.isdigit() and 13 <= hour <= 23:
        pass  # "at 17", "by 21": the 24-hour clock
    elif kind in ("bare_hour", "half_hour") or (kind == "clock24" and _guessed(kind, match)):
        if not 1 <= hour <= 12:
            return None
        if hour <= 6:  # "at 5", "3:15": daytime
            hour += 12
    if hour > 23:
        return None
    return time(hour, minute)


def _guessed(kind: str, match: re.Match[str]) -> bool:
    """Whether the clock's am/pm is a guess a part of the day may overrule."""
    if kind in ("bare_hour", "half_hour"):
        groups = match.groupdict()
        raw = next((groups[g] for g in ("h", "h2", "h3") if groups.get(g)), "")
        return not (raw.isdigit() and int(raw) > 12)  # "at 17" is no guess
    if kind in ("clock_past", "between"):
        return not (match["ampm"] or (kind == "between" and match["ampm2"]))
    # "3:15" (not "03:15" or "15:30")
    return (
        kind in ("clock24", "clock_dot")
        and not match["h"].startswith("0")
        and int(match["h"]) <= 12
    )


def _is_vague(kind: str, match: re.Match[str]) -> bool:
    return kind == "part_of_day" and (match["pod"] or "").lower() in _BARE_PARTS


def _bound_of(prepositions: str) -> Bound:
    words = set(prepositions.lower().split())
    if words & {"by", "before", "until", "till", "til"} or "no later than" in prepositions.lower():
        return "before"
    if words & {"after", "from", "starting"}:
        return "after"
    return "on"


def _matches(masked: str) -> Iterator[tuple[int, int, str, re.Match[str], bool]]:
    for kind, pattern in _DATE_PATTERNS.items():
        for m in pattern.finditer(masked):
            yield m.start(), m.end(), kind, m, True
    for kind, pattern in _TIME_PATTERNS.items():
        for m in pattern.finditer(masked):
            yield m.start(), m.end(), kind, m, False


# "sunday league match every sunday": a weekday before a noun names the kind of task
_NOT_A_NOUN = frozenset(
    {"at", "and", "or", "to", "n", "&", "every", "each", "from", "until", "till", "by", "on",
     "morning", "afternoon", "evening", "night", "mornings", "afternoons", "evenings", "nights"}
)  # fmt: skip


def _names_the_task(match: re.Match[str], masked: str, days: frozenset[str]) -> bool:
    """A bare weekday the recurrence already says ("every sunday"), followed by a word of the
    title ("sunday lunch"): part of the title, not its date."""
    name = (match["wd"] or "").lower()
    if name not in days or match["mod"] or match["wdd"]:
        return False
    if _LEADING_PREPOSITIONS.search(masked[: match.start()]):
        return False
    following = re.match(r"\s+([a-z][\w']*)", masked[match.end() :], re.I)
    return following is not None and following[1].lower() not in _NOT_A_NOUN


def find_temporal(
    utterance: Utterance,
    *,
    now: datetime,
    resolve: bool = True,
    recurring_days: frozenset[str] = frozenset(),
) -> list[TemporalMatch]:
    """Find and parse every date and time phrase, consume them, return them in text order.

    With `resolve=False` only the spans are wanted: dates that need `dateparser` are not
    parsed and stand as `now`'s date. `recurring_days` ("sunday") are the weekdays a
    recurrence in the message names: such a day before a noun stays in the title.
    """
    masked = utterance.masked
    # Longest first; a bare "morning"/"night" last, when the date beside it is known.
    candidates = sorted(
        _matches(masked),
        key=lambda c: (_is_bare_part(c[2], c[3]), -(c[1] - c[0]), c[0]),
    )
    found: list[TemporalMatch] = []
    for start, end, kind, match, is_date in candidates:
        if not utterance.is_free(start, end):
            continue
        if _is_bare_part(kind, match) and not _after_taken(utterance, start):
            continue
        if kind == "weekday" and recurring_days and _names_the_task(match, masked, recurring_days):
            continue
        date_part = (
            _parse_date(kind, match, masked[:start], now, resolve=resolve) if is_date else None
        )
        time_part = None if is_date else _parse_time(kind, match)
        if date_part is None and time_part is None:
            continue
        zone = None
        if time_part is not None and not _is_vague(kind, match):
            named = _ZONE.match(utterance.masked, end)
            if named is not None:
                zone = _ZONE_NAMES[re.sub(r"\s+", " ", (named["abbr"] or named["place"]).lower())]
                end = named.end()
            sharp = _SHARP.match(utterance.masked, end)
            end = sharp.end() if sharp else end
        latest = _AT_THE_LATEST.match(utterance.masked, end)
        end = latest.end() if latest else end
        prefix = _LEADING_PREPOSITIONS.search(utterance.masked[:start])
        bound: Bound = "on"
        if prefix is not None and utterance.is_free(prefix.start(), start):
            bound = _bound_of(prefix.group(0))
            start = prefix.start()
        utterance.consume(start, end)
        found.append(
            TemporalMatch(
                start,
                end,
                bound,
                date_part,
                time_part,
                vague=_is_vague(kind, match),
                guessed=time_part is not None and _guessed(kind, match),
                zone=zone,
            )
        )
    return sorted(found, key=lambda t: t.start)


def _is_bare_part(kind: str, match: re.Match[str]) -> bool:
    return _is_vague(kind, match) and not match["pre"]


def _after_taken(utterance: Utterance, start: int) -> bool:
    """Whether the word before `start` was read as a date or time ("friday | night")."""
    before = utterance.text[:start].rstrip()
    return bool(before) and not utterance.is_free(len(before) - 1, len(before))


def combine(matches: list[TemporalMatch]) -> When | None:
    """The first date and the first time among `matches` (they describe one moment)."""
    date_part = next((m.date_part for m in matches if m.date_part is not None), None)
    times = [m for m in matches if m.time_part is not None]
    # "saturday morning at 10": the clock time, with the part of the day telling am from pm
    clock = next((m for m in times if not m.vague), None)
    vague = next((m.time_part for m in times if m.vague), None)
    if date_part is None and not times:
        return None
    bound = next((m.bound for m in matches if m.date_part is not None), None)
    implied = date_part.implied_time if date_part is not None else None
    if clock is None:
        return When(date_part, vague, bound or matches[0].bound)
    assert clock.time_part is not None
    time_part = clock.time_part
    part = vague or implied
    if part is not None and part.hour >= 17 and time_part.hour < 12 and clock.guessed:
        # "tonight at 9", "half past 8 tonight", "friday evening at 7": the evening's hour
        time_part = time_part.replace(hour=time_part.hour + 12)
    elif vague is not None and vague.hour < 12 and clock.guessed and 13 <= time_part.hour <= 18:
        # "at 6 tomorrow morning": the morning's 6, not the guessed evening
        time_part = time_part.replace(hour=time_part.hour - 12)
    elif vague is not None and 12 <= vague.hour < 17 and clock.guessed and time_part.hour < 12:
        time_part = time_part.replace(hour=time_part.hour + 12)  # "sunday afternoon at 2"
    return When(date_part, time_part, bound or matches[0].bound, zone=clock.zone)
