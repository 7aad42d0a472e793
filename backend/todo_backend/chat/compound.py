"""Compound messages: two requests in one ("mark X done and add Y", "done with X, also remind
me to Y at 5", "got the milk. add cereal too").

The message is split before a second command verb, and each part is then understood and done
on its own, in order (so an "it" in the second part is what the first touched). What stays one
request: "X, mark it done" (the first clause names "it"), a list of names after one verb
("delete X and Y"), and a new task's title that only happens to hold "and remove ..."
("remind me to scrub and remove the mould"): a destructive second part needs a comma, "also",
"then" or a full stop before it when the first part adds a task.
"""

import re
from dataclasses import dataclass

_COMMAND = (
    r"(?P<verb>add|create|make\s+(?:a\s+)?(?:new\s+)?(?:task|reminder)|remind\s+me"
    r"|set\s+(?:up\s+)?a\s+reminder|delete|remove|mark|tick|cross|complete|cancel|move|push"
    r"|postpone|change|rename|reschedule)\b"
)
_DESTRUCTIVE = re.compile(
    r"^(?:delete|remove|mark|tick|cross|complete|cancel|move|push|postpone|change|rename"
    r"|reschedule)\b",
    re.I,
)
_POLITE = (
    r"(?:(?:please|pls|plz|(?:can|could|would)\s+(?:you|u)(?:\s+please)?|(?:you|u)\s+can)\s+)*"
)
# what joins the two: ", and", ", also", ". ", " and ", " then ", " + "
_JOIN = re.compile(
    r"(?P<strong>\s*[,;.!]\s*(?:(?:and|then|also|plus|now|&|n)\s+)*|\s+(?:then|also|plus)\s+"
    r"|\s+(?:and|&|\+|n)\s+(?:also|then)\s+)"
    r"|(?P<weak>\s+(?:and|&|\+|n)\s+)",
    re.I,
)
_SECOND = re.compile(r"^" + _POLITE + _COMMAND + r"(?P<object>.*)$", re.I | re.S)
# "mark it done", "delete that", "tick them off": the second part is about what the first names
_ONLY_IT = re.compile(
    r"^\s*(?:(?:it|that|this|them|those|both)\b|(?:as\s+)?(?:done|complete|off)\b)", re.I
)
_FIRST_IS_COMMAND = re.compile(r"^" + _POLITE + r"(?:" + _COMMAND + r"|remind\b)", re.I)
_ADDS = re.compile(r"^" + _POLITE + r"(?:add|put|create|make|remind|set)\b", re.I)
_MARKED_DONE = re.compile(
    r"^(?:mark|tick|cross)\b.*\b(?:done|complete|completed|finished|off)[\s.!?]*$", re.I
)
_POLITE_ASKED = re.compile(r"\b(?:can|could|would)\s+(?:you|u)\b", re.I)
_TOO = re.compile(r"\s+(?:too|as\s+well)(?=[\s.!?]*$)", re.I)
_ENDING = re.compile(r"[\s,;.!?]+$")


@dataclass(frozen=True)
class Compound:
    first: str
    second: str


def split_compound(message: str) -> Compound | None:
    """The two requests of a compound message, or None when it is one request."""
    text = " ".join(message.split())
    for join in _JOIN.finditer(text):
        first, second = text[: join.start()].strip(), text[join.end() :].strip()
        command = _SECOND.match(second)
        if not first or command is None or not re.search(r"\w", first):
            continue
        if _ONLY_IT.match(command["object"]) and not _FIRST_IS_COMMAND.match(first):
            continue  # "I've booked the flights, mark it done": one request
        if join["weak"] and _ADDS.match(first) and _a_title_goes_on(_strip_polite(second)):
            continue  # "remind me to scrub and remove the mould": a title
        second = _TOO.sub("", second)  # "got the milk. add cereal too": the compound's "too"
        return Compound(_as_request(first, message), _as_request(second, message))
    return None


def _a_title_goes_on(second: str) -> bool:
    """ "remove the mould" may be the rest of a new task's title; "mark Y done" is not."""
    return bool(_DESTRUCTIVE.match(second)) and not _MARKED_DONE.match(second)


def _strip_polite(text: str) -> str:
    return re.sub(r"^" + _POLITE, "", text, flags=re.I)


def _as_request(part: str, message: str) -> str:
    """A part as said on its own: "could you A and B?" asks both politely, neither is a
    question about tasks."""
    if _POLITE_ASKED.search(message):
        return _ENDING.sub("", part)
    return part
