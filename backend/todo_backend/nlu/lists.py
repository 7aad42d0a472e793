"""Named lists: "add eggs to my shopping list" files "eggs" under the tag `shopping`.

A list phrase ("to/on/from/off my shopping list", "the grocery list", "to shopping list", "on
my to do list, …", "my wishlist", "my list of groceries") is consumed wherever it stands; its
name becomes the list tag, a misspelt common list name corrected ("shoping" -> "shopping"),
"wedding to-do list" is the `wedding` list. The to-do list itself ("my list", "to-do list",
"task list") names no tag: it is every task. A list that is the task's subject ("make a
packing list", "write the christmas list") is part of the title, not a list phrase.
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
    r"|current|new|out|do|you|u|could|can|would|will|i|we|just|also|now|then|quickly)"
)
# "my wedding to-do list" is the wedding list
_TODO = r"(?:to[\s-]?do|todo|task)\s+"
# "the back to school list", "the fruit and veg list": a name with "to" or "and" in it
_NAME = (
    rf"(?P<name>{_TODO}|back\s+to\s+school\s+|[a-z]+\s+(?:and|&|n)\s+[a-z]+\s+"
    rf"|(?:(?!{_NOT_A_NAME}\b)[a-z][\w'&-]*\s+){{0,2}}?(?:{_TODO})?)"
)
_OWNER = r"(?P<owner>(?:my|the|our|your|this|that)\s+)"
# "my wishlist", "the packing checklist", "the shoppinglist"
_JOINED = ("wish", "check", "shopping", "grocery", "packing", "todo", "to-do")
_LIST = rf"(?P<joined>{'|'.join(_JOINED)})?list\b"
# "a list of gifts" names no list.
_NOT_OF = r"(?!\s+of\b)"
_PHRASE = re.compile(
    rf"(?:\s*,\s*|\s+|^)(?P<prep>(?:to|2|on|onto|in|into|for|from|off|off\s+of|out\s+of|under)\s+)?"
    rf"{_OWNER}?{_NAME}{_LIST}{_NOT_OF}(?:\s*[,:;-](?![)(])\s*|\s+)?",
    _I,
)
_LEAD = re.compile(
    rf"^(?P<prep>(?:to|on|onto|in|into|for)\s+)?{_OWNER}?{_NAME}{_LIST}{_NOT_OF}\s*(?:[,:;-]\s*|\s+)",
    _I,
)
KNOWN_LISTS = (
    "shopping", "grocery", "groceries", "packing", "christmas", "wish", "reading", "hardware",
    "costco", "errands", "camping", "wedding", "birthday", "holiday",
)  # fmt: skip
_KNOWN = "|".join(KNOWN_LISTS)
# "add milk to groceries": a well-known list named without the word "list", at the end;
# "add sugar to my list of groceries".
_BARE_KNOWN = re.compile(
    r"\s+(?:(?P<prep>to|on|onto|from)\s+(?P<owner>(?:my|the|our)\s+)?"
    r"|(?:off|off\s+of|out\s+of)\s+(?:my|our)\s+)"
    r"(?:list\s+of\s+(?P<of>[a-z]+)|(?P<name>groceries|grocery|shopping|packing|chores|errands))\s*[.!]*\s*$",
    _I,
)
_BARE_NAMES = ("groceries", "grocery", "shopping", "packing", "chores", "errands")
_BARE_WORD = re.compile(
    r"\s+(?P<prep>to|on|onto)\s+(?P<owner>(?:my|the|our)\s+)?(?P<name>[a-z]{6,})\s*[.!]*\s*$", _I
)
# "put a charger on my packing list for the trip": what the list is for, at the end
_LIST_FOR = re.compile(
    r"\s*(?:for|4)\s+(?:(?P<det>the|my|our|this|a)\s+)?(?P<what>(?:[\w'-]+\s+){0,2}?[\w'-]+)"
    r"(?:\s*,?\s*(?:please|pls|plz|thanks|thx|ty))?\s*[.!?]*\s*$",
    _I,
)
# ... said without "the": "for the kids" and "for kids" alike; others only after a plain list
_FOR_SOMEONE = re.compile(r"(?:me|us|you|u|him|her|them|myself|ourselves|now|later|ya)$", _I)
_FOR_WITHOUT_THE = re.compile(r"(?:kids|party|trip|house|office|baby|wedding)$", _I)
_WHEN = re.compile(
    r"\b(?:today|tonight|tomorrow|tmrw|weekend|week|month|year|morning|afternoon|evening|night"
    r"|noon|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|next|\d+(?:st|nd|rd|th)?|christmas|xmas|thanksgiving|easter|halloween"
    r"|new\s+year'?s?|birthday|holidays?)\b",
    _I,
)
# "also put napkins on there": the list the conversation is about
_THERE = re.compile(r"\s+(?:on|in|onto)\s+there(?:\s+(?:too|as\s+well))?\s*[.!]*\s*$", _I)
# "shopping: eggs"
_KNOWN_LEAD = re.compile(
    r"^(?:add\s+(?=to\b))?(?P<phrase>(?:to\s+(?:(?:my|the|our)\s+)?)?"
    r"(?P<name>shopping|groceries|grocery|packing|errands|chores|costco)\s*:\s*)",
    _I,
)
# "make a packing list", "write the christmas list": the list is what the task is about.
_ABOUT_A_LIST = re.compile(
    r"(?:^|\s)(?:an?|make|making|made|write|writing|wrote|create|creating|start|starting|finish"
    r"|finishing|print|printing|do|doing|type|typing)\s+(?:(?:my|the|our|your|this"
    r"|that|new)\s+)?$",
    _I,
)

# "add something to my packing list: hiking boots": the item comes after the list
_PLACEHOLDER = re.compile(
    r"(?<=\s)(?:something|(?:a|an)\s+(?:new\s+)?item|the\s+following(?:\s+items?)?|these)\s*$", _I
)


def _known(word: str) -> str:
    if word in KNOWN_LISTS or len(word) < 5:
        return word
    if f"{word}s" in KNOWN_LISTS and not word.endswith("ie"):  # "errand" is no misspelling
        return word
    close = [name for name in KNOWN_LISTS if OSA.distance(word, name) <= 1]
    return close[0] if close else word


def list_name(raw: str) -> str | None:
    text = re.sub(rf"\s*\b{_TODO}?$", "", f"{raw.strip()} ", flags=_I) if raw.strip() else ""
    words = [_known(w.lower().removesuffix("'s")) for w in text.split()]
    name = " ".join(words)
    if _UNNAMED.match(name):
        return None
    return "-".join(words)


def _joined_name(joined: str | None) -> str:
    word = (joined or "").lower()
    return word if word in ("wish", "shopping", "grocery", "packing") else ""


def _is_list_phrase(masked: str, match: re.Match[str]) -> bool:
    if not (match["prep"] or match["owner"] or match["name"] or match["joined"]):
        return False
    if match["prep"]:
        return True
    return _ABOUT_A_LIST.search(masked[: match.start("name")]) is None


def _misspelt_bare(masked: str) -> re.Match[str] | None:
    """ "add rice to grocerys": a misspelt well-known list at the end, named without "list"."""
    match = _BARE_WORD.search(masked)
    if match is None:
        return None
    word = match["name"].lower()
    return match if word not in _BARE_NAMES and _known(word) in _BARE_NAMES else None


def _list_for(after: re.Match[str], *, plain: bool) -> bool:
    """What a list is for, after it: "for the trip", "for costco" after a plain "list"; never
    a day ("for tomorrow") or a time."""
    if _WHEN.search(after.group(0)) or re.search(r"\d", after["what"]):
        return False
    if _FOR_SOMEONE.match(after["what"]):  # "read out my list for me" asks a favour
        return False
    return bool(after["det"]) or plain or _FOR_WITHOUT_THE.match(after["what"]) is not None


def take_list(utterance: Utterance) -> tuple[bool, str | None]:
    """(a list phrase was found, the list's tag) — the phrase is consumed."""
    masked = utterance.masked
    candidates = [m for m in (_LEAD.match(masked), *_PHRASE.finditer(masked)) if m is not None]
    match = next((m for m in candidates if _is_list_phrase(masked, m)), None)
    if match is not None:
        placeholder = _PLACEHOLDER.search(masked[: match.start()])
        if placeholder is not None and masked[match.end() :].strip():
            utterance.consume(placeholder.start(), placeholder.end())
        utterance.consume(match.start(), match.end())
        name = list_name(match["name"] or _joined_name(match["joined"]))
        plain = not (match["name"] or match["joined"])  # "the list", not "the to-do list"
        after = _LIST_FOR.match(masked, match.end())
        if after is not None and _list_for(after, plain=plain):
            utterance.consume(after.start(), after.end())
            if plain:  # "add balloons to the list for the party" is the party list
                return True, list_name(after["what"])
        return True, name
    lead = _KNOWN_LEAD.match(masked)
    if lead is not None:  # "shopping: eggs", "add to grocery: chicken"
        utterance.consume(lead.start("phrase"), lead.end("phrase"))
        return True, list_name(lead["name"])
    known = _BARE_KNOWN.search(masked) or _misspelt_bare(masked)
    if known is None:
        there = _THERE.search(masked)
        if there is not None:
            utterance.consume(there.start(), there.end())
            return True, None
        return False, None
    utterance.consume(known.start(), known.end())
    return True, list_name(known.groupdict().get("of") or known["name"])
