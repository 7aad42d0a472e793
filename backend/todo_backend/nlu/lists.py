"""Named lists: "add eggs to my shopping list" files "eggs" under the tag `shopping`.

A list phrase ("to/on/from/off my shopping list", "the grocery list", "to shopping list", "on
my to do list, …") is consumed wherever it stands; its name becomes the list tag, a misspelt
common list name corrected ("shoping" -> "shopping"). The to-do list itself ("my list",
"to-do list", "task list") names no tag: it is every task.
"""

import re

from rapidfuzz.distance import OSA

from todo_backend.nlu.text import Utterance

_I = re.I
_UNNAMED = re.compile(
    r"^(?:to[\s-]?do|todo|task|tasks|todos|to-dos|things\s+to\s+do|reminders?|the)?$", _I
)
# Words that are never (part of) a list's name: "show shopping list" is the shopping list.
_NOT_A_NAME = (
    r"(?:show|add|put|what'?s|whats|what|my|the|our|your|read|tell|me|on|in|to|is|are|remove"
    r"|delete|take|off|from|a|an|this|that|of|see|view|check|open|print|list|clear|and|it|please"
    r"|pls|get|give|display|onto|into|for|at|with|everything|all|items?|stuff|things|whole|entire"
    r"|current|new|out)"
)
_NAME = rf"(?P<name>to[\s-]?do\s+|(?:(?!{_NOT_A_NAME}\b)[a-z][\w'&-]*\s+){{0,2}}?)"
_OWNER = r"(?P<owner>(?:my|the|our|your|this|that)\s+)"
# "a list of gifts" names no list.
_NOT_OF = r"(?!\s+of\b)"
_PHRASE = re.compile(
    rf"(?:\s*,\s*|\s+|^)(?P<prep>(?:to|2|on|onto|in|into|for|from|off|off\s+of|out\s+of|under)\s+)?"
    rf"{_OWNER}?{_NAME}list\b{_NOT_OF}(?:\s*[,:;-]\s*|\s+)?",
    _I,
)
_LEAD = re.compile(
    rf"^(?P<prep>(?:to|on|onto|in|into|for)\s+)?{_OWNER}?{_NAME}list{_NOT_OF}\s*(?:[,:;-]\s*|\s+)",
    _I,
)
# "add milk to groceries": a well-known list named without the word "list", at the end.
_BARE_KNOWN = re.compile(
    r"\s+(?P<prep>to|on|onto)\s+(?P<owner>(?:my|the|our)\s+)?(?P<name>groceries|grocery|shopping"
    r"|packing)\s*[.!]*\s*$",
    _I,
)
KNOWN_LISTS = ("shopping", "grocery", "groceries", "packing", "christmas", "wish", "reading")


def _known(word: str) -> str:
    if word in KNOWN_LISTS or len(word) < 5:
        return word
    close = [name for name in KNOWN_LISTS if OSA.distance(word, name) <= 1]
    return close[0] if close else word


def list_name(raw: str) -> str | None:
    words = [_known(w.lower().removesuffix("'s")) for w in raw.split()]
    name = " ".join(words)
    if _UNNAMED.match(name):
        return None
    return "-".join(words)


def take_list(utterance: Utterance) -> tuple[bool, str | None]:
    """(a list phrase was found, the list's tag) — the phrase is consumed."""
    masked = utterance.masked
    candidates = [m for m in (_LEAD.match(masked), *_PHRASE.finditer(masked)) if m is not None]
    match = next((m for m in candidates if m["prep"] or m["owner"] or m["name"]), None)
    if match is None:
        match = _BARE_KNOWN.search(masked)
    if match is None:
        return False, None
    utterance.consume(match.start(), match.end())
    return True, list_name(match["name"] or "")
