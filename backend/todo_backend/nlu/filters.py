"""List filters: status, priority, tags, search text and a due-date range."""

import re
from datetime import datetime

from todo_backend.nlu.dates import combine, find_temporal
from todo_backend.nlu.intents import Entities, StatusFilter
from todo_backend.nlu.task_fields import extract_priority, extract_tags
from todo_backend.nlu.text import Utterance, clean_fragment
from todo_backend.nlu.wording import fragments, strip_lead

_I = re.I

_STATUS_PATTERNS: list[tuple[StatusFilter, re.Pattern[str]]] = [
    (
        "all",
        re.compile(
            r"\b(?:all\s+(?:of\s+)?(?:my\s+|the\s+)?(?:tasks|todos|to-dos|items|things|stuff|of\s+them"
            r"|reminders)"
            r"|everything|every\s+(?:single\s+)?task|(?<=\blist\s)all(?=\s*[.!?]*$)|including\s+(?:completed|done|finished)(?:\s+ones)?"
            r"|both\s+(?:done|completed)\s+and\s+(?:pending|open))\b",
            _I,
        ),
    ),
    (
        "pending",
        re.compile(
            r"\b(?:pending|open|remaining|left|incomplete|unfinished|outstanding|undone|unchecked"
            r"|active|not\s+(?:yet\s+)?(?:done|finished|completed|complete)|still\s+(?:to\s+do|have\s+to\s+do)"
            r"|haven't\s+(?:done|finished|completed)|overdue|past\s+due|late)\b",
            _I,
        ),
    ),
    (
        "completed",
        re.compile(
            r"\b(?:completed|finished|done|complete|closed|checked\s+off|ticked\s+off|accomplished"
            r"|crossed\s+off)\b",
            _I,
        ),
    ),
]
# "what reminders do I have" lists the tasks that will remind; "tasks without reminders" the rest.
_WITHOUT_REMINDER = re.compile(
    r"\b(?:without|with\s+no|no|(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+have)\s+(?:a\s+|any\s+)?"
    r"(?:reminders?|alarms?)\b",
    _I,
)
_REMINDER = re.compile(r"\b(?:reminders?|alarms?)\b", _I)
_OVERDUE = re.compile(r"\b(?:overdue|past\s+due|late|missed|behind\s+on)\b", _I)
_SEARCH_PATTERNS = [
    re.compile(
        r"\b(?:about|regarding|mentioning|containing|related\s+to|relating\s+to|that\s+mentions?"
        r"|that\s+contains?|that\s+says?|with\s+the\s+words?|matching|called|named|titled"
        r"|involving|concerning|having\s+to\s+do\s+with|to\s+do\s+with|on\s+the\s+topic\s+of)"
        r"\s+(?P<q>.+)$",
        _I,
    ),
    re.compile(
        r"\bwith\s+(?P<q>.+?)\s+in\s+(?:the\s+|its\s+)?(?:title|name|text|description)\b", _I
    ),
    re.compile(
        r"^(?:find|search(?:\s+for)?|look\s+(?:for|up)|lookup|grep)\s+(?:(?:my\s+|the\s+)?(?:tasks?"
        r"|todos?|list)\s+(?:for|with)\s+)?(?P<q>.+)$",
        _I,
    ),
]
_SEARCH_NOISE = re.compile(
    r"^(?:(?:my|the|all|any|some|tasks?|todos?|to-dos?|items?|things?|anything|something|stuff"
    r"|entries|ones|for|with|that|which|are|is|i\s+have|do\s+i\s+have|in\s+my\s+list)\b\s*)+"
    r"|(?:\s+(?:tasks?|todos?|items?|things?|stuff|please|in\s+my\s+list|on\s+my\s+list))+\s*$",
    _I,
)
_LIST_WORDS = re.compile(
    r"^(?:(?:what|which|show|list|display|view|see|get|give|tell|read|find|search|look|pull\s+up"
    r"|bring\s+up|do|does|i|me|my|all|the|are|is|'s|s|what's|whats|any|anything|something|tasks?"
    r"|todos?|to-dos?|items?|things?|have|got|there|on|in|for|to|of|due|list|plate|agenda|up|with"
    r"|a|an|please|can|could|you|would|check|out|at|left|how|many|much|remaining|pending|open"
    r"|completed|done|finished|all|it|need|should|schedule|work\s+on|looking|like|first|next|now"
    r"|yet|still|by|from|priority|else|else\?)\b\s*)+$",
    _I,
)


# "list my work tasks": a one-word group before "tasks" is a tag.
_NAMED_GROUP = re.compile(
    r"\b(?:my|the|all|any)\s+(?P<tag>[a-z][\w-]*)\s+(?:tasks|todos|to-dos|items|stuff|things)\b", _I
)
# "the tasks with the work tag", "ones with a home label"
_WITH_TAG = re.compile(
    r"\b(?:with|having|under)\s+(?:the|a|my)\s+#?(?P<tag>[a-z][\w-]*)\s+(?:tag|label)\b", _I
)
_NOT_GROUPS = frozenset(
    {"all", "open", "new", "old", "current", "upcoming", "recent", "other", "remaining", "daily",
     "weekly", "monthly", "important", "urgent", "overdue", "pending", "completed", "done",
     "finished", "next", "first", "last", "own", "latest", "today's", "tomorrow's", "main",
     "outstanding", "unfinished", "incomplete", "active", "many", "few", "the", "my", "later",
     "future", "past", "previous", "top", "key", "big", "small", "these", "those", "some"}
)  # fmt: skip


def _search_text(utterance: Utterance) -> str | None:
    leftover = strip_lead(fragments(utterance.leftover()))
    match = next((m for p in _SEARCH_PATTERNS if (m := p.search(leftover)) is not None), None)
    if match is None:
        return None
    query = clean_fragment(_SEARCH_NOISE.sub("", clean_fragment(match["q"])))
    if not query or _LIST_WORDS.match(query):
        return None
    return query


# "everything I haven't done yet" is pending, however "everything" reads alone.
_NOT_DONE = re.compile(
    r"\b(?:(?:have\s+not|haven'?t|havent|did\s+not|didn'?t|didnt|not)\s+(?:i\s+|we\s+)?(?:yet\s+)?"
    r"(?:done|finished|completed|(?:checked|ticked|crossed|marked)\s+off|gotten\s+to"
    r"|got\s+(?:round|around)\s+to)"
    r"|still\s+(?:open|pending|to\s+do|undone|(?:have|need|got)\s+to\s+do))(?:\s+yet)?\b",
    _I,
)
# "things i already did", "what i did so far": done, though "did" alone is no status word
_DID = re.compile(
    r"\b(?:already\s+(?:did|done)|did\s+already|i(?:'ve|\s+have)\s+already\s+done)\b", _I
)


def _status_filter(utterance: Utterance) -> StatusFilter | None:
    masked = utterance.masked
    not_done = _NOT_DONE.search(masked)
    if not_done is not None:
        utterance.consume(not_done.start(), not_done.end())
        return "pending"
    did = _DID.search(masked)
    if did is not None:
        utterance.consume(did.start(), did.end())
        return "completed"
    for status, pattern in _STATUS_PATTERNS:
        match = pattern.search(masked)
        if match is not None:
            utterance.consume(match.start(), match.end())
            return status
    return None


def _with_reminder(masked: str) -> bool | None:
    if _WITHOUT_REMINDER.search(masked):
        return False
    return True if _REMINDER.search(masked) else None


def list_filters(utterance: Utterance, *, now: datetime) -> Entities:
    overdue = _OVERDUE.search(utterance.masked)
    with_reminder = _with_reminder(utterance.masked)
    tags = extract_tags(utterance)
    priority = extract_priority(utterance)
    matches = find_temporal(utterance, now=now)
    status = _status_filter(utterance)
    due_after = due_before = None
    when = combine(matches)
    if when is not None:
        due_after, due_before = when.day_range(now=now)
    elif overdue is not None:
        due_before = now
    if not tags:
        named = _NAMED_GROUP.search(utterance.masked) or _WITH_TAG.search(utterance.masked)
        if named is not None and named["tag"].lower() not in _NOT_GROUPS:
            tags = (named["tag"].lower(),)
            utterance.consume(named.start("tag"), named.end("tag"))
    search_text = _search_text(utterance)
    return Entities(
        tags=tags,
        priority=priority,
        status_filter=status,
        search_text=search_text,
        due_after=due_after,
        due_before=due_before,
        with_reminder=with_reminder,
    )
