"""Named lists: "add eggs to my shopping list" files "eggs" under the tag `shopping`.

A list phrase ("to/on/from/off my shopping list", "the grocery list", "on my to do list, …")
is consumed wherever it stands; its name becomes the list tag. The to-do list itself ("my
list", "to-do list", "task list") names no tag: it is every task.
"""

import re

from todo_backend.nlu.text import Utterance

_I = re.I
_UNNAMED = re.compile(
    r"^(?:to[\s-]?do|todo|task|tasks|todos|to-dos|things\s+to\s+do|reminders?)?$", _I
)
_NAME = r"(?P<name>(?:(?!list\b)[a-z][\w'&-]*\s+){0,2}?)"
_OWNER = r"(?:my|the|our|your|this|that)\s+"
_PHRASE = re.compile(
    rf"(?:\s*,\s*|\s+|^)(?:(?:to|2|on|onto|in|into|for|from|off|off\s+of|out\s+of|under)\s+)?"
    rf"{_OWNER}{_NAME}list\b(?:\s*[,:;-]\s*|\s+)?",
    _I,
)
_LEAD = re.compile(
    rf"^(?:(?:to|on|onto|in|into|for)\s+)?(?:{_OWNER})?{_NAME}list\s*(?:[,:;-]\s*|\s+)", _I
)


def list_name(raw: str) -> str | None:
    words = [w.lower().removesuffix("'s") for w in raw.split()]
    name = " ".join(words)
    if _UNNAMED.match(name):
        return None
    return "-".join(words)


def take_list(utterance: Utterance) -> tuple[bool, str | None]:
    """(a list phrase was found, the list's tag) — the phrase is consumed."""
    masked = utterance.masked
    match = _LEAD.match(masked) or _PHRASE.search(masked)
    if match is None:
        return False, None
    utterance.consume(match.start(), match.end())
    return True, list_name(match["name"] or "")
