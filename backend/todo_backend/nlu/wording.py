"""The words around the entities: fillers, request phrasing and dangling connectors."""

import re

from todo_backend.nlu.text import GAP, clean_fragment

_I = re.I

FILLERS = re.compile(
    r"^(?:(?:hey\s+there|hi\s+there|ok(?:ay)?|so|also|and|oh|hey|hi|hello|um+|uh+|well|actually|alright|right|please|pls|plz|ple+a*s+e*|pl+[sz]+"
    r"|kindly|yo|oops|wait|hmm+|now|then|ah|no(?!\s+(?:need|longer))|yes|yeah|yep|yup|sure|great|cool|thanks|hiya|heya"
    r"|good\s+(?:morning|afternoon|evening)(?=\s*,)"
    r"|when(?:ever)?\s+you\s+(?:get|have)\s+a\s+(?:chance|sec(?:ond)?|minute|moment)"
    r"|quick\s+one|one\s+more\s+thing|btw|by\s+the\s+way|ugh+|argh+|i\s+was\s+(?:thinking|wondering)|i\s+think|i\s+guess|i\s+suppose|lol|hmm+"
    r")\b[\s,!.:-]*)+",
    _I,
)
REQUEST = re.compile(
    r"^(?:(?:would|will)\s+it\s+be\s+possible\s+to\s+"
    r"|is\s+it\s+possible\s+(?:for\s+you\s+)?to\s+|(?:could|would|can)\s+(?:you|u)\s+(?:kindly"
    r"|possibly|maybe)\s+|(?:i\s+would|i'd)\s+(?:like|love"
    r"|appreciate\s+it\s+if)\s+(?:you\s+)?(?:to|could)\s+|if\s+you\s+could\s+|"
    r"(?:would|could)\s+you\s+(?:be\s+able\s+to|be\s+so\s+kind\s+as\s+to)\s+"
    r"|(?:do\s+you\s+think|i\s+was\s+wondering\s+(?:if|whether)|i\s+wonder\s+(?:if|whether)"
    r"|(?:is\s+there\s+)?any\s+chance|whether)"
    r"\s+(?:you|u)\s+(?:could|can|would)\s+|(?:can|could)\s+we\s+|how\s+about\s+|what\s+about\s+"
    r"|maybe\s+|perhaps\s+|why\s+don't\s+you\s+|"
    r"(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+)?|please\s+"
    r"|i\s+(?:want|would\s+like|'d\s+like|wanna|need)\s+you\s+to\s+|i\s+(?:want|would\s+like|'d\s+"
    r"like|wanna)\s+to\s+|i'd\s+like\s+to\s+|let's\s+|lets\s+|help\s+me\s+|go\s+ahead\s+and\s+)",
    _I,
)
EDGE_CONNECTORS = re.compile(
    r"^(?:(?:and|&|with|at|on|by|due|for|to|then|also|plus|,|-)\s+)+|(?:\s+(?:and|&|with|at|on|by"
    r"|due|for|to|then|also|plus|in|from|until|till|before|starting|every|is|it's|,|-))+$",
    _I,
)

# "take the washing in", "hand my essay in": the verb's particle, not a dangling "in (2 days)".
_PARTICLE_IN = re.compile(
    r"^(?:\S+\s+){0,4}?(?:take|bring|hand|turn|send|fill|plug|let|log|check|sign|pop|clock|tuck"
    r"|pack|cash|trade|wheel|fetch|carry)\b\s+\S.*\s+in$",
    _I,
)


def trim_connectors(text: str) -> str:
    """`text` without connectors dangling at its edges ("and", "to", a trailing "in")."""
    text = text.strip(" ,;")
    particle = " in" if _PARTICLE_IN.search(text) else ""
    body = text[: -len(particle)] if particle else text
    # padded so that a lone connector ("and" between two consumed spans) goes too
    trimmed = EDGE_CONNECTORS.sub("", f" {body}").strip(" ,;")
    return f"{trimmed}{particle}" if trimmed else ""


def fragments(leftover: str) -> str:
    parts = []
    for piece in leftover.split(GAP):
        piece = trim_connectors(piece)
        if piece:
            parts.append(piece)
    return " ".join(parts)


def strip_lead(text: str, *patterns: re.Pattern[str]) -> str:
    changed = True
    while changed:
        changed = False
        for pattern in (FILLERS, REQUEST, *patterns):
            stripped = pattern.sub("", text, count=1).lstrip(" ,:-")
            if stripped != text:
                text, changed = stripped, True
    return text


def finish(text: str) -> str | None:
    cleaned = clean_fragment(EDGE_CONNECTORS.sub("", f" {text} ").strip())
    return cleaned or None
