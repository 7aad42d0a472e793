"""Task details said in passing: priority, tags and a reminder offset ("30 minutes before")."""

import re
from datetime import timedelta

from todo_backend.nlu.intents import Priority
from todo_backend.nlu.text import NUMBER, Utterance, to_number

_I = re.I

# --- priority -------------------------------------------------------------------------------
# "…, make it high priority", "…, this is urgent": the whole clause says the priority.
_CLAUSE = (
    r"(?:(?:\band\s+|\bbut\s+)?(?:\b(?:make|mark|set|flag|label)\s+(?:it|this|that)\s+"
    r"|\bflag\s+(?=as\b)|\b(?:this|that|it)(?:\s+one)?(?:\s+is|'s|s)\s+(?:(?:getting|becoming)\s+)?"
    r"(?:(?:pretty|quite|kinda|kind\s+of|fairly|rather|really|rly|very|v|super|not|a\s+bit|a\s+little"
    r"|somewhat|slightly)\s+)?))?"
)

# "not a big deal if it slips", "not urgent tho", "kind of urgent now": the rest of the message
# still says how much it matters
_CONDITION = r"(?:\s+if\s+(?:it|this|that|i|we|you)\b[^,.;!?]*(?=[\s.!]*$))"
_AFTERTHOUGHT = (
    r"(?:\s*,?\s*\b(?:tho|though|tbh|honestly|lol|haha|i\s+guess|i\s+think|imo|now|for\s+now|right\s+now"
    r"|at\s+the\s+moment)"
    r"(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?[\s.!]*$))"
)

_PRIORITY_PATTERNS: list[tuple[Priority, re.Pattern[str]]] = [
    (
        "low",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an|it|very|super|really|rly|pretty|quite|fairly|rather|extremely)\s+)*\b(?:(?:lower|decrease|reduce|drop|downgrade)(?:\s+(?:the|its|their|this|that))?"
            r"\s+priority(?:\s+(?:of|on|for))?|deprioriti[sz]e|(?<=\bto\s)low(?=\s*$)"
            r"|(?:(?<=\bit\s)|(?<=\bthat\s)|(?<=\bthis\s))low(?=\s*$)"
            r"|(?:(?<=[-:(\[,]\s)|(?<=[-:(\[,]))low(?=\s*[)\]]?[.!]*\s*$)|not\s+urgent\s+at\s+all"
            r"|importance\s*(?::|=|is)?\s*low|low\s+urgency|less\s+of\s+a\s+priority"
            r"|(?:low|lo|lowest|bottom|least)[\s-]+priority(?:\s+(?:thing|item|one)\b(?!\s*:))?"
            r"|priority\s*(?::|=|-|is|to|of)?\s*(?:low|3|three)\b|p3|(?:can|could|should|may|might)\s+be\s+(?:a\s+)?low(?:er)?(?:\s+prio(?:rity)?)?(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?[\s.!]*$)|(?:not|isn't|isnt|aren't|no\s+longer)\s+(?:that\s+|so\s+|very\s+|really\s+|too\s+|super\s+"
            r"|particularly\s+|terribly\s+|all\s+that\s+)?"
            r"(?:urgent|important|a\s+priority)(?:\s+(?:anymore|any\s+more|at\s+all))?|less\s+(?:urgent|important)"
            r"|(?:no|zero)\s+(?:(?:real|huge|big|great|massive|major|particular)\s+)?(?:hurry|rush|urgency)"
            r"(?:\s+(?:at\s+all|whatsoever)|\s+(?:on|for|with)(?=\s+(?!now\b)\w))?"
            r"|not\s+(?:a\s+)?(?:big|huge|top|major|real)\s+priority"
            r"|not\s+(?:much\s+of\s+)?a\s+priority|(?:(?:it|this|that)(?:\s+one)?\s+)?can\s+(?:(?:definitely"
            r"|totally|easily|probably|def|surely|certainly|safely|always|prob)\s+)?wait|low\s+importance"
            r"|(?:maybe\s+)?some\s*day(?:\s+maybe)?|low\s+prio(?:rity)?|some\s*time(?=[\s,.!]*$)|nbd|whenevs"
            r"|(?:but\s+)?there'?s\s+no\s+(?:rush|hurry)|nice[\s-]to[\s-]have"
            r"|not\s+(?:essential|necessary|vital|critical)"
            r"|low\s+prio|(?:at\s+)?some\s+point|eventually|low[\s-]+pri\b"
            r"|nothing\s+(?:urgent|important|pressing|serious)|no\s+(?:big\s+deal|biggie|pressure|stress)"
            r"|(?:at\s+)?some\s+stage|one\s+of\s+these\s+days|(?:not\s+(?:very\s+|that\s+|too\s+)?high|low)"
            r"\s+on\s+(?:my|the)\s+(?:to[\s-]?do\s+)?list"
            r"|not\s+(?:a\s+)?(?:big\s+deal|pressing|time[\s-]+sensitive|high\s+priority)"
            r"|low[\s-]?key(?:\s+prio(?:rity)?)?|(?:it\s+)?can\s+be\s+done\s+(?:later|whenever|any\s*time|some\s*time)|if\s+i\s+(?:have|get|find)\s+(?:the\s+)?time"
            r"|when(?:ever)?\s+(?:i|you|u)\s+(?:get|have|find)\s+(?:a\s+)?(?:chance|moment|minute|sec"
            r"|second|time)"
            r"|whenever(?:\s+(?:i|you|u)\s+(?:can|get\s+(?:a\s+)?(?:chance|time)|get\s+(?:a)?round\s+to\s+it"
            r"|have\s+(?:the\s+)?time))?)\b(?:\s*,?\s*(?:no\s+rush|whenever))?"
            rf"{_CONDITION}?{_AFTERTHOUGHT}?",
            _I,
        ),
    ),
    (
        "medium",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an)\s+)*\b(?:(?:medium|normal|mid|moderate|average)[\s-]+"
            r"priority|priority\s*(?::|=|-|is|to|of)?\s*(?:medium|normal|2|two)\b|p2|medium)\b",
            _I,
        ),
    ),
    (
        "high",
        re.compile(
            rf"{_CLAUSE}(?:\b(?:to|as|with|at|of|a|an|it's|it\s+is|its|very|super|really|extremely|quite"
            r"|pretty|fairly|rather|so|kinda|incredibly|highly|v|rly|bit|little|somewhat|slightly|duper|mega"
            r"|totally|absolutely|seriously|more)\s+)*"
            r"\b(?:(?:raise|increase|boost|bump(?:\s+up)?|up|upgrade|escalate)(?:\s+(?:the|its|their|this"
            r"|that))?\s+priority"
            r"(?:\s+(?:of|on|for))?|prioriti[sz]e|(?:high|highest|top|max(?:imum)?|urgent)[\s-]+priority"
            r"|priority\s*(?::|=|-|is|to|of)?"
            r"\s*(?:high|top|1|one|urgent)\b|p1"
            # "super important that i renew my passport": the task follows "that i"
            r"|(?:important|urgent|crucial|vital|essential)\s+that\s+(?:i|we)(?:\s+(?:need\s+to|have\s+to"
            r"|must|should|remember\s+to))?(?=\s+\w)"
            r"|(?:as\s+)?a\s+matter\s+of\s+urgency|(?:the\s+)?most\s+important\s+thing"
            r"(?:\s+(?:on\s+my\s+(?:plate|list|mind)|i\s+have|today))?"
            r"|urgent(?:ly)?|asap|a\.s\.a\.p\.?|important(?:\s+to\s+(?:me|us))?|critical"
            r"|high\s+prio|top\s+prio|prio\s+(?:high|1)|high\s+importance|immediately|right\s+away"
            r"|(?:of\s+)?(?:the\s+)?(?:utmost|great|huge|critical|top)\s+importance|high\s+urgency"
            r"|top\s+of\s+the\s+list|(?<=\bto\s)high(?=\s*$)|(?<=\bas\s)high(?=\s*$)"
            r"|(?:(?<=\bit\s)|(?<=\bthat\s)|(?<=\bthis\s))high(?=\s*$)"
            r"|(?:(?<=[-:(\[,]\s)|(?<=[-:(\[,]))high(?=\s*[)\]]?[.!]*\s*$)|a\s+must(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?\s*[.!]*\s*$)"
            r"|(?:needs?|has\s+to|have\s+to)\s+(?:to\s+)?(?:be\s+|get\s+)?(?:doing|done|handling|handled|happen"
            r"|sorted|sorting|seen\s+to)\s+(?:asap|urgently|immediately"
            r"|right\s+away)|right\s+now(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?\s*[.!]*\s*$)|importance\s*(?::|=|is)?\s*high"
            r"|hi(?:gh)?[\s-]*pri(?:o(?:rity)?)?|top\s+pri|(?:a\s+)?big\s+deal|time[\s-]+sensitive"
            r"|(?:a|top)\s+priority(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?\s*[.!]*\s*$)|(?:number|no\.?)\s*(?:one|1)\s+priority"
            r"|priority\s+(?:number|no\.?|#)\s*(?:one|1)|(?:an\s+)?(?:emergency|crucial|vital|pressing)(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?\s*[.!]*\s*$)"
            r"|(?:need|want)\s+(?:this|it|that)\s+(?:done|sorted|handled|finished)\s+(?:asap|urgently|immediately"
            r"|right\s+away|straight\s+away)|(?:high|top)\s+(?:up\s+)?on\s+(?:my|the)\s+(?:to[\s-]?do\s+)?list"
            r"|must[\s-]do(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?[\s.!]*$)|time[\s-]+critical|straight\s+away|the\s+sooner\s+the\s+better"
            r"|before\s+anything\s+else|(?:first|main|key|biggest)\s+priority|hight[\s-]+prio(?:rity)?"
            r"|(?:(?:this|that|it)(?:\s+one)?\s+)?(?:really\s+)?matters\s+(?:a\s+lot|so\s+much|a\s+great\s+deal"
            r"|big\s+time)|(?:this|that|it)(?:\s+one)?\s+(?:really\s+)?matters(?=(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?[\s.!]*$))\b"
            rf"{_AFTERTHOUGHT}?|!{{2,}}|#\s*1\s+priority\b",
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


# "bump the gym down", "move it down the list", "knock X down a notch": lower
_BUMP_DOWN = re.compile(
    r"^\s*(?P<kw>bump|move|knock|push|drop)\s+\S.*?(?P<down>\s+down(?:\s+(?:a\s+(?:notch|peg|bit)"
    r"|(?:the|my)\s+(?:to[\s-]?do\s+|priority\s+)?list))?)\s*[.!]*\s*$",
    _I,
)


# "put X at the top of my list", "X, top of the list", "it's high on my list": where on the
# to-do list is a priority
_LIST_RANK = re.compile(
    r"(?:\s*,\s*|\s+)(?:(?:and\s+)?(?:put|move|place|stick)\s+(?:it|this|that)\s+)?(?:(?:at|to|on)\s+)?"
    r"(?:the\s+)?(?P<end>top|head|bottom)\s+of\s+(?:the|my|our)\s+(?:to[\s-]?do\s+)?list\b"
    r"|(?:\s*,\s*|\s+)(?:(?:it|this|that)(?:'s|\s+is)\s+|its\s+)?(?P<level>(?:not\s+(?:very\s+|that\s+"
    r"|too\s+|super\s+)?)?(?:high|low))\s+(?:up\s+)?on\s+(?:the|my|our)\s+(?:to[\s-]?do\s+)?list\b",
    _I,
)


def take_list_rank(utterance: Utterance) -> Priority | None:
    """The priority a place on the to-do list says ("at the top of my list" is high); consumed."""
    match = _LIST_RANK.search(utterance.masked)
    if match is None:
        return None
    utterance.consume(match.start(), match.end())
    place = (match["end"] or match["level"]).lower()
    return "low" if place in ("bottom", "low") or place.startswith("not") else "high"


# "from low to high": the level it is changed to, whichever the patterns would find first
_FROM_TO = re.compile(
    r"\bfrom\s+(?:low|medium|normal|mid|high|top|urgent)(?:\s+prio(?:rity)?)?\s+to\s+"
    r"(?P<level>low|medium|normal|mid|high|top|urgent)(?:\s+prio(?:rity)?)?\b",
    _I,
)
_LEVELS: dict[str, Priority] = {
    "low": "low", "medium": "medium", "normal": "medium", "mid": "medium", "high": "high",
    "top": "high", "urgent": "high",
}  # fmt: skip
# "book an urgent care appointment", "sort the important papers": a word of the task's name
_ATTRIBUTIVE = re.compile(
    r"(?P<det>(?:a|an)\s+)?(?:urgent|important|critical|crucial|vital|pressing|emergency"
    r"|(?:high|top|low)[\s-]+priority)",
    _I,
)
# "book urgent care", "update my emergency contact": names of things without an article
_SERVICE_AFTER = re.compile(r"\s+(?:care|room|services?|contacts?|exits?|kit)\b", _I)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:a|an|the|my|your|our|his|her|their|some|any|these|those)\s+$", _I
)
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:tasks?|todos?|to-dos?|items?|reminders?|things?|ones?|stuff|jobs?|errands?|matters?"
    r"|priority|and|or|but|to|for|so|now|too|please|pls)\b)[a-z]",
    _I,
)
_COMMAND_BEFORE = re.compile(
    r"(?:^|\b(?:add|create|new|insert|enter|schedule|put|note|save|record|todo|please|pls|plz)"
    r"|[:\-])\s*$",
    _I,
)
# "turn the oven to low": a dial's setting, not the task's priority
_DIAL = re.compile(r"\bturn(?:ed|ing|s)?\b", _I)


def _names_a_thing(masked: str, match: re.Match[str]) -> bool:
    """Whether the priority word is part of a name ("an urgent care appointment", "to low")."""
    said = match.group().strip()
    attributive = _ATTRIBUTIVE.fullmatch(said)
    if attributive is not None:
        if _SERVICE_AFTER.match(masked, match.end()):
            return True
        if attributive["det"]:
            before = masked[: match.start()]
        else:
            determiner = _DETERMINER_BEFORE.search(masked[: match.start()])
            if determiner is None:
                return False
            before = masked[: determiner.start()]
        # "sort the important papers" names them; "(add) an important call" is the task itself
        return bool(_NOUN_AFTER.match(masked, match.end())) and not _COMMAND_BEFORE.search(before)
    words = said.lower().split()
    if len(words) <= 2 and words[-1] in ("low", "high"):
        return bool(_DIAL.search(masked[: match.start()]))
    return False


def extract_priority(utterance: Utterance) -> Priority | None:
    masked = utterance.masked
    bump = _BUMP_UP.match(masked)
    if bump is not None:
        utterance.consume(bump.start("kw"), bump.end("kw"))
        utterance.consume(bump.start("up"), bump.end())
        return "high"
    lowered = _BUMP_DOWN.match(masked)
    if lowered is not None:
        utterance.consume(lowered.start("kw"), lowered.end("kw"))
        utterance.consume(lowered.start("down"), lowered.end())
        return "low"
    changed = _FROM_TO.search(masked)
    if changed is not None:
        utterance.consume(changed.start(), changed.end())
        return _LEVELS[changed["level"].lower()]
    for priority, pattern in _PRIORITY_PATTERNS:
        match = _said(pattern, masked)
        if match is not None:
            utterance.consume(match.start(), match.end())
            # "at some point, no hurry": a second phrase saying the same goes too
            while (
                again := _said(pattern, utterance.masked)
            ) is not None and again.end() > again.start():
                utterance.consume(again.start(), again.end())
            return priority
    return None


def _said(pattern: re.Pattern[str], masked: str) -> re.Match[str] | None:
    """The first match of `pattern` that says a priority rather than naming a thing."""
    return next((m for m in pattern.finditer(masked) if not _names_a_thing(masked, m)), None)


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
