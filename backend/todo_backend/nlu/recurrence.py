"""Recurrence phrases ("every monday", "on the 1st of every month", "weekdays") as RRULEs.

The rule is an RFC 5545 RRULE body without DTSTART, checked with `dateutil.rrule`. The first
occurrence (the task's `due_at`) is the first instance after `now` of the rule anchored today
(or on a start date the message names) at the phrase's time of day, else the default time.
An end ("until christmas", "till the end of june") becomes the COUNT of occurrences from the
first one through that local day (`Recurrence.bounded`): an UNTIL would have to be UTC, and the
reminders service carries a COUNT forward.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from todo_backend.nlu.dates import END_OF_DAY, find_temporal
from todo_backend.nlu.text import MONTH, NUMBER, ORDINAL_WORDS, Utterance, to_number

_BYDAY = {
    "monday": "MO",
    "mon": "MO",
    "tuesday": "TU",
    "tue": "TU",
    "tues": "TU",
    "wednesday": "WE",
    "wed": "WE",
    "thursday": "TH",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "friday": "FR",
    "fri": "FR",
    "saturday": "SA",
    "sat": "SA",
    "sunday": "SU",
    "sun": "SU",
}
_WEEKDAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_WD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
)
_WD_LIST = rf"{_WD}s?(?:(?:\s*(?:,\s*and|,|and|&|\+|/)\s*|\s+n\s+|\s+){_WD}s?\b)*"
_SHORT_WD = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
_TO = r"(?:to|through|thru|till|until|-|\u2013)"
_PLURAL_WD = r"(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = MONTH
# "once per fortnight", "one time in the week": once a period is every period
_ONCE_PER = r"(?:once|one\s+time|1\s*x)\s+(?:a|per|every|each|in\s+(?:a|the))"
_EVERY = rf"(?:every|each(?:\s+and\s+every)?|{_ONCE_PER})(?:\s+single)?"
# "every two weeks on a monday", "fortnightly on the thursday": the days of a week's series
_ON_DAYS = rf"\s+on\s+(?:an?\s+|the\s+)?(?P<days>{_WD_LIST})"
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_PERIOD = rf"(?:spring|summer|autumn|fall|winter|{_MONTH})"
_PERIOD_LIST = (
    rf"{_PERIOD}(?:\s*(?:,\s*and|,|and|&|/)\s*(?:(?:every|each|in)\s+)?(?:the\s+)?{_PERIOD}\b)*"
)


def _ordinal(group: str) -> str:
    words = "|".join(ORDINAL_WORDS)
    return rf"(?P<{group}>\d{{1,2}}|last|{words})(?:st|nd|rd|th)?(?:\s+day)?"


_FREQ = {"minute": "MINUTELY", "min": "MINUTELY", "hour": "HOURLY", "hr": "HOURLY",
         "day": "DAILY", "week": "WEEKLY", "wk": "WEEKLY", "month": "MONTHLY", "mth": "MONTHLY",
         "mnth": "MONTHLY", "year": "YEARLY", "yr": "YEARLY"}  # fmt: skip
_ADVERBS = {
    "hourly": ("HOURLY", 1),
    "daily": ("DAILY", 1),
    "nightly": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "monthly": ("MONTHLY", 1),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
    "fortnightly": ("WEEKLY", 2),
    "biweekly": ("WEEKLY", 2),
    "quarterly": ("MONTHLY", 3),
    "bimonthly": ("MONTHLY", 2),
    "semiannually": ("MONTHLY", 6),
    "semi-annually": ("MONTHLY", 6),
    "biannually": ("MONTHLY", 6),
    # sms and typos
    "everyday": ("DAILY", 1),
    "wkly": ("WEEKLY", 1),
    "weekley": ("WEEKLY", 1),
    "mthly": ("MONTHLY", 1),
    "montly": ("MONTHLY", 1),
    "yrly": ("YEARLY", 1),
    "anually": ("YEARLY", 1),
    "monthy": ("MONTHLY", 1),
    "dialy": ("DAILY", 1),
    "daliy": ("DAILY", 1),
    "fortnighly": ("WEEKLY", 2),
    "fortnitely": ("WEEKLY", 2),
    "fortnightley": ("WEEKLY", 2),
    "fortnitly": ("WEEKLY", 2),
    "wekly": ("WEEKLY", 1),
    "weeky": ("WEEKLY", 1),
    "weekyl": ("WEEKLY", 1),
    "dayly": ("DAILY", 1),
    "dailly": ("DAILY", 1),
    "dailey": ("DAILY", 1),
    "mothly": ("MONTHLY", 1),
    "monthley": ("MONTHLY", 1),
    "yearley": ("YEARLY", 1),
    "anualy": ("YEARLY", 1),
    "annualy": ("YEARLY", 1),
}
# "twice a year", "two times in the year", "2x a year": every six months
_TWICE_A_YEAR = (
    r"(?:twice|two\s+times|2\s*(?:x|times))\s+(?:a|per|every|each|in\s+(?:a|the))\s+(?:year|yr)"
)
_ADVERB_WORDS = "|".join(
    sorted((re.escape(word).replace(r"\-", "-?") for word in _ADVERBS), key=len, reverse=True)
)
_PART_OF_DAY_TIMES = {
    "morning": time(9, 0),
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "night": time(20, 0),
    "nightly": time(20, 0),
}

_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
        "last": -1}  # fmt: skip

_NTH_WORD = r"(?:first|1st|second|2nd|third|3rd|fourth|4th|last)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        # "the last working day of the month", "first business day of every month"
        "nth_workday",
        re.compile(
            r"\b(?:on\s+)?(?:(?:every|each|the)\s+)?(?P<nth>first|1st|last)\s+(?:working|work"
            r"|business|week)\s?day\s+(?:of\s+|in\s+)?(?:every|each|the|a)\s+month\b",
            re.I,
        ),
    ),
    (
        # "every 2nd and 4th wednesday", "the first and third monday of the month": a list of
        # positions is always a month's
        "nth_weekdays",
        re.compile(
            rf"\b(?:(?:on\s+)?(?:every|each|the)\s+)?(?P<nths>{_NTH_WORD}(?:\s*(?:,\s*and|,|and|&)"
            rf"\s*(?:the\s+)?{_NTH_WORD})+)\s+(?P<wd>{_WD})s?\b"
            rf"(?:\s+(?:of\s+|in\s+)?(?:every|each|the|a)\s+month\b)?",
            re.I,
        ),
    ),
    (
        "nth_weekday",
        re.compile(
            rf"\b(?:(?:on\s+)?(?:every|each|the)\s+)?(?P<nth>first|1st|second|2nd|third|3rd|fourth"
            rf"|4th|last)\s+(?P<wd>{_WD})s?\s+(?:of\s+|in\s+)?(?:every|each|the|a)\s+month\b",
            re.I,
        ),
    ),
    (
        # "every first monday" (not "every second friday": that is every other friday)
        "nth_weekday",
        re.compile(
            rf"\b(?:every|each)\s+(?P<nth>first|1st|third|3rd|fourth|4th|last)\s+(?P<wd>{_WD})\b"
            # "monthly on the last thursday", "every month on the 2nd tuesday"
            rf"|\b(?:{_EVERY}\s+month|monthly)\s+on\s+(?:the\s+)?(?P<nth2>{_NTH_WORD})\s+(?P<wd2>{_WD})\b",
            re.I,
        ),
    ),
    (
        "monthday",
        re.compile(
            rf"\b(?:on\s+)?(?:(?:every|each)\s+)?(?:the\s+)?{_ordinal('md0')}"
            rf"(?:\s*(?:,\s*and|,|and|&)\s*(?:the\s+)?(?P<more>\d{{1,2}}(?:st|nd|rd|th)?|last(?:\s+day)?))+"
            rf"\s+(?:of\s+)?(?:every|each|the|a)\s+month\b"
            # "each 15 of month": the article left out
            rf"|\b(?:on\s+)?(?:(?:every|each)\s+)?(?:the\s+)?{_ordinal('md1')}"
            rf"\s+(?:(?:of\s+)?(?:every|each|the)\s+|of\s+)month\b"
            rf"(?:,?\s+(?:every|each)\s+month\b|\s+monthly\b)?"
            rf"|\b(?:{_EVERY}\s+month|monthly)\s+on\s+(?:the\s+)?{_ordinal('md2')}\b(?!\s+{_WD}\b)"
            rf"|\b(?:on\s+)?the\s+{_ordinal('md3')}\s+(?:monthly|(?:every|each)\s+month)\b"
            rf"|\b(?:at\s+|on\s+)?the\s+(?P<eom>end)\s+of\s+(?:every|each)\s+month\b"
            # "rent due every 1st": a bare day of the month (not "every 2nd day/saturday")
            rf"|\b(?:every|each)\s+(?:the\s+)?(?P<md4>\d{{1,2}}(?:st|nd|rd|th))\b"
            rf"(?!\s+(?:{_WD}|day|week|wk|month|year|yr|hour|hr|minute|min|time|of|and|&)\w*)",
            re.I,
        ),
    ),
    (
        "yearday",
        re.compile(
            rf"\b(?:{_EVERY}\s+year|yearly|annually)\s+on\s+(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?|(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH}))\b"
            rf"|\b{_EVERY}\s+(?:(?P<m3>{_MONTH})\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"|(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+of\s+(?P<m4>{_MONTH}))\b"
            rf"|\b(?:on\s+)?(?:(?P<m5>{_MONTH})\s+(?P<d5>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"|(?:the\s+)?(?P<d6>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m6>{_MONTH}))"
            rf",?\s+(?:(?:every|each)\s+year|yearly|annually)\b",
            re.I,
        ),
    ),
    (
        # "every spring", "each summer and winter", "every october", "yearly in march": once a
        # year, on the first day of that month (a season starts with its meteorological month)
        "season",
        re.compile(
            rf"\b{_EVERY}\s+(?P<periods>{_PERIOD_LIST})\b(?!\s*\d|\s+the\s+\d)"
            rf"|\b(?:(?:every|each)\s+year|yearly|annually)\s+in\s+(?:the\s+)?"
            rf"(?P<periods2>{_PERIOD_LIST})\b(?!\s*\d|\s+the\s+\d)",
            re.I,
        ),
    ),
    (
        "weekdays",
        re.compile(
            r"\b(?:(?:every|each|on)\s+)?(?:week\s?days|wkdays|weekday\s+mornings|work\s?days"
            r"|school\s+days|school\s+mornings)\b"
            r"|\b(?:every|each)\s+(?:week\s?day|wkday|work\s?day|school\s+day|school\s+morning)\b"
            r"|\b(?:(?:every|each|on)\s+)?(?:monday|mon)\s*(?:to|through|thru|till|until|-)\s*(?:friday|fri)\b",
            re.I,
        ),
    ),
    (
        # "every monday through thursday", "each tue-sat", "tuesdays to thursdays", "tuesday
        # through thursday every week": the days in between too
        "day_range",
        re.compile(
            rf"\b(?:every|each)\s+(?P<first>{_WD})s?\s*{_TO}\s*(?P<last>{_WD})s?\b"
            rf"|\b(?:on\s+)?(?P<first2>{_WD})(?P<plural>s)?\s*{_TO}\s*(?P<last2>{_WD})s?\b"
            r"(?(plural)|(?=\s*,?\s*(?:(?:every|each)\s+(?:single\s+)?week|weekly)\b))"
            # "standup mon-thu": short names joined by a dash are a week's days
            rf"|\b(?:on\s+)?(?P<first3>{_SHORT_WD})-(?P<last3>{_SHORT_WD})\b",
            re.I,
        ),
    ),
    (
        # "twice a day", "three times a day", "twice daily": a daily series; the times said
        # beside it ("at 8am and 8pm") are its times of day (`Recurrence.at_times`)
        "times_a_day",
        re.compile(
            rf"\b(?:twice|thrice|(?:{NUMBER})\s+times)\s+(?:a|per|each|every)\s+day\b"
            r"|\btwice\s+daily\b",
            re.I,
        ),
    ),
    (
        # "twice a week on monday and thursday", "3 times a week: mon, wed, fri"
        "times_a_week",
        re.compile(
            rf"\b(?:once|twice|thrice|(?:{NUMBER})\s+times)\s+(?:a|per|each|every)\s+(?:week|wk)"
            rf"\s*(?:,\s*|:\s*|\s+)(?:on\s+)?(?P<days>{_WD_LIST})\b",
            re.I,
        ),
    ),
    (
        "weekends",
        re.compile(
            r"\b(?:(?:every|each|on)\s+)?weekends\b|\b(?:every|each)\s+(?P<other>(?:other|alternate)\s+)?"
            r"weekend\b|\bon\s+(?P<other2>alternate)\s+weekends\b",
            re.I,
        ),
    ),
    ("twice_a_year", re.compile(rf"\b{_TWICE_A_YEAR}\b", re.I)),
    (
        "half_hour",
        re.compile(rf"\b{_EVERY}\s+half(?:\s+an|-an)?[\s-]+hour\b", re.I),
    ),
    (
        "interval",
        re.compile(
            rf"\b{_EVERY}\s+(?P<n>{NUMBER}|other|second|2nd|third|3rd|alternate|couple(?:\s+of)?"
            # "every 2-3 days", "every two or three weeks": a range counts from its lower bound
            rf"|few)(?:\s*(?:-|\u2013|to|or)\s*{NUMBER})?"
            rf"\s+(?P<unit>minute|min|hour|hr|day|week|wk|month|mnth|mth|year|yr)s?\b"
            rf"(?:{_ON_DAYS}"
            # "every 3 months on the 1st"
            rf"|\s+on\s+the\s+(?P<mday>\d{{1,2}}(?:st|nd|rd|th)|last\s+day)(?!\s+of\b))?",
            re.I,
        ),
    ),
    (
        "every_weekday",
        re.compile(
            rf"\b{_EVERY}\s+(?:(?P<other>other|second|2nd|alternate)\s+)?(?P<days>{_WD_LIST})\b",
            re.I,
        ),
    ),
    (
        # "on alternate tuesdays": every other one
        "every_weekday",
        re.compile(rf"\b(?:on\s+)?(?P<other>alternate)\s+(?P<days>{_WD_LIST})\b", re.I),
    ),
    (
        # "gym mon wed fri": three or more days named together are a week's schedule
        "day_list",
        re.compile(
            rf"\b(?:on\s+)?(?P<days>{_WD}(?:(?:\s*(?:,\s*and|,|and|&|\+|/)\s*|\s+n\s+|\s+){_WD}\b){{2,}})",
            re.I,
        ),
    ),
    (
        # "on thursday evenings", "sunday mornings": the plural makes the day a habit
        "weekday_parts",
        re.compile(
            rf"\b(?:on\s+)?(?P<days>{_WD_LIST})\s+(?P<pod>morning|afternoon|evening|night)s\b", re.I
        ),
    ),
    (
        "plural_weekday",
        re.compile(
            # "mondays wednesdays and fridays": a list of plural days needs no commas
            rf"\b(?:on\s+)?(?P<days>{_PLURAL_WD}(?:\s*(?:,\s*and|,|and|&|/)\s*{_PLURAL_WD}"
            rf"|\s+{_PLURAL_WD})*)\b",
            re.I,
        ),
    ),
    (
        "unit",
        re.compile(
            rf"\b{_EVERY}\s+(?:(?P<unit>hour|hr|day|week|wk|month|mnth|mth|quarter|year|yr|fortnight|fortnite"
            r"|morning|afternoon|evening|night)s?\b"
            # "every morning and evening": two times of day
            r"(?:\s+(?:and|&|n)\s+(?:(?:every|each)\s+)?(?P<unit3>morning|afternoon|evening|night)s?\b)?"
            # "every other morning": every second day at that time
            r"|(?:other|second|alternate)\s+(?P<unit2>morning|afternoon|evening|night)\b)"
            rf"(?:{_ON_DAYS})?",
            re.I,
        ),
    ),
    (
        "adverb",
        re.compile(
            rf"\b(?P<adv>{_ADVERB_WORDS}|bi-weekly|bi-monthly)\b"
            rf"(?:{_ON_DAYS})?"
            # "weekly review", "daily standup": followed by a noun, the word names the task.
            # "a daily reminder", "remind me nightly to floss": the adverb is the schedule.
            r"(?=\s*(?:$|[,.;:!?#)]|-\s|(?:at|on|in|from|starting|and|until|for|by|with|please|basis"
            r"|too|instead|then|tag|tagged|except|excluding|but|apart|besides|other\s+than|high|low|medium|urgent|important|to(?!-)|reminders?"
            r"|alarms?|alerts?|notifications?|remind|ping|nudge|tasks?|chores?|todos?|to-dos?)\b|\d))",
            re.I,
        ),
    ),
]


# "every day for 2 weeks", "weekly for 3 months", "every monday 4 times": a COUNT
_FOR_COUNT = re.compile(
    rf"\s*,?\s*(?:for\s+(?:the\s+next\s+)?(?P<n>{NUMBER})\s+(?P<unit>times|days?|weeks?|months?|years?)"
    rf"|(?P<times>{NUMBER})\s+times)\b",
    re.I,
)
# "every saturday at 9am for 8 weeks": the length said after the time
_FOR_COUNT_LATER = re.compile(
    rf"(?<=\s)for\s+(?:the\s+next\s+)?(?P<n>{NUMBER})\s+(?P<unit>times|days?|weeks?|months?|years?)\b",
    re.I,
)
# "every month i must pay the rent", "each week on friday i do the shopping": the person and
# the duty after a schedule that opens the message. A duty ("must", "have to") is a to-do; a
# bare "i do" only once the message is one (see `find_recurrence`).
_DUTY_AFTER = re.compile(
    r"\s*,?\s*(?:i|we)\s+(?:must|should|gotta|(?:have|need|got)\s+to)\s+(?:to\s+)?(?=[a-z])", re.I
)
_SUBJECT_AFTER = re.compile(
    r"\s*,?\s*(?:i|we)\s+(?:(?:always|usually|normally)\s+)?(?=[a-z])(?!(?:am|was|have|had|hate|love|feel)\b)",
    re.I,
)
_DAYS_PER = {"day": 1, "week": 7}
# "on tuesdays every week": the week said again
_WEEK_AGAIN = re.compile(r"\s*,?\s*(?:(?:every|each)\s+(?:single\s+)?week|weekly)\b", re.I)
_BASIS = re.compile(
    r"\s+basis\b|\s*,?\s+(?:from\s+now\s+on|from\s+here\s+on(?:\s+out)?|going\s+forward|onwards)\b",
    re.I,
)
_SCHEDULE_LEAD = re.compile(
    r"(?:\b(?:that|which|to|and|it)\s+)?(?:\b(?:should|will|must|needs?\s+to)\s+)?"
    r"\b(?:repeats?|recurs?|repeating|recurring|happens?)\s*:?\s*(?:on\s+a\s+|on\s+an\s+|on\s+)?$"
    r"|\bon\s+an?\s+$",
    re.I,
)
_RECURRING_WORD = re.compile(
    r"\b(?:recurring|repeating)\s+(?=(?:task|todo|to-do|reminder|item|event|thing)s?\b)", re.I
)
_PLURAL_DAYS = next(pattern for kind, pattern in _PATTERNS if kind == "plural_weekday")
# "every day except sundays", "daily but not on weekends": the days left out
_EXCEPTED_DAYS = (
    r"(?:except|but(?:\s+not)?|other\s+than|excluding|apart\s+from|besides)\s+(?:on\s+)?"
    rf"(?:(?P<weekends>the\s+weekends?|weekends?)|(?P<weekdays>week\s?days)|(?P<days>{_WD_LIST}))\b"
)
_EXCEPT = re.compile(r"\s*,?\s*" + _EXCEPTED_DAYS, re.I)
# "every morning at 6 except weekends": the days left out after the time
_EXCEPT_LATER = re.compile(r"(?<=\s)" + _EXCEPTED_DAYS, re.I)


def _without(rule: str, match: re.Match[str]) -> str | None:
    """`rule` without the days `match` excludes, or None when it is no daily/weekly rule."""
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    if parts.get("INTERVAL") or set(parts) - {"FREQ", "BYDAY"}:
        return None
    if parts["FREQ"] == "DAILY" and "BYDAY" not in parts:
        days = list(_WEEKDAY_ORDER)
    elif parts["FREQ"] == "WEEKLY" and "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
    else:
        return None
    if match["weekends"]:
        excluded = {"SA", "SU"}
    elif match["weekdays"]:
        excluded = set(_WEEKDAY_ORDER[:5])
    else:
        excluded = set(_days(match["days"]))
    kept = [d for d in days if d not in excluded]
    if not kept or len(kept) == len(days):
        return None
    return _rule("WEEKLY", byday=kept)


def _with_count(rule: str, match: re.Match[str]) -> str | None:
    """`rule` with the COUNT the phrase after it implies, or None when it cannot say one."""
    if match.groupdict().get("times"):
        return f"{rule};COUNT={to_number(match['times'])}"
    amount, unit = to_number(match["n"]), match["unit"].lower().rstrip("s")
    if unit == "time":
        return f"{rule};COUNT={amount}"
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    interval = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"]
    per_unit = len(parts["BYDAY"].split(",")) if "BYDAY" in parts and freq == "WEEKLY" else 1
    if freq == "DAILY" and unit in _DAYS_PER:
        count = amount * _DAYS_PER[unit] // interval
    elif (freq, unit) in (("WEEKLY", "week"), ("MONTHLY", "month"), ("YEARLY", "year")):
        count = amount * per_unit // interval
    else:
        return None
    return f"{rule};COUNT={count}" if count >= 1 else None


def _last_day(match: re.Match[str], now: datetime) -> date | None:
    """The last day of a length said in weeks, months or years ("for 3 months": the day before
    the same date three months on)."""
    if match.groupdict().get("times") or not match["unit"]:
        return None
    amount, unit = to_number(match["n"]), match["unit"].lower().rstrip("s")
    lengths = {
        "week": relativedelta(weeks=amount),
        "month": relativedelta(months=amount),
        "year": relativedelta(years=amount),
    }
    if unit not in lengths:
        return None
    return now.date() + lengths[unit] - timedelta(days=1)


@dataclass(frozen=True)
class Recurrence:
    rule: str
    # Time of day the phrase itself implies ("every morning" -> 09:00).
    implied_time: time | None = None
    # The last local day of the series ("until christmas"), not yet in `rule`.
    until: date | None = None
    # Times of day the series runs at, the first its anchor ("at 8am and 8pm": 08:00, 20:00).
    times: tuple[time, ...] = ()

    def at_times(self, times: Sequence[time]) -> "Recurrence":
        """A daily series said with several times of day ("every day at 8am and 8pm", "three
        times a day at 6am, 2pm and 10pm"). Times evenly spread over the day are one series
        every so many hours from the earliest (FREQ=HOURLY;INTERVAL=12: the occurrences of
        FREQ=DAILY;BYHOUR=8,20, but counted in elapsed time, which is what the reminders
        service does with a UTC due date, where a BYHOUR would be read as UTC hours). Uneven
        ones ("8am and 6pm") have no such rule: the series runs daily at the first time said.
        """
        distinct = list(dict.fromkeys(times))
        if self.rule != "FREQ=DAILY" or len(distinct) < 2:
            return self
        minutes = sorted(t.hour * 60 + t.minute for t in distinct)
        gaps = {b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 24 * 60], strict=True)}
        if len(gaps) == 1:
            gap = gaps.pop()
            rule = (
                _rule("HOURLY", interval=gap // 60)
                if gap % 60 == 0
                else _rule("MINUTELY", interval=gap)
            )
            return Recurrence(rule, until=self.until, times=tuple(sorted(distinct)))
        return Recurrence(self.rule, until=self.until, times=(distinct[0],))

    def bounded(self, first: datetime | None) -> str:
        """`rule` with the COUNT of occurrences from `first` through the `until` day."""
        if self.until is None or first is None or "COUNT=" in self.rule:
            return self.rule
        start = first.replace(tzinfo=None)
        last = datetime.combine(self.until, END_OF_DAY)
        count = len(rrulestr(self.rule, dtstart=start).between(start, last, inc=True))
        return f"{self.rule};COUNT={count}" if count >= 1 else self.rule

    def first_occurrence(self, *, now: datetime, at: time, start: date | None = None) -> datetime:
        anchor = datetime.combine(start or now.date(), at)
        after = now.replace(tzinfo=None)
        if _INTERVAL.search(self.rule) and not self.times:
            # "every other tuesday" said on a wednesday, "every 3 months on the 1st", "every
            # other morning" after 9: the series starts on the next such day, not two weeks
            # (three months, two days) after this one
            anchor = rrulestr(_INTERVAL.sub("", self.rule), dtstart=anchor).after(after) or anchor
        rule = rrulestr(self.rule, dtstart=anchor)
        occurrence = rule.after(after)
        if occurrence is None:
            occurrence = anchor
        return occurrence.replace(tzinfo=now.tzinfo)


# "until christmas", "till dec 18", "through the end of june": when the series ends
_UNTIL_CUE = re.compile(
    r"\s*,?\s*(?:until|till|til|thru|through|up\s+to|ending(?:\s+on)?)\s+", re.I
)
_UNTIL_MONTH = re.compile(
    rf"(?:the\s+)?(?:end\s+of\s+)?(?P<month>{_MONTH})\b(?!\s*\d|\s+the\s+\d)", re.I
)


def _until(masked: str, at: int, now: datetime) -> tuple[date, int] | None:
    """The last day a series ending at `masked[at:]` runs and where its phrase ends."""
    cue = _UNTIL_CUE.match(masked, at)
    if cue is None:
        return None
    month = _UNTIL_MONTH.match(masked, cue.end())
    if month is not None:  # "until june", "till the end of june": its last day
        number = _MONTHS[month["month"].lower()[:3]]
        year = now.year if number >= now.month else now.year + 1
        following = date(year + number // 12, number % 12 + 1, 1)
        return following - timedelta(days=1), month.end()
    probe = Utterance(" " * at + masked[at:])
    for found in find_temporal(probe, now=now):
        if found.start > cue.end():
            break
        if found.date_part is not None and found.date_part.instant is None:
            return found.date_part.day, found.end
    return None


_INTERVAL = re.compile(r";INTERVAL=\d+")
_FORTNIGHTLY = re.compile(r"\b(?:fortnightly|fortnighly|fortnitely|bi-?weekly)\b", re.I)
# "a monthly reminder to pay the card on the 20th": the day comes later in the message
_LATER_MONTHDAY = re.compile(r"\bon\s+the\s+(?P<md>\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)", re.I)


def _days(raw: str | None) -> list[str]:
    if not raw:
        return []
    found = re.findall(_WD, raw, re.I)
    codes = {_BYDAY[d.lower()] for d in found}
    return [c for c in _WEEKDAY_ORDER if c in codes]


def _interval(raw: str) -> int:
    """ "other" 2, "third" 3; "a couple (of)" 2 and "a few" 3 (the chat's convention)."""
    word = re.sub(r"^a\s+|\s+of$", "", re.sub(r"\s+", " ", raw.lower()))
    if word in ("other", "second", "2nd", "alternate", "couple"):
        return 2
    if word in ("third", "3rd", "few"):
        return 3
    return to_number(word)


def _rule(freq: str, *, interval: int = 1, byday: list[str] | None = None, extra: str = "") -> str:
    parts = [f"FREQ={freq}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    if byday:
        parts.append("BYDAY=" + ",".join(byday))
    if extra:
        parts.append(extra)
    return ";".join(parts)


def _day_of_month(raw: str) -> int:
    lowered = re.sub(r"\s+day$", "", raw.lower())
    if lowered == "last":
        return -1
    return int(re.sub(r"(?:st|nd|rd|th)$", "", ORDINAL_WORDS.get(lowered, lowered)))


def _monthday(match: re.Match[str]) -> str:
    if match["eom"]:
        return _rule("MONTHLY", extra="BYMONTHDAY=-1")
    raw = next(v for k, v in match.groupdict().items() if k.startswith("md") and v)
    days = [_day_of_month(raw)]
    if match["md0"]:
        # "on the 1st and 15th of every month": every ordinal named before "of every month"
        rest = match.string[match.end("md0") : match.end()]
        listed = re.findall(r"\d{1,2}(?=st|nd|rd|th|\b)|\blast\b", rest)
        days += [_day_of_month(d) for d in listed]
    ordered = sorted(set(days), key=lambda d: (d < 0, d))
    return _rule("MONTHLY", extra="BYMONTHDAY=" + ",".join(str(d) for d in ordered))


def _yearly_in(periods: str) -> str:
    """ "spring and autumn" -> every year on 1 March and 1 September."""
    names = re.findall(_PERIOD, periods, re.I)
    months = sorted({_SEASONS.get(n.lower()) or _MONTHS[n.lower()[:3]] for n in names})
    return _rule("YEARLY", extra="BYMONTH=" + ",".join(map(str, months)) + ";BYMONTHDAY=1")


def _from_match(kind: str, match: re.Match[str]) -> Recurrence | None:
    groups = match.groupdict()
    if kind == "monthday":
        return Recurrence(_monthday(match))
    if kind == "nth_workday":
        position = _NTH[groups["nth"].lower()]
        return Recurrence(_rule("MONTHLY", byday=_WEEKDAY_ORDER[:5], extra=f"BYSETPOS={position}"))
    if kind == "nth_weekdays":
        weekday = _BYDAY[groups["wd"].lower()]
        positions = sorted(
            {_NTH[nth.lower()] for nth in re.findall(_NTH_WORD, groups["nths"], re.I)},
            key=lambda n: (n < 0, n),
        )
        return Recurrence(
            _rule("MONTHLY", extra="BYDAY=" + ",".join(f"{n}{weekday}" for n in positions))
        )
    if kind == "nth_weekday":
        weekday = _BYDAY[(groups["wd"] or groups["wd2"]).lower()]
        position = _NTH[(groups["nth"] or groups["nth2"]).lower()]
        return Recurrence(_rule("MONTHLY", extra=f"BYDAY={position}{weekday}"))
    if kind == "yearday":
        month_name = next(groups[k] for k in ("m1", "m2", "m3", "m4", "m5", "m6") if groups[k])
        day = int(next(groups[k] for k in ("d1", "d2", "d3", "d4", "d5", "d6") if groups[k]))
        month = _MONTHS[month_name.lower()[:3]]
        return Recurrence(_rule("YEARLY", extra=f"BYMONTH={month};BYMONTHDAY={day}"))
    if kind == "season":
        return Recurrence(_yearly_in(groups["periods"] or groups["periods2"]))
    if kind == "times_a_day":
        return Recurrence(_rule("DAILY"))
    if kind == "twice_a_year":
        return Recurrence(_rule("MONTHLY", interval=6))
    if kind == "half_hour":
        return Recurrence(_rule("MINUTELY", interval=30))
    if kind == "weekdays":
        return Recurrence(_rule("WEEKLY", byday=_WEEKDAY_ORDER[:5]))
    if kind == "weekends":
        interval = 2 if groups["other"] or groups["other2"] else 1
        return Recurrence(_rule("WEEKLY", interval=interval, byday=["SA", "SU"]))
    if kind == "interval":
        freq = _FREQ[groups["unit"].lower()]
        mday = groups["mday"]
        if mday and freq != "MONTHLY":
            return None
        extra = f"BYMONTHDAY={_day_of_month(mday)}" if mday else ""
        return Recurrence(
            _rule(freq, interval=_interval(groups["n"]), byday=_days(groups["days"]), extra=extra)
        )
    if kind == "day_range":
        first_said = groups["first"] or groups["first2"] or groups["first3"]
        last_said = groups["last"] or groups["last2"] or groups["last3"]
        first = _WEEKDAY_ORDER.index(_BYDAY[first_said.lower()])
        last = _WEEKDAY_ORDER.index(_BYDAY[last_said.lower()])
        if first == 6 and last < first:  # "sun-thu": a week that starts on Sunday
            return Recurrence(_rule("WEEKLY", byday=[*_WEEKDAY_ORDER[: last + 1], "SU"]))
        if last <= first:
            return None  # "every friday to monday" wraps the week: no one reading is safe
        return Recurrence(_rule("WEEKLY", byday=_WEEKDAY_ORDER[first : last + 1]))
    if kind in ("every_weekday", "plural_weekday", "times_a_week", "day_list", "weekday_parts"):
        interval = 2 if groups.get("other") else 1
        return Recurrence(_rule("WEEKLY", interval=interval, byday=_days(groups["days"])))
    if kind == "unit" and groups["unit2"]:
        part = groups["unit2"].lower()
        return Recurrence(_rule("DAILY", interval=2), implied_time=_PART_OF_DAY_TIMES[part])
    if kind == "unit":
        unit = groups["unit"].lower()
        if unit in _PART_OF_DAY_TIMES and groups["unit3"] and not groups["days"]:
            times = (_PART_OF_DAY_TIMES[unit], _PART_OF_DAY_TIMES[groups["unit3"].lower()])
            return Recurrence(_rule("DAILY"), implied_time=times[0], times=times)
        if unit in _PART_OF_DAY_TIMES:
            return Recurrence(_rule("DAILY"), implied_time=_PART_OF_DAY_TIMES[unit])
        if unit == "quarter":
            return Recurrence(_rule("MONTHLY", interval=3))
        if unit in ("fortnight", "fortnite"):
            return Recurrence(_rule("WEEKLY", interval=2, byday=_days(groups["days"])))
        return Recurrence(_rule(_FREQ[unit], byday=_days(groups["days"])))
    adverb = groups["adv"].lower()
    adverb = {"bi-weekly": "biweekly", "bi-monthly": "bimonthly"}.get(adverb, adverb)
    freq, interval = _ADVERBS[adverb]
    return Recurrence(
        _rule(freq, interval=interval, byday=_days(groups["days"])),
        implied_time=_PART_OF_DAY_TIMES.get(adverb),
    )


def is_valid_rule(rule: str) -> bool:
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError):
        return False
    return True


def find_recurrence(utterance: Utterance, now: datetime | None = None) -> Recurrence | None:
    """The first recurrence phrase in the message (consumed), or None; with `now` (a task's
    fields being read), also the day it runs until ("every friday until christmas") and the
    person after a schedule that opens the message ("each week on friday i do the shopping")."""
    masked = utterance.masked
    best: tuple[int, int, str, re.Match[str]] | None = None
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(masked):
            if best is None or (match.start(), -(match.end())) < (best[0], -best[1]):
                best = (match.start(), match.end(), kind, match)
    if best is None:
        return None
    start, end, kind, match = best
    recurrence = _from_match(kind, match)
    kept: tuple[int, int] | None = None
    part = match["unit"] or match["unit2"] if kind == "unit" else None
    if part is not None and part.lower() in _PART_OF_DAY_TIMES and not match["days"]:
        # "every night at 8": "night" stays for the time of day, so the 8 is the evening's
        kept = match.span("unit" if match["unit"] else "unit2")
    elif kind == "weekday_parts":
        kept = match.span("pod")  # the part of the day is the time: "evenings" 18:00
    if recurrence is None or not is_valid_rule(recurrence.rule):
        return None
    if re.fullmatch(r"FREQ=WEEKLY(?:;INTERVAL=\d+)?", recurrence.rule):
        # "a weekly reminder to call dad on sundays": the days come later in the message
        days = _PLURAL_DAYS.search(masked, end) or _PLURAL_DAYS.search(masked[:start])
        if days is not None:
            recurrence = Recurrence(f"{recurrence.rule};BYDAY={','.join(_days(days['days']))}")
            utterance.consume(days.start(), days.end())
    if re.fullmatch(r"FREQ=WEEKLY;BYDAY=[A-Z,]+", recurrence.rule) and _FORTNIGHTLY.search(masked):
        # "fortnightly team lunch on thursdays": the adverb stays in the title, its interval
        # joins the days
        recurrence = replace(
            recurrence, rule=recurrence.rule.replace(";BYDAY", ";INTERVAL=2;BYDAY")
        )
    if re.fullmatch(r"FREQ=MONTHLY(?:;INTERVAL=\d+)?", recurrence.rule):
        day = _LATER_MONTHDAY.search(masked, end)
        if day is not None and 1 <= int(day["md"]) <= 31:
            recurrence = Recurrence(f"{recurrence.rule};BYMONTHDAY={int(day['md'])}")
            utterance.consume(day.start(), day.end())
    again = _WEEK_AGAIN.match(masked, end)
    if again is not None and recurrence.rule.startswith("FREQ=WEEKLY;BYDAY="):
        end = again.end()
    # "on a weekly basis", "repeat every monday: …", "a recurring task to …": schedule words
    basis = _BASIS.match(masked, end)
    if basis is not None:
        end = basis.end()
    lead = _SCHEDULE_LEAD.search(masked[:start])
    if lead is not None:
        utterance.consume(lead.start(), start)
    for word in _RECURRING_WORD.finditer(masked):
        utterance.consume(word.start(), word.end())
    excepted = _EXCEPT.match(masked, end)
    if excepted is not None and (rule := _without(recurrence.rule, excepted)) is not None:
        recurrence = replace(recurrence, rule=rule)
        end = excepted.end()
    elif (later := _EXCEPT_LATER.search(masked, end)) is not None and (
        rule := _without(recurrence.rule, later)
    ) is not None:
        recurrence = replace(recurrence, rule=rule)
        utterance.consume(later.start(), later.end())
    counted = _FOR_COUNT.match(masked, end)
    if counted is not None and (rule := _with_count(recurrence.rule, counted)) is not None:
        recurrence = replace(recurrence, rule=rule)
        end = counted.end()
    elif now is not None and counted is not None and (last_day := _last_day(counted, now)):
        # "daily for 3 months": no whole COUNT per month, so the series runs through that day
        recurrence = replace(recurrence, until=last_day)
        end = counted.end()
    elif now is not None and (until := _until(masked, end, now)) is not None:
        recurrence = replace(recurrence, until=until[0])
        end = until[1]
    elif (later_count := _FOR_COUNT_LATER.search(masked, end)) is not None and (
        rule := _with_count(recurrence.rule, later_count)
    ) is not None:
        recurrence = replace(recurrence, rule=rule)
        utterance.consume(later_count.start(), later_count.end())
    if not masked[:start].strip():
        # without `now` (a rule testing the message) "every day i wake up tired" keeps its "i":
        # the subject that makes it a statement, not a task
        subject = _DUTY_AFTER.match(masked, end) or (
            _SUBJECT_AFTER.match(masked, end) if now is not None else None
        )
        if subject is not None:
            end = subject.end()
    if kept is None:
        utterance.consume(start, end)
    else:
        utterance.consume(start, kept[0])
        utterance.consume(kept[1], end)
    return recurrence


_PLAIN_FREQUENCY = re.compile(r"FREQ=(?P<freq>[A-Z]+)(?:;INTERVAL=(?P<n>\d+))?")


def changed_rule(current: str | None, said: str) -> str:
    """The rule an update leaves on a task that repeats by `current` when the message says
    `said`. A bare frequency of the same kind changes only how often: "make it every other
    week" on a task every Tuesday and Thursday is every 2 weeks on Tuesday and Thursday, "make
    it monthly" keeps its last Friday; anything else ("every thursday", "monthly" on a weekly
    task) is the new rule as said."""
    plain = _PLAIN_FREQUENCY.fullmatch(said)
    if current is None or plain is None:
        return said
    parts = [part for part in current.upper().split(";") if part]
    if f"FREQ={plain['freq']}" not in parts:
        return said
    kept = [part for part in parts if not part.startswith("INTERVAL=")]
    interval = int(plain["n"] or 1)
    if interval > 1:
        kept.insert(1, f"INTERVAL={interval}")
    return ";".join(kept)


def falls_on(rule: str, moment: datetime) -> bool:
    """Whether `moment` is itself an occurrence of `rule` started there (a Tuesday is no
    occurrence of "every thursday")."""
    start = moment.replace(tzinfo=None)
    first = rrulestr(rule, dtstart=start).after(start, inc=True)
    return first == start
