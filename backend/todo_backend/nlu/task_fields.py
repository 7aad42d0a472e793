"""Task details said in passing: priority, tags and a reminder offset ("30 minutes before")."""

import re
from datetime import timedelta

from todo_backend.nlu.intents import Priority
from todo_backend.nlu.text import NUMBER, Utterance, to_number

_I = re.I

# --- priority -------------------------------------------------------------------------------
# "…, make it high priority", "…, this is urgent": the whole clause says the priority.
_CLAUSE = (
    r"(?:(?:\band\s+|\bbut\s+)?(?:\b(?:make|mark|set)\s+it\s+|\b(?:this|that|it)(?:\s+one)?(?:\s+is|'s|s)\s+"
    r"(?:(?:pretty|quite|kinda|kind\s+of|fairly|rather|really|very|super|not)\s+)?))?"
)

_PRIORITY_PATTERNS: list[tuple[Priority, re.Pattern[str]]] = [
    (
        "low",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an|it|very|super|really|pretty|quite|fairly|rather|extremely)\s+)*\b(?:(?:lower|decrease|reduce|drop|downgrade)(?:\s+the)?"
            r"\s+priority(?:\s+(?:of|on|for))?|deprioriti[sz]e|(?<=\bto\s)low(?=\s*$)"
            r"|(?:(?<=[-:(,]\s)|(?<=[-:(,]))low(?=\s*\)?[.!]*\s*$)|no\s+urgency|not\s+urgent\s+at\s+all"
            r"|importance\s*(?::|=|is)?\s*low"
            r"|(?:low|lowest|bottom|least)[\s-]+priority"
            r"|priority\s*(?::|=|is|to|of)?\s*(?:low|3|three)\b|p3|(?:not|isn't|isnt|aren't|no\s+longer)\s+(?:that\s+|so\s+|very\s+|really\s+|too\s+|super\s+"
            r"|particularly\s+|terribly\s+|all\s+that\s+)?"
            r"(?:urgent|important|a\s+priority)(?:\s+(?:anymore|any\s+more|at\s+all))?|less\s+(?:urgent|important)"
            r"|no\s+(?:hurry|rush)\s+(?:at\s+all|whatsoever)|not\s+(?:a\s+)?(?:big|huge|top|major|real)\s+priority"
            r"|not\s+(?:much\s+of\s+)?a\s+priority|no\s+hurry|(?:it\s+)?can\s+wait|low\s+importance|some\s*day|low\s+prio(?:rity)?"
            r"|no\s+rush|low\s+prio|(?:at\s+)?some\s+point|eventually|low[\s-]+pri\b"
            r"|nothing\s+(?:urgent|important|pressing|serious)|no\s+(?:big\s+deal|biggie|pressure)"
            r"|not\s+(?:a\s+)?(?:big\s+deal|pressing|time[\s-]+sensitive|high\s+priority)"
            r"|low[\s-]?key|(?:it\s+)?can\s+be\s+done\s+later|if\s+i\s+(?:have|get|find)\s+(?:the\s+)?time"
            r"|when(?:ever)?\s+(?:i|you|u)\s+(?:get|have|find)\s+(?:a\s+)?(?:chance|moment|minute|sec"
            r"|second|time)"
            r"|whenever(?:\s+(?:i|you|u)\s+(?:can|get\s+(?:a\s+)?(?:chance|time)"
            r"|have\s+(?:the\s+)?time))?)\b(?:\s*,?\s*(?:no\s+rush|whenever))?",
            _I,
        ),
    ),
    (
        "medium",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an)\s+)*\b(?:(?:medium|normal|mid|moderate|average)[\s-]+"
            r"priority|priority\s*(?::|=|is|to|of)?\s*(?:medium|normal|2|two)\b|p2|medium)\b",
            _I,
        ),
    ),
    (
        "high",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an|it's|it\s+is|its|very|super|really|extremely|quite"
            r"|pretty|fairly|rather|so|kinda|incredibly|highly)\s+)*"
            r"\b(?:(?:raise|increase|boost|bump(?:\s+up)?|up|upgrade|escalate)(?:\s+the)?\s+priority"
            r"(?:\s+(?:of|on|for))?|prioriti[sz]e|(?:high|highest|top|max(?:imum)?|urgent)[\s-]+priority"
            r"|priority\s*(?::|=|is|to|of)?"
            r"\s*(?:high|top|1|one|urgent)\b|p1|urgent(?:ly)?|asap|a\.s\.a\.p\.?|important(?:\s+to\s+(?:me|us))?|critical"
            r"|high\s+prio|top\s+prio|prio\s+(?:high|1)|high\s+importance|immediately|right\s+away"
            r"|top\s+of\s+the\s+list|(?<=\bto\s)high(?=\s*$)|(?<=\bas\s)high(?=\s*$)"
            r"|(?:(?<=[-:(,]\s)|(?<=[-:(,]))high(?=\s*\)?[.!]*\s*$)|a\s+must(?=\s*[.!]*\s*$)"
            r"|needs?\s+(?:to\s+be\s+)?(?:doing|done|handling|handled)\s+(?:asap|urgently|immediately"
            r"|right\s+away)|right\s+now(?=\s*[.!]*\s*$)|importance\s*(?::|=|is)?\s*high"
            r"|hi(?:gh)?[\s-]*pri(?:o(?:rity)?)?|top\s+pri|(?:a\s+)?big\s+deal|time[\s-]+sensitive"
            r"|(?:a|top)\s+priority(?=\s*[.!]*\s*$)|(?:number|no\.?)\s*(?:one|1)\s+priority"
            r"|priority\s+(?:number|no\.?|#)\s*(?:one|1)|(?:an\s+)?(?:emergency|crucial|vital|pressing)(?=\s*[.!]*\s*$))\b"
            r"|!{2,}|#\s*1\s+priority\b",
            _I,
        ),
    ),
]

# --- tags -----------------------------------------------------------------------------------
# "#1 priority" is a rank, not a tag
_HASHTAG = re.compile(r"(?<![\w&])#(?!\d+\s+prio)(?P<tag>[\w][\w-]*)")
_TAG_WORD = r"#?[\w][\w-]*"
_TAG_PHRASE = re.compile(
    rf"(?:,\s*|\s+and\s+|\b)(?:(?:tags?|labels?)\s*:\s*|(?<=,\s)(?:tags|labels)\s+"
    rf"|(?:tag(?:ged)?|label(?:led|ed)?)\s+(?:it|this|that|them)?\s*"
    rf"(?:(?:as|with)\s+)?|with\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+|under\s+(?:the\s+)?"
    rf"(?:tag|label|category)\s+)(?P<tags>{_TAG_WORD}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_TAG_WORD})*)",
    _I,
)
_TAG_TASK_AS = re.compile(
    rf"\b(?P<kw>tag|label)\s+(?!(?:it|this|that|them|as|with)\b)(?P<ref>.+?)\s+(?P<sep>as|with)\s+"
    rf"(?P<tags>{_TAG_WORD}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_TAG_WORD})*)\s*$",
    _I,
)
# "add pay bills under finance", "… in the work category": a tag at the end of the message
_UNDER_TAG = re.compile(
    r"\s+(?:(?:under|in|into)\s+(?:the\s+|my\s+)?(?P<tag>[a-z][\w-]*)\s+(?:category|section|folder"
    r"|tag|label|bucket)|(?:(?:and\s+)?(?:put|file|place|keep)\s+(?:it|this|that)\s+|file[ds]?\s+)?"
    r"under\s+(?!(?:the|my|a|an|your|our|his|her|their|it|this"
    r"|that|me|him|them|way|control|pressure|budget|age|construction|review)\b)(?P<tag2>[a-z][\w-]*))"
    r"(?:\s*,?\s*(?:please|pls|thanks|thank\s+you))?\s*[.!]*\s*$",
    _I,
)
_NOT_TAGS = {
    "it", "as", "with", "the", "a", "an", "this", "that", "them", "and", "to", "me", "for", "on",
    "in", "at", "of", "from", "by", "my", "your", "our", "is", "are", "be",
}  # fmt: skip

# --- reminders ------------------------------------------------------------------------------
_REMIND_BEFORE = re.compile(
    rf"\b(?P<n>{NUMBER}|half\s+an?)\s+(?P<unit>minute|min|hour|hr|day|week)s?\s+"
    rf"(?:before(?:hand)?|early|earlier|ahead(?:\s+of\s+time)?|in\s+advance|prior)\b"
    rf"(?:\s+(?:it(?:'s|\s+is)\s+due|it\s+starts|the\s+deadline|that|it|then))?"
    rf"|\bthe\s+(?P<day>day|night|evening)\s+before\b(?:\s+(?:it(?:'s|\s+is)\s+due|it|that))?",
    _I,
)
_REMINDER_CUE = re.compile(
    r"(?:\s*,\s*|\s+and\s+|\s+)(?:please\s+)?(?:remind\s+me|set\s+(?:a|an)\s+(?:reminder|alarm|alert)"
    r"|with\s+(?:a|an)\s+(?:reminder|alert)|(?:and\s+)?(?:alert|notify|ping|nudge|warn)\s+me"
    r"|reminder)\b(?:\s+(?:about|of)\s+it)?",
    _I,
)


# "bump the budget review up (the list)": the task's name sits between the two words
_BUMP_UP = re.compile(
    r"^\s*(?P<kw>bump)\s+\S.*?(?P<up>\s+up(?:\s+(?:the|my)\s+list)?)\s*[.!]*\s*$", _I
)


# "put X at the top of my list", "X, top of the list": where on the to-do list is a priority
_LIST_RANK = re.compile(
    r"(?:\s*,\s*|\s+)(?:(?:and\s+)?(?:put|move|place|stick)\s+(?:it|this|that)\s+)?(?:(?:at|to|on)\s+)?"
    r"(?:the\s+)?(?P<end>top|head|bottom)\s+of\s+(?:the|my|our)\s+(?:to[\s-]?do\s+)?list\b",
    _I,
)


def take_list_rank(utterance: Utterance) -> Priority | None:
    """The priority a place on the to-do list says ("at the top of my list" is high); consumed."""
    match = _LIST_RANK.search(utterance.masked)
    if match is None:
        return None
    utterance.consume(match.start(), match.end())
    return "low" if match["end"].lower() == "bottom" else "high"


def extract_priority(utterance: Utterance) -> Priority | None:
    masked = utterance.masked
    bump = _BUMP_UP.match(masked)
    if bump is not None:
        utterance.consume(bump.start("kw"), bump.end("kw"))
        utterance.consume(bump.start("up"), bump.end())
        return "high"
    for priority, pattern in _PRIORITY_PATTERNS:
        match = pattern.search(masked)
        if match is not None:
            utterance.consume(match.start(), match.end())
            # "at some point, no hurry": a second phrase saying the same goes too
            while (
                again := pattern.search(utterance.masked)
            ) is not None and again.end() > again.start():
                utterance.consume(again.start(), again.end())
            return priority
    return None


def _split_tags(raw: str) -> list[str]:
    return [t.lstrip("#").lower() for t in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", raw) if t]


def extract_tags(utterance: Utterance) -> tuple[str, ...]:
    tags: list[str] = []
    for match in _HASHTAG.finditer(utterance.masked):
        tags.append(match["tag"].lower())
        utterance.consume(match.start(), match.end())
    named = _TAG_TASK_AS.search(utterance.masked)
    if named is not None:  # "tag the visa form as travel": keep the task's name for the reference
        tags.extend(t for t in _split_tags(named["tags"]) if t not in _NOT_TAGS)
        utterance.consume(named.start("kw"), named.end("kw"))
        utterance.consume(named.start("sep"), named.end())
    under = _UNDER_TAG.search(utterance.masked)
    if under is not None:
        tags.append((under["tag"] or under["tag2"]).lower())
        utterance.consume(under.start(), under.end())
    for match in _TAG_PHRASE.finditer(utterance.masked):
        names = [t for t in _split_tags(match["tags"]) if t not in _NOT_TAGS]
        rest = utterance.masked[match.end() :]
        # "tagged home and call bob": a list only runs to the end of the clause.
        if len(names) > 1 and rest.strip() and not rest.lstrip().startswith((",", ".", ";", "!")):
            names = names[:1]
            end = match.start("tags") + len(match["tags"].split()[0])
        else:
            end = match.end()
        if names:
            tags.extend(names)
            utterance.consume(match.start(), end)
    return tuple(dict.fromkeys(tags))


def extract_remind_before(utterance: Utterance) -> timedelta | None:
    match = _REMIND_BEFORE.search(utterance.masked)
    if match is None:
        return None
    utterance.consume(match.start(), match.end())
    if match["day"]:
        return timedelta(days=1)
    raw = match["n"]
    if raw.lower().startswith("half"):
        return timedelta(minutes=30)
    amount = to_number(raw)
    unit = {"min": "minute", "hr": "hour"}.get(match["unit"].lower(), match["unit"].lower())
    return timedelta(**{f"{unit}s": amount})


def take_reminder_cue(utterance: Utterance) -> int | None:
    """Where a reminder clause starts inside a message about something else ("..., remind me")."""
    match = _REMINDER_CUE.search(utterance.masked)
    if match is None or match.start() == 0:
        return None
    utterance.consume(match.start(), match.end())
    return match.start()
