"""An RRULE in words: "FREQ=WEEKLY;BYDAY=SU" -> "every Sunday".

No maintained Python library renders RRULEs as text (dateutil parses them only), so this is a
plain function over the rule's parts. It covers what the chat and the task form make and falls
back to the frequency plus "on a custom schedule" for anything else: a reply never shows the
raw rule.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
         "SA": "Saturday", "SU": "Sunday"}  # fmt: skip
_WEEK = list(_DAYS)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_UNITS = {"SECONDLY": "second", "MINUTELY": "minute", "HOURLY": "hour", "DAILY": "day",
          "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}  # fmt: skip
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last",
        -2: "second to last"}  # fmt: skip
# Parts that change nothing a person would notice.
_SILENT = {"WKST"}
CUSTOM = "on a custom schedule"
_EOD = time(23, 59, 59)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _ordinal(number: int) -> str:
    """1 -> '1st', -1 -> 'last', -2 -> '2nd to last'."""
    if number == -1:
        return "last"
    if number < 0:
        return f"{_ordinal(-number)} to last"
    teen = 10 <= number % 100 <= 20
    suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _parts(rule: str) -> dict[str, str]:
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = {}
    for part in body.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise ValueError(part)
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def _weekday_list(days: list[str]) -> str:
    """Plain weekday codes ("MO", "TH") as 'Monday and Thursday', weekdays/weekends named."""
    ordered = [code for code in _WEEK if code in days]
    if ordered == _WEEK[:5]:
        return "weekday"
    return _join([_DAYS[code] for code in ordered])


def _every(unit: str, interval: int) -> str:
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"


def _weekly(days: list[str], interval: int) -> str:
    ordered = [code for code in _WEEK if code in days]
    if interval == 1:
        if len(ordered) == 7:
            return "every day"
        if len(ordered) == 6:
            missing = next(code for code in _WEEK if code not in ordered)
            return f"every day except {_DAYS[missing]}"
        return f"every {_weekday_list(ordered)}"
    names = "weekdays" if ordered == _WEEK[:5] else _join([_DAYS[code] for code in ordered])
    return f"{_every('week', interval)} on {names}"


def _nth_weekdays(values: list[str]) -> str | None:
    """'1SA' -> 'first Saturday', '1MO,3MO' -> 'first and third Monday'; None if unsupported."""
    found: list[tuple[int, str]] = []
    for value in values:
        number, code = value[:-2], value[-2:]
        if code not in _DAYS or not number.lstrip("+-").isdigit() or int(number) not in _NTH:
            return None
        found.append((int(number), code))
    if len({code for _, code in found}) == 1:
        return _join([_NTH[number] for number, _ in found]) + f" {_DAYS[found[0][1]]}"
    return _join([f"{_NTH[number]} {_DAYS[code]}" for number, code in found])


def _monthdays(values: list[str]) -> str | None:
    """'1,15' -> 'the 1st and 15th', '-1' -> 'the last day'; None if unsupported."""
    if not all(value.lstrip("+-").isdigit() for value in values):
        return None
    numbers = [int(value) for value in values]
    if any(number == 0 or abs(number) > 31 for number in numbers):
        return None
    words = [_ordinal(number) for number in sorted(numbers, key=lambda n: (n < 0, n))]
    if numbers == [-1]:
        return "the last day"
    return "the " + _join(words) + (" day" if words[-1].endswith("last") else "")


def _monthly(parts: dict[str, str], interval: int) -> str | None:
    period = "every month" if interval == 1 else f"every {interval} months"
    byday, bymonthday = parts.pop("BYDAY", None), parts.pop("BYMONTHDAY", None)
    if byday and bymonthday:
        return None
    if bymonthday:
        days = _monthdays(bymonthday.split(","))
        if days is None:
            return None
        if days == "the last day" or interval > 1:
            return f"{period} on {days}"
        return f"on {days} of {period}"
    if byday:
        position = parts.pop("BYSETPOS", None)
        values = byday.split(",")
        if position and values == _WEEK[:5]:
            # BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1: the last working day of the month
            number = int(position) if position.lstrip("+-").isdigit() else 0
            return f"on the {_NTH[number]} weekday of {period}" if number in _NTH else None
        if position:  # BYDAY=SA;BYSETPOS=1 is BYDAY=1SA
            if len(values) != 1 or values[0] not in _DAYS:
                return None
            values = [f"{position}{values[0]}"]
        nth = _nth_weekdays(values)
        if nth is None:
            return None
        return f"on the {nth} of {period}"
    return period


def _yearly(parts: dict[str, str], interval: int) -> str | None:
    period = "every year" if interval == 1 else f"every {interval} years"
    bymonth = parts.pop("BYMONTH", None)
    months = bymonth.split(",") if bymonth else []
    if not all(month.isdigit() and 1 <= int(month) <= 12 for month in months):
        return None
    names = _join([_MONTHS[int(month) - 1] for month in months]) if months else ""
    bymonthday, byday = parts.pop("BYMONTHDAY", None), parts.pop("BYDAY", None)
    if bymonthday and len(months) == 1 and bymonthday.isdigit():
        return f"{period} on {int(bymonthday)} {names}"
    if bymonthday:
        days = _monthdays(bymonthday.split(","))
        return f"{period} on {days} of {names or 'the month'}" if days else None
    if byday:
        nth = _nth_weekdays(byday.split(","))
        return f"{period} on the {nth} of {names or 'the year'}" if nth else None
    return f"{period} in {names}" if names else period


def _clock(parts: dict[str, str]) -> str | None:
    """BYHOUR/BYMINUTE as ' at 09:00 and 18:00'; '' when absent, None when unsupported."""
    hours, minutes = parts.pop("BYHOUR", None), parts.pop("BYMINUTE", None)
    if hours is None and minutes is None:
        return ""
    if hours is None or not all(v.isdigit() for v in f"{hours},{minutes or 0}".split(",")):
        return None
    times = [f"{int(h):02d}:{int(m):02d}" for h in hours.split(",")
             for m in (minutes or "0").split(",")]  # fmt: skip
    return " at " + _join(times)


def _until(value: str, tz: ZoneInfo, now: datetime | None) -> str | None:
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    if moment.tzinfo is None or (moment.utcoffset() == timedelta(0) and moment.time() == _EOD):
        # A floating UNTIL, or the usual "end of that day" 23:59:59Z: the day as written (in
        # the user's zone 23:59:59Z may already be the next day).
        day: date = moment.date()
    else:
        day = moment.astimezone(tz).date()
    year = "" if now is not None and day.year == now.astimezone(tz).year else f" {day.year}"
    return f" until {day.day} {day:%b}{year}"


def _schedule(freq: str, parts: dict[str, str], interval: int) -> str | None:
    unit = _UNITS[freq]
    if freq in ("WEEKLY", "DAILY") and "BYDAY" in parts:
        days = parts.pop("BYDAY").split(",")
        if not all(day in _DAYS for day in days):
            return None
        if freq == "DAILY" and interval != 1:
            return None
        return _weekly(days, interval)
    if freq == "MONTHLY":
        return _monthly(parts, interval)
    if freq == "YEARLY":
        return _yearly(parts, interval)
    return _every(unit, interval)


def recurrence_text(rule: str, tz: ZoneInfo = ZoneInfo("UTC"), now: datetime | None = None) -> str:
    """The rule in words ("every 2 weeks on Monday and Thursday, 5 times"); UNTIL is shown as
    the user's local day (with its year when that is not the current one)."""
    try:
        parts = _parts(rule)
    except ValueError:
        return CUSTOM
    freq = parts.pop("FREQ", "")
    if freq not in _UNITS:
        return CUSTOM
    interval_raw = parts.pop("INTERVAL", "1")
    interval = int(interval_raw) if interval_raw.isdigit() and int(interval_raw) > 0 else 0
    count, until = parts.pop("COUNT", None), parts.pop("UNTIL", None)
    for name in _SILENT:
        parts.pop(name, None)
    clock = _clock(parts)
    text = _schedule(freq, parts, interval) if interval else None
    if text is None or clock is None or parts:  # something this function cannot say
        return f"{_every(_UNITS[freq], max(interval, 1))} {CUSTOM}"
    text += clock
    if count is not None:
        text += ", once" if count == "1" else f", {count} times" if count.isdigit() else ""
    if until is not None:
        text += _until(until, tz, now) or ""
    return text
