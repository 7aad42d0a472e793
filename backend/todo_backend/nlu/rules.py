"""Keyword rules: the fallback classifier, and explicit commands that may override the model.

A *strong* match is an explicit command at the start of the message ("delete …", "mark … as
done", "remind me …"); the pipeline lets it override the model. A *weak* match ("I need to …",
a question about tasks) only decides when the model is missing or unsure. No match means the
message is out of scope.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from todo_backend.nlu.dates import find_temporal
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.text import Utterance, normalize

_I = re.I

_FILLERS = re.compile(
    r"^(?:(?:ok(?:ay)?|so|also|and|oh|hey|um+|uh+|well|actually|alright|right|please|pls|plz|kindly"
    r"|oops|wait|hmm+|now|ah|no|yes|yeah|yep|sure|great|cool|thanks|hi|hello)\b[\s,!.:-]*)+"
    r"(?=\S)",
    _I,
)
_REQUEST = re.compile(
    r"^(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|i\s+(?:want|would\s+like|'d\s+like"
    r"|wanna)\s+(?:you\s+)?to\s+|let's\s+|go\s+ahead\s+and\s+)",
    _I,
)

_TASK_WORDS = re.compile(
    r"\b(?:tasks?|todos?|to-dos?|to\s+do|list|agenda|plate|due|overdue|pending|completed|done"
    r"|finished|open|remaining|left|reminders|items|scheduled|priority|tagged|labell?ed|urgent"
    r"|need\s+to|have\s+to|should\s+i|work\s+on|going\s+on|coming\s+up|next)\b|#\w",
    _I,
)
_DATED = re.compile(
    r"\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|next\s+\w+|by\s+\w+|in\s+\d+|at\s+\d|\d{1,2}\s*(?:am|pm))\b",
    _I,
)


_QUESTION = re.compile(
    r"\?\s*$|^(?:what|when|where|who|whom|whose|why|how|which|will|would|is|are|was|were|do|does"
    r"|did|can|could|should|shall|may|might|am|has|have|had)\b",
    _I,
)


@dataclass(frozen=True)
class RuleMatch:
    intent: Intent
    strong: bool
    reason: str

    @property
    def decisive(self) -> bool:
        """ "How do I delete a task?" is a help question however much it looks like a delete."""
        return self.reason == "how_to_question"


_Rule = tuple[Intent, bool, str, re.Pattern[str]]

_RULES: list[_Rule] = [
    (
        Intent.GREETING,
        True,
        "greeting",
        re.compile(
            r"^(?:(?:hi|hello|hey|hiya|heya|howdy|yo|greetings|sup|good\s+(?:morning|afternoon|evening"
            r"|day|night)|morning|evening|what's\s+up|whats\s+up|how\s+are\s+you(?:\s+doing)?(?:\s+today)?"
            r"|how's\s+it\s+going|nice\s+to\s+meet\s+you|thanks?(?:\s+you)?(?:\s+(?:so\s+much|a\s+lot))?"
            r"|thx|ty|cheers|bye(?:\s+bye)?|goodbye|see\s+(?:you|ya)(?:\s+later)?|ok|okay|cool|great"
            r"|awesome|perfect)(?:\s+(?:there|buddy|friend|bot|assistant|again|everyone|all|hey))*"
            r"[\s!.,?]*)+$",
            _I,
        ),
    ),
    (
        Intent.HELP,
        True,
        "help_request",
        re.compile(
            r"^(?:help(?:\s+(?:me|please|pls))?(?:\s+out(?:\s+here)?)?[\s!.?]*$|/help|/start|\?+$"
            r"|what\s+(?:else\s+)?can\s+(?:you|i)\s+(?:do|say|ask)|what\s+(?:do|can)\s+you\s+(?:do|help)"
            r"|how\s+(?:does|do)\s+(?:this|it|you|the\s+\w+|\w+ing|reminders|tags|recurring\s+tasks)"
            r"\s+work|what\s+(?:are\s+)?(?:your|the)"
            r"\s+(?:commands|features|options)|(?:list\s+of\s+)?commands|menu$|instructions|usage$"
            r"|what\s+are\s+you\s+(?:able|capable)|i(?:'m|\s+am)\s+(?:lost|confused|stuck)"
            r"|i\s+don'?t\s+(?:understand|know\s+how))",
            _I,
        ),
    ),
    (
        Intent.HELP,
        True,
        "how_to_question",
        re.compile(
            r"^(?:how\s+(?:do|can|should|would|could)\s+(?:i|you|we)|how\s+to|is\s+there\s+a\s+way\s+to"
            r"|can\s+you\s+(?:show|tell|explain)\s+(?:me\s+)?how)\b(?=.*\b(?:tasks?|todos?|to-dos?"
            r"|reminders?|tags?|tagging|priority|priorities|due\s+dates?|deadlines?|this|it|you"
            r"|(?:my|the|to-?do)\s+list"
            r"|recurring|items?|app|bot|commands?)\b)",
            _I,
        ),
    ),
    (
        Intent.OUT_OF_SCOPE,
        True,
        "arithmetic",
        re.compile(
            r"^(?:what(?:'s|\s+is)|calculate|compute|how\s+much\s+is|solve)\s+[\d\s.,]+\s*(?:plus|minus"
            r"|times|divided\s+by|multiplied\s+by|over|x|\*|/|\+|-|to\s+the\s+power\s+of)\s*[\d.]+",
            _I,
        ),
    ),
    (
        Intent.SET_REMINDER,
        True,
        "reminder_command",
        re.compile(
            r"^(?:remind\s+me|set\s+(?:up\s+)?(?:a|an|me\s+a)\s+(?:reminder|alarm|alert)|(?:create|add"
            r"|make|schedule|give\s+me)\s+(?:a|an)\s+(?:new\s+)?(?:reminder|alarm|alert)\b(?!\s+task)"
            r"|new\s+reminder|reminder\s*(?::|to|for|about)|(?:alert|notify|ping|nudge|buzz|warn)\s+me"
            r"|don'?t\s+let\s+me\s+forget\s+to\s+.*\b(?:at|in|on|tomorrow|tonight)\b)",
            _I,
        ),
    ),
    (
        Intent.UPDATE_TASK,
        True,
        "priority_change",
        re.compile(
            r"^(?:mark|set|make|change|update|flag)\b(?:(?!\b(?:as\s+)?(?:done|complete|completed"
            r"|finished)\b).)*\b(?:priority|urgent|important)\b",
            _I,
        ),
    ),
    (
        Intent.DELETE_TASK,
        True,
        "delete_command",
        re.compile(
            r"^(?:delete|remove|erase|trash|scrap|discard|get\s+rid\s+of|nuke|ditch|purge|wipe|drop"
            r"|cancel|clear)\b|^forget\s+(?:about\s+)?(?:the|my)\b",
            _I,
        ),
    ),
    (
        Intent.COMPLETE_TASK,
        True,
        "complete_command",
        re.compile(
            r"^(?:mark|check|tick|cross|strike)\b.*\b(?:done|complete|completed|finished|off|out)\b"
            r"|^(?:i(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)?(?:finished|completed)"
            r"|i(?:'m|\s+am)\s+(?:all\s+)?(?:done|finished)\s+with|done\s+with|finished\s+with"
            r"|(?:just\s+)?finished|completed)\b"
            r"|^(?:done|finished|completed|all\s+done)[\s!.]*$"
            r"|\b(?:is|are|as|has\s+been|have\s+been)\s+(?:done|completed|finished)[\s!.]*$",
            _I,
        ),
    ),
    (
        Intent.UPDATE_TASK,
        True,
        "update_command",
        re.compile(
            r"^(?:rename|retitle|reschedule|postpone|push\s+back)\b"
            r"|^(?:change|update|edit|modify|switch|adjust)\b.*\b(?:to|into|from|priority|due|deadline"
            r"|title|name|date|time)\b"
            r"|^(?:move|push|shift|bump|delay)\b.*\b(?:to|until|till|back|forward|later|by)\b"
            r"|^make\s+(?:it|that|this|them)\b|^make\s+.+\s+due\b|^(?:tag|label)\b"
            r"|^(?:set|give)\b.*\b(?:due\s+date|deadline)\b",
            _I,
        ),
    ),
    (
        Intent.ADD_TASK,
        True,
        "add_command",
        re.compile(
            r"^(?:add|create|new\s+(?:task|todo|to-do|item)|jot\s+down|note\s+down|write\s+down"
            r"|(?:todo|to-do|task)\s*:|note\s+to\s+self|put\b.+\b(?:on|in|to)\s+my\s+(?:list|tasks|todo)"
            r"|make\s+a\s+(?:new\s+)?(?:task|todo|note))\b",
            _I,
        ),
    ),
    (
        Intent.LIST_TASKS,
        True,
        "search_command",
        re.compile(
            r"^(?:search|look\s+up|lookup)\b(?!\s+(?:the\s+)?(?:web|internet|google|online|definition))"
            r"|^(?:find|look\s+for)\b(?!\s+me\s+(?:a|an|some|the\s+(?:nearest|best|closest))\b)",
            _I,
        ),
    ),
    (
        Intent.LIST_TASKS,
        True,
        "task_list_question",
        re.compile(
            r"^(?:what(?:'s|\s+is|\s+are|\s+do|\s+else|\s+must|\s+should)?|which|whats)\b.*\b(?:tasks?"
            r"|todos?|to-dos?|due|overdue|pending|on\s+my\s+(?:list|plate|agenda)|left\s+to\s+do"
            r"|(?:need|have)\s+to\s+(?:do|get\s+done))\b",
            _I,
        ),
    ),
    (
        Intent.LIST_TASKS,
        True,
        "list_command",
        re.compile(
            r"^(?:show|list|display|view)\b(?!\s+me\s+(?:how|some\s+examples|examples|what\s+you))",
            _I,
        ),
    ),
    (
        Intent.COMPLETE_TASK,
        False,
        "complete_words",
        re.compile(
            r"^(?:complete|finish|close)\b(?!.*\b(?:by|before|until|tomorrow|today|tonight|next)\b)"
            r"|\b(?:check|tick|cross)\s+(?:it|that|this)\s+off\b",
            _I,
        ),
    ),
    (
        Intent.COMPLETE_TASK,
        False,
        "ends_done",
        re.compile(r"\b(?:done|finished|completed|complete|sorted|taken\s+care\s+of)[\s!.]*$", _I),
    ),
    (
        Intent.COMPLETE_TASK,
        False,
        "past_tense_report",
        re.compile(
            r"^i(?:'ve|\s+have)?\s+(?:already|just|finally)\s+\w+(?:ed|id|ought|ent|ot|ade)\b", _I
        ),
    ),
    (
        Intent.DELETE_TASK,
        False,
        "no_longer_wanted",
        re.compile(
            r"\b(?:(?:don'?t|do\s+not)\s+(?:want|need)\b.*\b(?:anymore|any\s+more|no\s+more)"
            r"|no\s+longer\s+(?:need|want)|(?:isn't|is\s+not|aren't)\s+(?:needed|happening)"
            r"\s+(?:anymore|any\s+more))\b",
            _I,
        ),
    ),
    (
        Intent.ADD_TASK,
        False,
        "schedule_command",
        re.compile(r"^(?:schedule|plan|book|organi[sz]e|arrange|set\s+up)\b", _I),
    ),
    (
        Intent.ADD_TASK,
        True,
        "obligation",
        re.compile(
            r"^(?:(?:i|we)\s+(?:really\s+|still\s+|also\s+)?(?:(?:need|have|ought)\s+to|must|should"
            r"|gotta)|need\s+to|have\s+to|gotta"
            r"|don'?t\s+(?:let\s+me\s+)?forget\s+(?:to|about)|remember\s+to"
            r"|i(?:'ve|\s+have)\s+got\s+to)\s*"
            # "I need to delete the gym task" manages a task rather than being one.
            r"(?!\s*(?:change|update|edit|rename|delete|remove|cancel|mark|move|reschedule|postpone|see"
            r"|check\s+(?:my|the)\s+(?:list|tasks)|know|view|list|find|add|create|set\s+a\s+reminder)\b)",
            _I,
        ),
    ),
    (
        Intent.LIST_TASKS,
        False,
        "task_question",
        re.compile(
            r"^(?:what|which|how\s+many|do\s+i|are\s+there|is\s+there|any(?:thing)?|give\s+me|tell\s+me"
            r"|read|get|see|pull\s+up|check|my)\b",
            _I,
        ),
    ),
]


def strip_fillers(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _REQUEST.sub("", _FILLERS.sub("", text, count=1), count=1).strip()
    return text


def _only_when(text: str) -> bool:
    """ "actually, friday at 3pm": nothing but a date or time (a follow-up changing a task)."""
    utterance = Utterance(text)
    found = find_temporal(utterance, now=datetime.now(ZoneInfo("UTC")), resolve=False)
    return bool(found) and not re.sub(r"[\W_]+", "", utterance.leftover())


def match_rules(message: str) -> RuleMatch | None:
    normalized = normalize(message)
    text = strip_fillers(normalized)
    if _only_when(text):
        return RuleMatch(Intent.UPDATE_TASK, False, "date_only_follow_up")
    for intent, strong, reason, pattern in _RULES:
        # Greetings are mostly the filler words stripped from other messages.
        if pattern.search(normalized if intent is Intent.GREETING else text) is None:
            continue
        # A question counts as a list request only if it is about tasks ("what's the weather?"
        # is not); a bare "complete X by friday" is more likely a new task than a completion.
        if reason == "task_question" and _TASK_WORDS.search(text) is None:
            continue
        if reason == "complete_words" and _DATED.search(text):
            continue
        if reason == "ends_done" and _QUESTION.search(text):
            continue
        return RuleMatch(intent, strong, reason)
    if _DATED.search(text) and not _QUESTION.search(text):
        return RuleMatch(Intent.ADD_TASK, False, "dated_statement")
    return None
