"""Entity extraction: what a message says about the task(s) its intent acts on.

Extractors run in a fixed order over one `Utterance`, each consuming the words it used, so
the title or reference is what no extractor claimed: recurrence, reminder offsets, dates and
times, tags, priority, then the words around them (verbs, fillers, list phrases).
"""

import re
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Literal

from todo_backend.nlu.dates import (
    DUE_DEFAULT_TIME,
    REMINDER_DEFAULT_TIME,
    TemporalMatch,
    When,
    combine,
    find_temporal,
)
from todo_backend.nlu.filters import list_filters
from todo_backend.nlu.intents import Entities, Intent, StatusFilter
from todo_backend.nlu.lists import take_list
from todo_backend.nlu.recurrence import Recurrence, find_recurrence
from todo_backend.nlu.task_fields import (
    extract_priority,
    extract_remind_before,
    extract_tags,
    take_list_rank,
    take_reminder_cue,
)
from todo_backend.nlu.text import GAP, NUMBER, Message, Utterance, clean_fragment, to_number
from todo_backend.nlu.wording import EDGE_CONNECTORS, finish, fragments, strip_lead

_I = re.I

# --- leading and trailing words -------------------------------------------------------------
_ADD_LEAD = re.compile(
    r"^(?:(?:add|create|insert|enter|save|record|new|make|put|set\s+up|jot\s+down|note\s+down"
    r"|write\s+down|schedule|start)\s+(?:for\s+me\s+)?(?:(?:a|an|the|another|one\s+more|new|quick)\s+)*"
    r"(?:task|todo|to-do|to\s+do|item|entry|reminder|note|one|thing)s?\b\s*(?:(?:called|named|titled"
    r"|that\s+says|saying|for\s+me\s+to|to|for|about|of)\b|:|-)?"
    r"|(?:add|create|insert|new|jot\s+down|note\s+down|write\s+down|note)\b(?:\s*:|\s+-)?"
    r"|put\b(?=.+\s(?:on|in|onto|to)\s+(?:my|the)\s+(?:to-?do\s+)?(?:list|tasks|todos|calendar|agenda"
    r"|schedule)\b)"
    r"|(?:a\s+|an\s+)?(?:new\s+)?(?:task|todo|to-do|item|reminder)\s+(?:to|for|about|called|named)\b"
    r"|(?:todo|to-do|task|reminder|note(?:\s+to\s+self)?)\s*[:-]|(?:todo|to-do)\s+(?!list)(?=\w)"
    r"|(?:i|we)\s+(?:really\s+)?(?:need|have|got|ought|want|plan|still\s+need|still\s+have)\s+to"
    r"|(?:i|we)\s+(?:must|should|gotta|'ve\s+got\s+to|have\s+got\s+to)"
    r"(?:\s+(?:really|still|also|probably|definitely))?"
    r"|i've\s+got\s+to|i'll\s+need\s+to|(?:need|have|got)\s+to|gotta|must"
    r"|(?:don't|do\s+not|dont)\s+(?:let\s+me\s+)?forget\s+(?:to|about)"
    r"|(?:i\s+)?(?:can't|cannot|can\s+not|mustn't|must\s+not)\s+forget\s+(?:to|about)"
    r"|(?:i'm\s+|i\s+am\s+)?(?:gonna|going\s+to)\s+(?:need|have)\s+to|need\s+(?!to\b)(?=\w)"
    r"|(?:remember|remind\s+me)\s+to|make\s+sure\s+(?:i|to)|my\s+task\s+is\s+to"
    r"|there's\s+(?:a\s+)?(?:task|something)\s+to"
    r"|(?:(?:i|we)(?:'ve|\s+have)?\s+got|(?:i|we)\s+have|there(?:'s|\s+is))\s+(?:an?)\s+"
    r"(?!(?:lot|few|bunch|ton|couple|task|something|feeling|question|problem)\b))"
    r"(?:(?<=[:\-])|\b)\s*",
    _I,
)
# "I need hot dogs added (to my shopping list)": the list phrase is gone by now.
_NEEDS_ADDING = re.compile(
    r"^(?:(?:i|we)\s+(?:really\s+)?(?:need|want|would\s+like|'d\s+like)|please\s+get"
    r"|make\s+sure|check|ensure)\s+(?P<x>.+?)"
    r"(?:\s+(?:added|put|included|listed|on\s+there|in\s+there|on\s+it|(?:is|are)\s+on(?:\s+it)?))?"
    r"(?:\s*,?\s+(?:please|pls|plz|thanks|thx|ty))*\s*$",
    _I,
)
_LIST_VERB = re.compile(
    r"^(?:put|stick|include|pop|throw|chuck|bung|toss|slap|place|get|write|jot|needs?|should\s+have"
    r"|update\s+with)"
    r"\s+(?:down\s+)?",
    _I,
)
_ADDED_TAIL = re.compile(
    r"\s+(?:added|put\s+(?:on|in)|included|listed|(?:needs?|has|have)\s+to\s+(?:go|be\s+(?:added|put))"
    r"|should\s+(?:go|be\s+added)|goes|should\s+be|(?:needs?|has|have)\s+to\s+be"
    r"|(?:gotta|got\s+to|must|can|will)\s+go|on\s+it|on\s+there|in\s+there)\s*$",
    _I,
)
_LIST_SUFFIX = re.compile(
    r"\s+(?:to|on|onto|in|into|for)\s+(?:my|the|our)\s+(?:to-?do\s+|task\s+|todo\s+|shopping\s+)?"
    r"(?:list|tasks|todos|to-dos|agenda|calendar|schedule)\b.*$"
    r"|\s+as\s+(?:a\s+)?(?:new\s+)?(?:task|todo|to-do|reminder)\s*$"
    r"|(?:[\s,.!?'\"]+(?:please|pls|plz|(?:and\s+)?(?:thanks|thank\s+you)|thx|ty|cheers|for\s+me"
    r"|i\s+guess|lol|(?:i\s+think\s+)?we(?:'re|\s+are)\s+(?:all\s+)?out|i'm\s+out|i\s+think|(?:would|will|could|can)\s+(?:you|ya|u)"
    r"|if\s+(?:you|u)\s+(?:can|could|would|don't\s+mind))"
    r"(?:\s+(?:so\s+much|a\s+lot|very\s+much|in\s+advance))?|[\s,]+(?:too|as\s+well|also))+[\s!.?]*$"
    r"|\s*[:;]-?[)(]+\s*$"  # "… :)"
    r"|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+\s*$",
    _I,
)
# "please you add eggs", "please to add bread", "alexa, add garlic": words before the verb
_STRAY_LEAD = re.compile(
    r"^(?:(?:\.{2,}|…)\s*(?=\w)"
    r"|(?:(?:you|u)\s+(?:can|could|should|may)|i\s+(?:want|wanna|would\s+like)|please\s+to|you|u|to|just)"
    r"\s+(?=(?:add|put|insert|include|write|jot|delete|remove|mark|cancel|check|tick"
    r"|cross|complete|change|move)\b)|(?:adding|putting)\s+(?=\w)"
    r"|like\s+(?=(?:\d|a|an|some|two|three|four|five|six|ten|a\s+few|maybe)\b)|like\s*,\s*(?=\w)"
    r"|(?:basically|honestly|literally|seriously)\s+(?=\w)"
    r"|(?:hey\s+|ok\s+|okay\s+)?(?:alexa|siri|google|cortana|bixby|olly|bot|chatbot|assistant)"
    r"[\s,!.:-]+(?=(?:add|put|insert|include|write|jot|remove|delete|take|cross|mark|check|tick"
    r"|remind|set|create|make|new)\b))",
    _I,
)
_COMPLETE_LEAD = re.compile(
    r"^(?:mark(?:ed)?|(?:check|tick|cross|scratch)(?:ed)?(?:\s+off)?|strike|complete"
    r"|completed|finish|finished|close|closed|done(?:\s+with)?|i(?:'m|\s+am)\s+(?:all\s+)?(?:done|finish)\s+with"
    r"|i(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)?(?:finished|completed|done|did|handled"
    r"|took\s+care\s+of|bought|paid|called|sent|got|cleaned)|(?:i\s+)?(?:just\s+|already\s+|finally\s+)"
    r"?(?:finished|completed|did|bought|paid|got|submitted)|set|flag|resolve|resolved)\b\s*",
    _I,
)
_COMPLETE_TAIL = re.compile(
    r"(?:(?:'s|\s+(?:as|is|are|has\s+been|have\s+been|was|got|now))?\s*\b(?:done|complete|completed|finished"
    r"|resolved|closed|checked|taken\s+care\s+of|sorted|handled|over|bought|purchased|gotten"
    r"|picked\s+up)|\s+off(?:\s+(?:my|the)\s+list)?"
    r"|\s+(?:from|on)\s+(?:my|the)\s+list|\s+already|\s+finally|\s+now|\s+today|\s+please"
    r"|\s+(?:thanks|thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|cheers)|\s+(?:too|as\s+well|also)"
    r"|\s+(?:is|are|has\s+been|have\s+been|got)\s+(?:all\s+)?(?:paid|booked|fixed|cleaned|washed|bought"
    r"|sent|submitted|renewed|returned|posted|mailed|filed|handed\s+in|picked\s+up))+\s*$",
    _I,
)
_DELETE_LEAD = re.compile(
    r"^(?:no\s+(?:more\s+)?need\s+(?:to|for)|(?:i\s+|we\s+)?(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need|have)"
    r"(?:\s+to\b)?|(?:i\s+|we\s+)?(?:won'?t|will\s+not)\s+(?:be\s+)?need(?:ing)?(?:\s+to\b)?|delete|remove|erase|trash(?!\s+(?:bags?|cans?|bins?|day|pick-?up|collection))|drop"
    r"|cancel|scrap|discard|get\s+rid\s+of|clear|(?:forget|never\s*mind)(?:\s+about)?"
    r"|nuke|kill|ditch|toss|purge|wipe|take)\b(?:\s+(?:out|off))?\s*",
    _I,
)
_DELETE_TAIL = re.compile(
    r"(?:\s+(?:from|off|out\s+of)\s+(?:my|the)\s+(?:to-?do\s+)?(?:list|tasks|todos)|\s+off\s+the\s+list"
    r"|\s+(?:please|now|for\s+good|permanently|entirely|completely|altogether|anymore"
    r"|any\s+more)"
    r"|\s+(?:is|was)\s+(?:cancell?ed|off|not\s+happening)|\s+(?:it'?s|it\s+is)\s+not\s+needed"
    r"|\s+(?:can|could|should|needs?\s+to|has\s+to)\s+(?:come|go|be\s+(?:taken|removed|deleted))"
    r"(?:\s+(?:off|out))?)+\s*$",
    _I,
)
_BULK = re.compile(
    r"\b(?:all\s+(?:(?:of\s+)?(?:my|the)\s+)?(?:\w+\s+)?(?:tasks?|todos?|to-dos?|items?|ones|of\s+them)"
    r"|every\s+(?:single\s+)?(?:\w+\s+)?(?:tasks?|todos?|to-dos?|items?)|everything|all\s+(?:the\s+)?"
    r"(?:completed|finished|done|pending|open)(?:\s+ones)?|all(?=\s+(?:as\s+)?(?:done|complete|completed"
    r"|finished)\b)|(?:completed|finished|done)\s+(?:tasks|todos|to-dos|items|ones))\b"
    r"|^(?:clear|purge)\s+(?:(?:my|the|all)\s+)?(?=completed|finished|done)",
    _I,
)
# "all of them", "all three of those": what the conversation showed, not every task
_LISTED_ALL = re.compile(
    r"\b(?:all|both|each)(?:\s+(?:two|three|four|five))?\s+of\s+(?:them|those|these)\b"
    r"|\b(?:them|those|these)\s+(?:all|both|two|three)\b|\ball\s+(?:two|three|four|five)\b",
    _I,
)
_BULK_STATUS = re.compile(
    r"\b(?:(?P<pending>pending|open|unfinished|incomplete)|completed|finished|done|complete)\b", _I
)
# "we're out of olive oil, add it to the list": the item is in the other clause
_ADD_IT = re.compile(
    r"^(?P<x>.+?)[\s,;.]+(?:(?:so|and|please|pls|can\s+you|could\s+you|would\s+you|will\s+you)\s+)*"
    r"(?:add|put|stick|throw|pop|note|save|jot\s+down)"
    r"\s+(?:it|that|them|those|these|one|some)(?:\s+(?:on|in)\s+there)?(?:\s+(?:too|please|pls))*\s*$",
    _I,
)
_OUT_OF = re.compile(
    r"^(?:(?:we|i)(?:'re|\s+are|'m|\s+am)?\s+(?:(?:all|completely|almost|nearly|running|have\s+run"
    r"|'ve\s+run|ran)\s+)*(?:out\s+of|low\s+on)|im\s+out\s+of|out\s+of)\s+",
    _I,
)
_ADD_COMMAND = re.compile(r"(?:add|create|insert|enter|new)\b", _I)
_ADD_VERB = re.compile(r"(?:add|put|stick|throw|pop|include|jot|write\s+down|new\s+task)\b", _I)
# A remark before the command: "we're out of salt, add salt …", "ugh, i keep forgetting, add …"
_REMARK = re.compile(
    r"(?:i|we|i'm|we're|im|i've|we've|it's|its|there's|so|ok|okay|oh|ugh|hmm|just|btw|also|also,"
    r"|argh|damn|dang|shoot|oops|looks\s+like|seems|my|our|the|this|that|he|she|they)\b",
    _I,
)
_CLAUSE_BREAK = re.compile(
    r"\s*[,;]\s*|\s+-\s+|\s+(?:so|then|and\s+then)\s+"
    r"|\s+(?=(?:you|u)\s+can\s+(?:mark|check|tick|cross|delete|remove|cancel)\b)",
    _I,
)
# "you can tick it off": permission is a command too
_PERMISSION = re.compile(
    r"^(?:(?:you|u)\s+(?:can|could|may)|feel\s+free\s+to|go\s+ahead\s+and)\s+", _I
)
_COMMAND_VERB = re.compile(
    r"(?:mark|check|tick|cross|complete|close|delete|remove|erase|trash|drop|cancel|scrap|discard"
    r"|get\s+rid|nuke|ditch|toss|purge|wipe|take|clear)\b",
    _I,
)
_UPDATE_LEAD = re.compile(
    r"^(?:change|update|edit|modify|set|make|move|reschedule|postpone|push(?:\s+back)?|delay|bump"
    r"|lower|raise|increase|decrease|reduce|boost|drop"
    r"|switch|shift|put|mark|give|adjust|rename|retitle|bring(?:\s+forward)?|pull|put\s+off|prioriti[sz]e"
    r"|moving|pushing|rescheduling|postponing|shifting|changing|moved|pushed|changed|rescheduled"
    r"|postponed|shifted|flag|mv|downgrade|upgrade|escalate|demote|promote|re-?prioriti[sz]e"
    r"|i'?d\s+like|i\s+would\s+like|i\s+want|i\s+wanna"
    r"|deprioriti[sz]e|add|tag|label)\b\s*",
    _I,
)
_UPDATE_FIELD = re.compile(
    r"^(?:when|what\s+(?:time|day)\s+)|^(?:the\s+|a\s+|an\s+)?(?:new\s+)?(?:title|name|text|wording|due\s+date"
    r"|deadline|date|due\s+time|time|priority"
    r"|recurrence|schedule|reminder|alarm|tags?|labels?)\s+(?:of|for|on)\s+",
    _I,
)
_UPDATE_TAIL = re.compile(
    r"(?:\s*'s\s+(?:title|name|due\s+date|deadline|date|priority|time)|\s+(?:title|name|due\s+date"
    r"|deadline|date|priority|time)|\s+(?:should|must|needs\s+to|has\s+to|will)\s+be(?:\s+(?:done|finished|completed"
    r"|ready))?|\s+is\s+now|\s+(?:back|forward|ahead|later|earlier)?\s*(?:by\s+)?(?:a|one|two|three|\d+)"
    r"\s+(?:day|week|hour|month)s?(?:\s+(?:later|earlier))?"
    r"|\s+(?:back|forward|out|up|instead|only|please|repeat|recur|recurring|repeating|happen|occur"
    r"|go\s+off|be|anymore|any\s+more|now|instead|has|have|does|is|are|2|til|till|until|should|must"
    r"|thanks(?:\s+(?:so\s+much|a\s+lot))?|thank\s+you|thx|ty|cheers|tbh|honestly|lol|or\s+so)|\s+to"
    r"|\s+as|'s"
    r"|\s+for|\s+a|\s+an)+\s*$",
    _I,
)
_FIELD_ONLY = re.compile(
    r"^(?:the|its|it's|their)?\s*(?:title|name|text|wording|due\s+date|deadline|date|due\s+time"
    r"|time|priority|recurrence|schedule|reminder)?(?:\s*(?:instead|rather))?$",
    _I,
)
_CALL_IT = re.compile(
    r"^(?:call|name|title)\s+(?P<ref>it|that|this)(?:\s+one)?\s+(?P<new>.+?)(?:\s+instead)?$", _I
)
_RENAME = re.compile(
    r"^(?:rename|retitle|re-?name|change|update|edit|modify|switch|replace|call)\s+(?:the\s+(?:title|name"
    r"|text|wording)\s+(?:of|for|on)\s+)?(?P<ref>.+?)\s+(?:to|into|as|with|2)\s+(?P<new>.+)$",
    _I,
)
_CONTEXT_REFERENCE = re.compile(
    r"^(?:it|its|it's|that|that's|this|them|those|these|that\s+one|this\s+one|that\s+task|this\s+task|the\s+task"
    r"|the\s+(?:last|latest|previous|newest|most\s+recent|first)(?:\s+(?:one|task|item|todo|reminder))?"
    r"(?:\s+(?:i|you)\s+(?:just\s+)?(?:added|created|made|mentioned|said))?"
    r"|(?:last|latest|previous)\s+(?:one|task)|the\s+(?:one|task|thing|item|todo|reminder)\s+(?:i|you)\s+(?:just\s+)?"
    r"(?:added|created|made|mentioned|said)|(?:the\s+)?same\s+(?:one|task)|one)$",
    _I,
)
# "the second one", "number 2", "the last one": a position in what this conversation showed.
_ORDINAL_REFERENCE = re.compile(
    r"^(?:the\s+)?(?P<n>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)"
    r"(?:\s+(?:one|task|item|todo|reminder|entry))?$"
    r"|^(?:the\s+)?(?:(?:task|item|one)\s+)?(?:number|no\.?|#)\s*(?P<d>[1-9])$",
    _I,
)
_PLURAL_REFERENCE = re.compile(
    r"^(?:both(?:\s+of\s+(?:them|those|these))?|them(?:\s+both|\s+all)?|those|these"
    r"|(?:those|these|the)\s+(?:two|three|ones|tasks|items)|the\s+two\s+of\s+them)$",
    _I,
)
_REFERENCE_ARTICLES = re.compile(
    r"^(?:(?:the|my|our|a|an|that|this)\s+)?(?:(?:task|todo|to-do|item|reminder)s?\b\s*"
    r"(?:(?:called|named|titled|about|for|to|that\s+says|:)\s+)?)?",
    _I,
)
_ONE_ABOUT = re.compile(r"^(?:the\s+)?one\s+(?:about|for|with|called|named|that\s+says)\s+", _I)
_ADVERB = re.compile(r"^(?:just|already|finally|now)\s+(?=\w)", _I)
_HESITATION = re.compile(r"\b(?:uh+|um+|erm+|uhm+)\b\s*", _I)
_REFERENCE_TAIL = re.compile(r"(?:\s+(?:task|todo|to-do|item|one|reminder|thing))+\s*$", _I)


def _add_clause(text: str) -> str:
    """In "we're out of salt, add salt to the list" the command is the clause that adds."""
    clauses = _CLAUSE_BREAK.split(text)
    for i, clause in enumerate(clauses[1:], start=1):
        adds = _ADD_VERB.match(strip_lead(clause.strip())) and not _ADD_IT.match(f"x {clause}")
        if adds and _REMARK.match(clauses[0].strip()):
            return " ".join(clauses[i:])
    return text


# "renew car insurance, it runs out on friday", "cancel the gym, i never go anyway": why, said
# after the task in a clause of its own, is no part of its title
_ASIDE = re.compile(
    r"(?:\s*[,;(]\s*|\s+-\s+|\s+(?:because|since|cause|'cause|coz|cuz)\s+)(?:i|it|they|he|she|we|his|her"
    r"|their|its|it's|they're|they've|she's|he's|i'm|i've|i'll|she'll|he'll|they'll|we're|we've"
    r"|there's|the\s+[\w-]+(?:'s|\s+is|\s+are|\s+was|\s+were))\b[^,;()]*\)?\s*$",
    _I,
)


def extract_title(leftover: str, *, on_a_list: bool = False) -> str | None:
    text = _add_clause(strip_lead(fragments(leftover), _STRAY_LEAD))
    added = _ADD_IT.match(text)
    if added is not None:  # "i need to get milk add it to my list"
        text = strip_lead(added["x"], _OUT_OF)
    # "put X on the list", "(my list) needs X": the verb is the command; "add get a haircut"
    # keeps it
    list_verb = () if added or _ADD_COMMAND.match(text) else (_LIST_VERB,)
    text = strip_lead(text, _STRAY_LEAD, _ADD_LEAD)
    if on_a_list:
        needs = _NEEDS_ADDING.match(text)
        if needs is not None:
            text = needs["x"]
        text = strip_lead(_ADDED_TAIL.sub("", text), _STRAY_LEAD, _ADD_LEAD, *list_verb)
    return finish(_drop_aside(_LIST_SUFFIX.sub("", text), leftover))


def _drop_aside(text: str, leftover: str) -> str:
    """`text` without the aside that ends the message, looked for in `leftover` (where the comma
    before it is still there when a date between them was consumed)."""
    aside = _ASIDE.search(leftover)
    if aside is None:
        return text
    said = _LIST_SUFFIX.sub("", fragments(aside.group())).strip()
    if said and text.endswith(said) and text[: -len(said)].strip(" ,;-("):
        return text[: -len(said)]
    return text


def _reference(text: str) -> tuple[str | None, bool]:
    """(reference, refers_to_context) from the words naming a task."""
    text = clean_fragment(text)
    if _PLURAL_REFERENCE.match(text):
        return "them", True
    ordinal = _ORDINAL_REFERENCE.match(text)
    if ordinal is not None:
        position = ordinal["n"] or ordinal["d"]
        return (f"number {position}" if ordinal["d"] else f"{position.lower()} one"), True
    if not text or _CONTEXT_REFERENCE.match(text):
        return None, True
    text = _ONE_ABOUT.sub("", _HESITATION.sub("", _ADVERB.sub("", text, count=1)), count=1)
    for _ in range(2):  # "the task about the tax return"
        text = _REFERENCE_ARTICLES.sub("", text, count=1)
    text = _REFERENCE_TAIL.sub("", text)
    text = clean_fragment(text)
    if not text or _CONTEXT_REFERENCE.match(text):
        return None, True
    if re.fullmatch(r"[1-9]", text):  # "mark task 2 done"
        return f"number {text}", True
    return text, False


def _command_clause(text: str, lead: re.Pattern[str]) -> str:
    """In "i went to the gym, check that off" the command is the clause that names the task."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    if len(clauses) < 2:
        return text
    bare = [strip_lead(c.strip(), _PERMISSION) for c in clauses]
    commands = [c for c in bare if lead.match(c) and _COMMAND_VERB.match(c)]
    return commands[-1] if commands else text


def _reference_for(
    leftover: str, lead: re.Pattern[str], tail: re.Pattern[str]
) -> tuple[str | None, bool]:
    text = strip_lead(_command_clause(fragments(leftover), lead), _STRAY_LEAD, _PERMISSION, lead)
    text = tail.sub("", text.rstrip(" !.?"))  # "tax return is done!!"
    text = _LIST_SUFFIX.sub("", text)
    return _reference(EDGE_CONNECTORS.sub("", f" {text} ").strip())


def _bulk_status(utterance: Utterance) -> StatusFilter | None:
    """'delete all completed tasks', 'get rid of everything that's done': a status filter."""
    masked = utterance.masked
    match = _BULK.search(masked)
    if match is None:
        return None
    utterance.consume(match.start(), match.end())
    if match.group(0).lower() == "all":  # "mark all as done": "done" is the action
        return "all"
    status = _BULK_STATUS.search(masked)
    if status is not None:
        utterance.consume(status.start(), status.end())
        if status["pending"]:
            return "pending"
        return "completed"
    return "all"


def _split_reminder(
    matches: list[TemporalMatch], cue: int | None
) -> tuple[When | None, When | None]:
    if cue is None:
        return combine(matches), None
    due = [m for m in matches if m.start < cue]
    remind = [m for m in matches if m.start >= cue]
    return combine(due), combine(remind)


def _resolve(
    when: When | None,
    recurrence: Recurrence | None,
    *,
    now: datetime,
    default_time: time,
) -> datetime | None:
    if recurrence is not None:
        at = (
            recurrence.times[0]
            if recurrence.times
            else (when.time_part if when else None) or recurrence.implied_time or default_time
        )
        start = (
            when.date_part.day if when and when.date_part and not when.date_part.instant else None
        )
        return recurrence.first_occurrence(now=now, at=at, start=start)
    if when is None:
        return None
    return when.resolve(now=now, default_time=default_time)


Mode = Literal["add", "reminder"]

# "at 8am and 8pm", "at 6am, 2pm and 10pm": times of day in one list
_TIME_JOIN = re.compile(r"\s*(?:,\s*and|,|and|&|\+|n)\s*(?:at\s+)?", _I)
# "at 9 and 21": a bare hour after a time in such a list is a time too
_LISTED_HOUR = re.compile(
    r"(?P<t>(?:[01]?\d|2[0-3])(?::[0-5]\d)?(?:\s*[ap]\.?m\b\.?)?)(?![\w:%])"
    r"(?!\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times|more|other|of)\b)",
    _I,
)


def _listed_times(
    utterance: Utterance, matches: list[TemporalMatch], *, now: datetime
) -> list[time]:
    """The times of day a message lists together ("at 8am and 8pm", "at 9 and 21"), in the
    order said; a bare hour continuing such a list is consumed here."""
    clocks = [m for m in matches if m.time_part is not None and m.date_part is None]
    times: list[time] = []
    for i, match in enumerate(clocks):
        assert match.time_part is not None
        if i and _TIME_JOIN.fullmatch(utterance.masked[clocks[i - 1].end : match.start]) is None:
            return times[:1]  # not one list: "at 9 ... remind me at 8"
        times.append(match.time_part)
    end = clocks[-1].end if clocks else None
    while end is not None:
        join = _TIME_JOIN.match(utterance.masked, end)
        hour = _LISTED_HOUR.match(utterance.masked, join.end()) if join else None
        if join is None or hour is None:
            break
        found = combine(find_temporal(Utterance(f"at {hour['t']}"), now=now))
        if found is None or found.time_part is None or found.date_part is not None:
            break
        times.append(found.time_part)
        utterance.consume(join.start(), hour.end())
        end = hour.end()
    return times


_DAY_NAMES = {"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday",
              "FR": "friday", "SA": "saturday", "SU": "sunday"}  # fmt: skip


def _weekdays_of(recurrence: Recurrence | None) -> frozenset[str]:
    """The weekdays a weekly rule names ("FREQ=WEEKLY;BYDAY=SU" -> {"sunday"})."""
    found = re.search(r"BYDAY=([A-Z,]+)(?:;|$)", recurrence.rule) if recurrence else None
    return frozenset(_DAY_NAMES[code] for code in found[1].split(",")) if found else frozenset()


def _task_details(utterance: Utterance, *, now: datetime, mode: Mode) -> Entities:
    """The details a new or changed task can carry (all but its title and reference)."""
    recurrence = find_recurrence(utterance, now=now)
    remind_before = extract_remind_before(utterance)
    cue = take_reminder_cue(utterance) if mode == "add" else None
    matches = find_temporal(utterance, now=now, recurring_days=_weekdays_of(recurrence))
    if recurrence is not None and recurrence.rule == "FREQ=DAILY":
        said = [m for m in matches if cue is None or m.start < cue]
        recurrence = recurrence.at_times(
            [*recurrence.times, *_listed_times(utterance, said, now=now)]
        )
    details = Entities(
        recurrence=recurrence.rule if recurrence else None,
        remind_before=remind_before,
        tags=extract_tags(utterance),
        priority=extract_priority(utterance),
    )
    when = combine(matches)
    if when is not None and when.date_part is None and recurrence is None:
        details = replace(details, time_only=True)
    if mode == "reminder":
        remind_at = _resolve(when, recurrence, now=now, default_time=REMINDER_DEFAULT_TIME)
        if recurrence is not None:  # "until christmas": the COUNT from the first occurrence
            details = replace(details, recurrence=recurrence.bounded(remind_at))
        return replace(details, remind_at=remind_at)
    due_when, remind_when = _split_reminder(matches, cue)
    due_at = _resolve(due_when, recurrence, now=now, default_time=DUE_DEFAULT_TIME)
    if recurrence is not None:
        details = replace(details, recurrence=recurrence.bounded(due_at))
    remind_at = None
    if remind_when is not None:
        if remind_when.date_part is None and due_at is not None and remind_when.time_part:
            # "add X on friday, remind me at 9am": 9am on the day it is due
            remind_at = datetime.combine(due_at.date(), remind_when.time_part, tzinfo=now.tzinfo)
        else:
            remind_at = remind_when.resolve(now=now, default_time=REMINDER_DEFAULT_TIME)
    elif remind_before is not None and due_at is not None:
        remind_at = due_at - remind_before  # "…, remind me an hour before": what the task stores
    elif cue is not None and remind_before is None:
        remind_at = due_at
    return replace(details, due_at=due_at, remind_at=remind_at)


_REMINDER_LEAD = re.compile(
    r"^(?:(?:please\s+)?(?:remind|alert|notify|ping|nudge|warn|tell)(?:\s+(?:me|us))?"
    r"|(?:set|create|add|make|schedule|put\s+in|put|stick|attach|i\s+(?:want|need|would\s+like"
    r"|'d\s+like)|give\s+me"
    r"|get\s+me|i\s+want|(?:can|could|may)\s+i\s+(?:get|have))\s+(?:up\s+)?(?:a|an|me\s+a|me\s+an|the)?\s*(?:new\s+)?"
    r"(?:reminder|alarm|alert|notification)(?:\s+(?:for|4)\s+(?:me|us)(?=\s+to\b)|\s+in(?=\s+for\b))?"
    r"|(?:new\s+)?reminder\s*:?|(?:don'?t|do\s+not)\s+let\s+me\s+forget)\b\s*",
    _I,
)
_REMINDER_NEW = re.compile(
    r"^(?:(?:(?:for\s+)?(?:me|us)\s+)?(?:to|2)(?!\s+(?:it|that|this|them)\b)"
    r"|that\s+i\s+(?:need|have)\s+to|that\s+i\s+should"
    r"|(?:so\s+(?:that\s+)?)?i\s+(?:remember\s+to|don'?t\s+forget\s+to|can)|so\s+i"
    r"|i\s+(?:need|have)\s+to)\s+",
    _I,
)
_REMINDER_EXISTING = re.compile(
    r"^(?:about|of|for|regarding|on|re:?|to(?=\s+(?:it|that|this|them)\b))\s+", _I
)


def _reminder_entities(utterance: Utterance, *, now: datetime) -> Entities:
    details = _task_details(utterance, now=now, mode="reminder")
    text = fragments(utterance.leftover())
    # "ugh i keep forgetting, remind me to X": the reminder starts at its own clause
    clauses = _CLAUSE_BREAK.split(text)
    starts = [i for i, c in enumerate(clauses) if _REMINDER_LEAD.match(strip_lead(c.strip()))]
    if starts and starts[0] > 0:
        text = " ".join(clauses[starts[0] :])
    text = strip_lead(text, _REMINDER_LEAD)
    new_task = _REMINDER_NEW.match(text)
    title: str | None
    reference: str | None
    if new_task is not None:
        title = extract_title(text[new_task.end() :])
        title = finish(_drop_aside(title, utterance.leftover())) if title else None
        reference, context = None, title is None
    else:
        reference, context = _reference(_REMINDER_EXISTING.sub("", text, count=1))
        title = reference
    return replace(
        details,
        title=title,
        reference=reference,
        refers_to_context=context,
        # "remind me to X at 5" creates X, due when the reminder fires; so does a repeating
        # one (a recurrence counts from the due date)
        due_at=details.remind_at if new_task is not None or details.recurrence else None,
    )


# --- updates ---------------------------------------------------------------------------------
# "postpone X by two days", "push it back a week", "bring X forward a day": a relative move.
_SHIFT_VERB = re.compile(
    r"\b(?:postpone|delay|push|move|bring|shift|bump|put\s+off|reschedule|set\s+back|pull)", _I
)
_SHIFT = re.compile(
    rf"(?:\b(?P<dir>back|forward|ahead|out|up)\s+)?(?P<by>\bby\s+)?\b(?P<n>{NUMBER}|an?|half\s+an?)"
    r"\s+(?P<unit>minute|min|hour|hr|day|week)s?\b(?!\s+(?:before|beforehand|early|in\s+advance"
    r"|prior|ahead\s+of|from\s+now))(?:\s+(?P<dir2>later|earlier|sooner|back|forward|ahead))?",
    _I,
)
_SHIFT_IMPLIED = re.compile(
    r"\b(?:postpone|delay|put\s+off|(?:push|set|move|bring|pull)\s+(?:\S+\s+)*?(?:back|forward|up))\b",
    _I,
)
_EARLIER = frozenset({"forward", "ahead", "up", "earlier", "sooner"})
# What an update empties: "stop repeating X", "no due date for X", "turn off the reminder".
_FIELD_WORDS = {
    "due_at": r"(?:due\s+date|deadline|due\s+time|date)",
    "remind_at": r"(?:reminders?|alarms?|alerts?|notifications?)",
    "recurrence": r"(?:repeats?|repetition|recurrence|repeating|recurring(?:\s+bit)?)",
}
_REMOVE = (
    r"(?:remove|delete|clear|drop|cancel|unset|disable|lose|scrap|get\s+rid\s+of|take(?:\s+off)?"
    r"|(?:turn|switch|shut)\s+off|no(?:\s+more)?|without)"
)
_CLEAR_PATTERNS: list[tuple[str, re.Pattern[str]]] = (
    [
        (
            field,
            re.compile(
                rf"\b(?:turn|switch|shut)\s+(?:(?:the|its|my)\s+)?{words}\s+off\b(?:\s+(?:for|on|of))?",
                _I,
            ),
        )
        for field, words in _FIELD_WORDS.items()
    ]
    + [
        (
            field,
            re.compile(
                rf"\b{_REMOVE}\s+(?:(?:the|its|any|a|my|that|this)\s+)?{words}\b(?:\s+off\b)?"
                r"(?:\s+(?:from|on|for|of|off|about|in))?",
                _I,
            ),
        )
        for field, words in _FIELD_WORDS.items()
    ]
    + [
        (
            "recurrence",
            re.compile(
                r"\b(?:stop|quit)\s+(?:repeating|recurring)\b|\b(?:doesn'?t|does\s+not|don'?t|do\s+not"
                r"|no\s+longer|isn'?t|is\s+not|not|won'?t|shouldn'?t|should\s+not|needn'?t)\s+(?:need\s+to\s+"
                r"|have\s+to\s+)?(?:be\s+)?(?:repeat(?:ing|ed)?|recurr?(?:ing)?|(?:a\s+)?(?:recurring|repeating)"
                r"(?:\s+(?:task|thing|one))?)\b(?:\s+(?:anymore|any\s+more|again))?"
                r"|\b(?:isn'?t|is\s+not|aren'?t|no\s+longer|not)\s+(?:daily|weekly|monthly|yearly|every\s+\w+)"
                r"(?:\s+(?:anymore|any\s+more))?"
                r"|\b(?:(?:make|set)\s+(?:it\s+)?)?(?:a\s+)?(?:one[-\s]off|one[-\s]time\s+thing|just\s+once"
                r"|only\s+once)\b|\b(?:should|will|can|must)?\s*(?:only|just)\s+(?:happen|be\s+done|be)\s+once\b",
                _I,
            ),
        ),
        (
            "remind_at",
            re.compile(
                r"\b(?:stop\s+reminding\s+me|(?:don'?t|do\s+not)\s+remind\s+me"
                r"|(?:(?:i\s+)?(?:don'?t|do\s+not|no\s+longer))\s+(?:need|want)\s+(?:a\s+|the\s+|any\s+)?"
                r"(?:reminders?|alarm|to\s+be\s+reminded))\b(?:\s+(?:about|of|for|on))?",
                _I,
            ),
        ),
        (
            "due_at",
            re.compile(
                r"\b(?:(?:doesn'?t|does\s+not|don'?t|do\s+not|no\s+longer)\s+(?:have|need)\s+(?:a\s+|any\s+"
                r"|the\s+)?|(?:has|have)\s+no\s+)(?:due\s+date|deadline)\b(?:\s+(?:anymore|any\s+more))?",
                _I,
            ),
        ),
    ]
)
_CLEAR_TAGS = re.compile(
    r"\b(?:un-?tag|un-?label)\b|\btake\s+(?:the\s+|its\s+)?(?:(?P<tag3>#?[a-z][\w-]*)\s+)??(?:tags?|labels?)"
    r"\s+off(?:\s+(?:of\s+)?)?|\b(?:remove|delete|clear|drop|take\s+off|get\s+rid\s+of)\s+(?:all\s+)?"
    r"(?:(?:the|its|any|my)\s+)?(?:(?P<tag>#?[a-z][\w-]*)\s+)??(?:tags?|labels?)\b"
    r"(?:\s+(?:from|on|of|off))?",
    _I,
)
# "X is due thursday, not wednesday": the date it is not.
_NOT_DATE = re.compile(
    r"(?:,\s*|\s+)(?:not|instead\s+of|rather\s+than)\s+(?:on\s+)?(?:the\s+\d{1,2}(?:st|nd|rd|th)"
    r"|today|tonight|tomorrow|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?)\b",
    _I,
)
_UPDATE_REQUEST = re.compile(
    r"^(?:(?:i|we)\s+(?:need|have|want|wanna|would\s+like|'d\s+like)\s+to|i'd\s+like\s+to"
    r"|(?:can|could)\s+(?:you|u|we)\s+(?:possibly\s+|please\s+|pls\s+)?|let'?s|sorry|my\s+bad"
    r"|i\s+meant(?:\s+to\s+say)?|i\s+mean|(?:i|we)\s+(?:want|need|would\s+like|'d\s+like)|nah|nope"
    r"|honestly|tbh|actually|like|(?:i\s+think\s+)?(?:we|i)\s+should)\b[\s,]*",
    _I,
)
# "..., can you update it", "and make it high priority": the clause that only points back
_POINTER_CLAUSE = re.compile(
    r"(?:^|\s+|,\s*)(?:and\s+|so\s+)?(?:(?:can|could)\s+(?:you|u)\s+|please\s+)?"
    r"(?:update|change|fix|adjust|move|push|make|set|mark|have)\s+(?:it|that|this)\b.*$"
    r"|\s+(?:pls|please|plz)?\s*update(?:\s+it)?(?:\s+(?:pls|please|plz))?[\s.!]*$",
    _I,
)
# The task a change is about when the message first spares it: "don't delete X, just ...",
# "keep X but ..."
_SPARED = re.compile(
    r"^(?:(?:no|nah|ok|okay|so|wait|please|pls)[\s,]+)*(?:(?:don'?t|dont|do\s+not)\s+(?:delete"
    r"|remove|cancel|drop|scrap|bin|trash|erase)|keep)\s+(?P<x>\S.*?)[\s,;]*"
    r"(?:\b(?:just|but|instead|rather|only))?[\s,;]*$",
    _I,
)
_REPORTED = re.compile(
    r"\s+(?:(?:got|has\s+been|have\s+been|was|were|is|are|should\s+(?:now\s+)?be|will\s+be)\s+)?"
    r"(?:now\s+|actually\s+)?(?:moved|pushed|changed|rescheduled|postponed|delayed|shifted"
    r"|brought\s+forward|coming|happening|due)(?:\s+(?:back|forward|up|out))?(?:\s+now)?\s*$"
    r"|\s+(?:is|are|should\s+be|will\s+be)\s+(?:now|actually|really)\s*$",
    _I,
)
_ORPHAN_FIELD = re.compile(r"^(?:(?:the|its|my|a|an)\s+)?(?:for|of|on|from|about|in)\s+", _I)
_SHOULD_SAY = re.compile(
    r"^(?:(?P<pre>.+?)\s*[,;:-]\s*)?(?:it|that|this|the\s+(?:title|name))\s+should\s+(?:say|read"
    r"|be\s+called|be\s+named|be\s+titled|be(?=.*$))\s+(?P<new>.+)$",
    _I,
)
_ABOUT_THE_TITLE = re.compile(r"\b(?:title|name|typo|wording|spell(?:ing|t|ed)?|misspel\w*)\b", _I)
_TITLE_FIX = re.compile(
    r"^(?:fix|correct|change|update|edit)\s+(?:the\s+)?(?:title|name|wording|text|spelling|typo)"
    r"\s+(?:of|for|on|in)\s+",
    _I,
)


# "make floss a daily habit"; "add a work tag to X"; "bump up X"; "actually make that 8"
_A_HABIT = re.compile(
    r"\ban?\s+(?P<freq>daily|weekly|monthly|yearly|annual|fortnightly)\s+(?:thing|habit|task|event"
    r"|routine|one)\b",
    _I,
)
_HABIT_RULES = {
    "daily": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
    "annual": "FREQ=YEARLY",
    "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
}
_ADD_TAG = re.compile(
    r"\b(?:add|put|stick|attach|apply|give\s+it)\s+(?:(?:the|a|an)\s+)?(?:(?P<tag>#?[\w-]+)\s+)??"
    r"(?:tag|label)s?\b(?:\s+(?P<tag2>#?[\w-]+))?\s+(?:to|on|onto)\b",
    _I,
)
_BUMP_UP_LEAD = re.compile(r"^\s*bump\s+up\b(?!\s+(?:the\s+)?priority)", _I)
_BARE_HOUR = re.compile(
    r"^\s*(?P<lead>(?:(?:actually|ok|okay|no|wait|sorry|oh|hmm)[\s,]+)*(?:make|change|set|move|put)\s+"
    r"(?:it|that|this)(?:\s+one)?\s+(?:to\s+|at\s+|for\s+)?)(?P<h>1[0-2]|[1-9]|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve)(?::(?P<m>[0-5]\d))?(?:\s+(?:instead|please|o'?clock))*[\s.!]*$",
    _I,
)


def _take_habit(utterance: Utterance) -> str | None:
    match = _A_HABIT.search(utterance.masked)
    if match is None:
        return None
    utterance.consume(match.start(), match.end())
    return _HABIT_RULES[match["freq"].lower()]


def _take_added_tag(utterance: Utterance) -> tuple[str, ...]:
    match = _ADD_TAG.search(utterance.masked)
    if match is None:
        return ()
    utterance.consume(match.start(), match.end())
    named = (match["tag"] or match["tag2"] or "").lstrip("#").lower()
    if named and named not in _NOT_TAG_NAMES and "#" not in utterance.masked:
        return (named,)
    return ()


def _bare_hour(utterance: Utterance, *, now: datetime) -> datetime | None:
    """ "make that 8": a clock hour alone, as `dates` reads "at 8" (a bare 1-6 is pm)."""
    match = _BARE_HOUR.match(utterance.masked)
    if match is None:
        return None
    probe = Utterance(f"at {match['h']}" + (f":{match['m']}" if match["m"] else ""))
    found = combine(find_temporal(probe, now=now))
    if found is None or found.time_part is None:
        return None
    utterance.consume(match.start("h"), match.end())
    return found.resolve(now=now, default_time=DUE_DEFAULT_TIME)


def _take_shift(utterance: Utterance) -> timedelta | None:
    """ "postpone X by two days" → +2 days; "bring X forward a day" → -1 day."""
    masked = utterance.masked
    if re.search(r"\bremind", masked, _I) or _SHIFT_VERB.search(masked) is None:
        return None
    for match in _SHIFT.finditer(masked):
        if re.search(r"\b(?:in|for|within|every)\s+$", masked[: match.start()], _I):
            continue  # "in 2 days" is a date, "for 2 weeks" a length
        raw = match["n"].lower()
        amount = 0.5 if raw.startswith("half") else to_number(raw)
        unit = {"min": "minute", "hr": "hour"}.get(match["unit"].lower(), match["unit"].lower())
        directions = {(match["dir"] or "").lower(), (match["dir2"] or "").lower()}
        implied = _SHIFT_IMPLIED.search(masked)
        if implied is not None:
            directions.add(implied.group(0).split()[-1].lower())
        sign = -1 if directions & _EARLIER else 1
        utterance.consume(match.start(), match.end())
        if implied is not None:  # "push back" / "bring forward": the direction word goes too
            last = implied.group(0).split()[-1]
            utterance.consume(implied.end() - len(last), implied.end())
        return sign * timedelta(**{f"{unit}s": amount})
    return None


def _take_clears(utterance: Utterance) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(fields the update empties, tags it removes)."""
    cleared: list[str] = []
    removed_tags: list[str] = []
    tags = _CLEAR_TAGS.search(utterance.masked)
    if tags is not None:
        cleared.append("tags")
        named = tags["tag"] or tags["tag3"]
        if named and named.lower() not in _NOT_TAG_NAMES:
            removed_tags.append(named.lstrip("#").lower())
        utterance.consume(tags.start(), tags.end())
    for field, pattern in _CLEAR_PATTERNS:
        match = pattern.search(utterance.masked)
        if match is not None:
            if field not in cleared:
                cleared.append(field)
            utterance.consume(match.start(), match.end())
    return tuple(cleared), tuple(removed_tags)


_NOT_TAG_NAMES = frozenset({"all", "the", "its", "any", "my", "a", "that", "this"})


def _says_when(masked: str, *, now: datetime) -> bool:
    """A date or time besides the recurrence ("every monday at 7am", "weekly from friday")."""
    probe = Utterance(masked)
    recurrence = find_recurrence(probe)
    if recurrence is not None and recurrence.implied_time is not None:
        return True
    return bool(find_temporal(probe, now=now, resolve=False))


def _consume_lead(utterance: Utterance, *patterns: re.Pattern[str]) -> None:
    """Consume the request words before the update ("i need to", "can you", fillers)."""
    masked = utterance.masked
    text = masked.lstrip()
    stripped = strip_lead(text, *patterns)
    utterance.consume(0, len(masked) - len(stripped))


_NEEDS_TO = re.compile(r"\b(?:needs?|has|have|ought|wants?|got|going|is|are)$", _I)


def _rename(text: str) -> tuple[str, str] | None:
    """(the words naming the task, its new title) of "rename X to Y", "call it Y", …"""
    should = _SHOULD_SAY.match(text)
    if should is not None and (
        re.search(r"\bshould\s+(?:say|read|be\s+(?:called|named|titled))\b", text, _I)
        or _ABOUT_THE_TITLE.search(text)
    ):
        pre = should["pre"] or ""
        pre = "it" if _ABOUT_THE_TITLE.search(pre) and not _TITLE_FIX.match(pre) else pre
        ref = _TITLE_FIX.sub("", strip_lead(pre)) if pre else "it"
        return ref, re.sub(r",?\s+(?:not|instead\s+of)\s+.+$", "", should["new"], flags=_I)
    rename = _CALL_IT.match(text) or _RENAME.match(text)
    if rename is None or _NEEDS_TO.search(rename["ref"]):  # "call the bank needs to be urgent"
        return None
    ref, new = rename["ref"], rename["new"]
    further = re.match(r"(?P<rest>.+?)\s+(?:to|into|2)\s+(?P<new>.+)$", new, _I)
    if ref.strip().casefold() in _VERBS_BEFORE_TO and further is not None:
        # "change go to the gym to go swimming": "go" alone names no task, "go to the gym" does
        return f"{ref} to {further['rest']}", further["new"]
    return ref, new


_VERBS_BEFORE_TO = frozenset(
    {"go", "get", "talk", "speak", "write", "send", "reply", "respond", "return", "fly", "drive",
     "walk", "move", "listen", "travel", "run", "take", "bring", "give", "post", "ship", "mail"}
)  # fmt: skip


def _update_entities(utterance: Utterance, *, now: datetime) -> Entities:
    shift = _take_shift(utterance)
    cleared, removed_tags = _take_clears(utterance)
    habit = _take_habit(utterance)
    added_tags = _take_added_tag(utterance)
    at_hour = _bare_hour(utterance, now=now)
    bump = _BUMP_UP_LEAD.match(utterance.masked)
    if bump is not None:
        utterance.consume(bump.start(), bump.end())
    _consume_lead(utterance, _UPDATE_REQUEST)
    for match in _NOT_DATE.finditer(utterance.masked):
        utterance.consume(match.start(), match.end())
    says_when = _says_when(utterance.masked, now=now)
    details = _task_details(utterance, now=now, mode="add")
    if details.recurrence and not says_when:
        # "make the gym task weekly" keeps the task's own due date
        details = replace(details, due_at=None, time_only=False)
    text = strip_lead(_update_text(utterance.leftover()), _UPDATE_REQUEST)
    new_title = None
    rename = _rename(text)
    if rename is not None and finish(rename[1]) is not None:
        ref_text, new_title = rename[0], finish(rename[1])
        if re.fullmatch(r"(?:it|that|this|them)", ref_text.strip(), _I) is None:
            ref_text = _UPDATE_FIELD.sub("", strip_lead(ref_text, _UPDATE_REQUEST))
    else:
        ref_text = _pointed_clause(text)
        ref_text = _UPDATE_LEAD.sub("", ref_text, count=1)
        ref_text = _UPDATE_FIELD.sub("", ref_text)
        ref_text = _ORPHAN_FIELD.sub("", ref_text)
        ref_text = _UPDATE_TAIL.sub("", ref_text)
        ref_text = _REPORTED.sub("", ref_text)
        spared = _SPARED.match(ref_text.strip())
        if spared is not None:  # "don't delete the passport task, just (make it low)"
            ref_text = spared["x"]
    ref_text = re.sub(r"^rename\s+", "", ref_text.strip(), flags=_I)
    if _FIELD_ONLY.match(ref_text.strip()):
        ref_text = ""
    reference, context = _reference(EDGE_CONNECTORS.sub("", f"{ref_text.strip()} ").strip())
    tags = removed_tags if "tags" in cleared else tuple(dict.fromkeys((*added_tags, *details.tags)))
    if habit is not None and details.recurrence is None:
        details = replace(details, recurrence=habit)
    if at_hour is not None and details.due_at is None:
        details = replace(details, due_at=at_hour, time_only=True)
    if bump is not None and details.priority is None:
        details = replace(details, priority="high")
    return replace(
        details,
        reference=reference,
        refers_to_context=context,
        new_title=new_title,
        due_shift=shift,
        clear=cleared,
        tags=tags,
    )


def _update_text(leftover: str) -> str:
    """The unclaimed words, each run without the connectors left at its edges ("to", "and")."""
    parts = []
    for piece in leftover.split(GAP):
        piece = EDGE_CONNECTORS.sub("", f"{piece.strip(' ,;')} ").strip(" ,;")
        piece = EDGE_CONNECTORS.sub("", f" {piece}").strip(" ,;")
        if piece:
            parts.append(piece)
    return " ".join(parts)


def _pointed_clause(text: str) -> str:
    """In "the dentist got moved to friday, can you update it": "the dentist got moved"."""
    pointer = _POINTER_CLAUSE.search(text)
    if pointer is None or pointer.start() == 0:
        return text
    return text[: pointer.start()].strip(" ,;")


# The clause beside "mark it done" that says which task "it" is.
_REPORT_LEAD = re.compile(
    r"^(?:(?:i|we)(?:'re|'m|\s+am|\s+are)\s+not\s+(?:doing|having|going\s+to(?:\s+do)?)\s+"
    r"|(?:just|already|finally)\s+"
    r"|i(?:'ve|\s+have|'m|\s+am)?\s+(?:just\s+|already\s+|finally\s+|now\s+)*"
    r"(?:(?:don'?t|do\s+not|no\s+longer)\s+(?:need|want|have)\s+to\s+)?"
    r"|(?:dont|don't|do\s+not|no\s+longer)\s+(?:need|want|have)\s+to\s+"
    r"|we(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)*)"
    r"(?:(?:finally\s+)?(?:got\s+around\s+to|managed\s+to)\s+)?",
    _I,
)
_REPORT_TAIL = re.compile(
    r"(?:\s+(?:is|are|was|were|got|has\s+been|have\s+been)\s+(?:cancell?ed|done|finished|off"
    r"|postponed|called\s+off|sorted|not\s+happening|over)|\s+(?:anymore|any\s+more|already|now"
    r"|today|finally))+\s*$",
    _I,
)


# A clause beside "mark it done" made only of these names no task.
_SAYS_NOTHING = frozenset(
    {"ok", "okay", "that's", "thats", "that", "it", "it's", "its", "this", "sorted", "done",
     "finished", "handled", "over", "awesome", "thanks", "thank", "you", "perfect", "great",
     "cool", "all", "good", "fine", "did", "i", "yes", "yeah", "yep", "with", "one", "nice",
     "alright", "right", "so", "now", "already", "just", "finally", "complete", "completed",
     "wonderful", "excellent", "brilliant", "sweet", "lovely", "got", "is", "was", "has", "been",
     "i've", "ive", "we", "we've", "oh", "well", "and"}
)  # fmt: skip


def _reference_hint(leftover: str, lead: re.Pattern[str]) -> str | None:
    """In "I've booked the flights, mark it done": "booked the flights"."""
    clauses = [c.strip() for c in _CLAUSE_BREAK.split(fragments(leftover)) if c.strip()]
    others = [c for c in clauses if not _COMMAND_VERB.match(strip_lead(c, _PERMISSION))]
    if len(clauses) < 2:
        return None
    for other in others:
        reference, context = _reference(_REPORT_TAIL.sub("", strip_lead(other, _REPORT_LEAD)))
        # "ok that's sorted, mark it done": such a clause alone says nothing of which task
        if (
            reference
            and not context
            and set(re.findall(r"[\w']+", reference.casefold())) - _SAYS_NOTHING
        ):
            return reference
    return None


_WHOLE_LIST = re.compile(
    rf"^[\s{GAP}]*(?:(?:please|pls|ok|okay|just|now|can\s+you|could\s+you)\s+)*(?:clear|delete|remove"
    rf"|empty|wipe|erase|reset|trash|scrap|nuke|clean)(?:\s+(?:out|off|up))?[\s{GAP}]*"
    rf"(?:(?:please|pls|now)\b)?[\s{GAP}.!]*$",
    _I,
)


_RANKED_INTENTS = (Intent.ADD_TASK, Intent.SET_REMINDER, Intent.UPDATE_TASK)


def extract_entities(message: Message | str, intent: Intent, *, now: datetime) -> Entities:
    """Entities for `intent` from `message`; `now` is timezone-aware in the user's timezone."""
    if isinstance(message, str):
        message = Message(message)
    utterance = Utterance(message.text)
    ranked = take_list_rank(utterance) if intent in _RANKED_INTENTS else None
    on_a_list, list_tag = take_list(utterance)
    # "put X at the top of my list": the list spoken of is the to-do list itself
    on_a_list = on_a_list or ranked is not None
    if on_a_list and intent is Intent.DELETE_TASK and _WHOLE_LIST.match(utterance.leftover()):
        # "clear my shopping list": every task on it (the chat asks before deleting several),
        # never "it", the last task of the conversation
        entities = Entities(status_filter="all")
    else:
        entities = _entities(utterance, intent, now=now, on_a_list=on_a_list)
    if ranked is not None and entities.priority is None:
        entities = replace(entities, priority=ranked)
    if list_tag is None:
        return entities
    return replace(
        entities, list_tag=list_tag, tags=tuple(dict.fromkeys((*entities.tags, list_tag)))
    )


def _entities(utterance: Utterance, intent: Intent, *, now: datetime, on_a_list: bool) -> Entities:
    if intent is Intent.ADD_TASK:
        details = _task_details(utterance, now=now, mode="add")
        return replace(details, title=extract_title(utterance.leftover(), on_a_list=on_a_list))
    if intent is Intent.SET_REMINDER:
        return _reminder_entities(utterance, now=now)
    if intent is Intent.UPDATE_TASK:
        return _update_entities(utterance, now=now)
    if intent is Intent.LIST_TASKS:
        return list_filters(utterance, now=now)
    if intent in (Intent.COMPLETE_TASK, Intent.DELETE_TASK):
        if _LISTED_ALL.search(utterance.text):
            return Entities(reference="them", refers_to_context=True)
        bulk = _bulk_status(utterance)
        if bulk is not None:
            return Entities(status_filter=bulk)
        lead, tail = (
            (_COMPLETE_LEAD, _COMPLETE_TAIL)
            if intent is Intent.COMPLETE_TASK
            else (_DELETE_LEAD, _DELETE_TAIL)
        )
        reference, context = _reference_for(utterance.leftover(), lead, tail)
        hint = _reference_hint(utterance.leftover(), lead) if context else None
        if hint is not None:
            return Entities(refers_to_context=True, reference_hint=hint)
        return Entities(reference=reference, refers_to_context=context)
    return Entities()
