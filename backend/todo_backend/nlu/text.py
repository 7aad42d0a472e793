"""Text helpers shared by the extractors: normalisation and span bookkeeping."""

import functools
import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_QUOTES.update({0x2013: "-", 0x2014: "-"})  # en and em dashes, as in "urgent - call the plumber"
_SPACES = re.compile(r"\s+")
# Stands for a consumed span in `Utterance.leftover`; a control character users cannot type.
GAP = "\x1f"

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "a couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
}
NUMBER = (
    r"(?:\d+|a\s+couple(?:\s+of)?|a\s+few|forty-five|"
    + "|".join(
        sorted((w for w in NUMBER_WORDS if " " not in w and "-" not in w), key=len, reverse=True)
    )
    + ")"
)


def normalize(message: str) -> str:
    """Unicode-normalise quotes and spaces; keep the user's casing for titles."""
    text = unicodedata.normalize("NFKC", message).translate(_QUOTES).replace(GAP, " ")
    return _SPACES.sub(" ", text).strip()


def cache_key(message: str) -> str:
    return normalize(message).lower()


def to_number(word: str) -> int:
    word = _SPACES.sub(" ", word.strip().lower())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


class Utterance:
    """The message plus which character spans the extractors have already consumed.

    Extractors search `masked` (consumed characters replaced by spaces, so offsets stay
    valid) and call `consume`; what nobody consumed is the title or reference.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._taken = [False] * len(text)
        # Read far more often than consumed (every date and time pattern reads it): rebuilt
        # only after a `consume`.
        self._masked: str | None = text

    @property
    def masked(self) -> str:
        if self._masked is None:
            self._masked = "".join(
                " " if taken else ch for ch, taken in zip(self.text, self._taken, strict=True)
            )
        return self._masked

    def consume(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.text))):
            self._taken[i] = True
        self._masked = None

    def is_free(self, start: int, end: int) -> bool:
        return not any(self._taken[start:end])

    def leftover(self, start: int = 0, end: int | None = None) -> str:
        """The unconsumed text in [start, end), each consumed run replaced by `GAP`."""
        stop = len(self.text) if end is None else end
        out: list[str] = []
        for i in range(start, stop):
            if self._taken[i]:
                if not out or out[-1] != GAP:
                    out.append(GAP)
            else:
                out.append(self.text[i])
        return "".join(out)


# "file taxes (important!)" once the priority is read: "( !)" goes too
_EMPTY_BRACKETS = re.compile(r"\([\s!?.,*]*\)|\[[\s!?.,*]*\]|\{[\s!?.,*]*\}")


def clean_fragment(fragment: str) -> str:
    """Collapse whitespace and trim punctuation and quotes at both ends."""
    text = _SPACES.sub(" ", _EMPTY_BRACKETS.sub(" ", fragment.replace(GAP, " "))).strip()
    return text.strip(" ,;:.!?-\"'").strip()


# --- spelling tolerance ---------------------------------------------------------------------
# Command words are corrected only as the message's first word (after fillers), where a
# misspelt verb decides the intent; date words anywhere. One edit (two for words of 8+
# letters), and only towards these short lists; real words one edit away from one of them
# ("remote" / "remove", "sundae" / "sunday") are listed in `_NOT_TYPOS` and stay as typed.
_COMMAND_WORDS = (
    "remind", "reminder", "delete", "remove", "complete", "cancel", "schedule", "create",
    "update", "change", "rename", "reschedule", "postpone", "finish", "finished", "show",
)  # fmt: skip
_DATE_WORDS = (
    "tomorrow", "tonight", "today", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "priority", "reminder", "remind", "every", "important", "urgent",
    "morning", "evening", "afternoon",
)  # fmt: skip
_NOT_TYPOS = frozenset(
    {"remote", "removed", "reminded", "remains", "remain", "deleted", "created", "changed",
     "shower", "shown", "shows", "sundae", "mind", "rewind", "behind", "cancer", "change",
     "thunder", "monkey", "money", "today's", "finnish", "complex", "compete", "dates", "ever",
     "very", "event", "remainder", "import", "important", "importance", "mourning", "moaning",
     "evenings", "opening"}
)  # fmt: skip
# Short words with real neighbours one edit away ("mark" / "park", "done" / "gone"): only a
# swap of two letters counts ("makr", "dnoe"); "done" anywhere, the others as the first word.
_SWAPPED_FIRST = ("mark", "list", "show", "check", "tick", "done", "help", "undo")
_SWAPPED_ANYWHERE = ("done", "complete", "completed", "finished", "task", "tasks", "high")
# Misspellings that are no word at all, anywhere ("walk teh dog").
_NON_WORDS = {"teh": "the", "adn": "and", "taht": "that", "wiht": "with", "tihs": "this",
              "tsks": "tasks", "completd": "completed",
              "complet": "complete", "finishd": "finished", "finsihed": "finished",
              "frend": "friend", "freind": "friend", "donw": "done", "dpne": "done"}  # fmt: skip
# "mark X as dine": after "as" at the end, a slip next to "done" (real words included)
_AS_DONE = re.compile(r"\b(as)\s+(?:dine|dome|fone|sone|dobe|donr|dond)(?=[\s.!]*$)", re.I)
_FIRST_WORDS = frozenset((*_COMMAND_WORDS, *_SWAPPED_FIRST, "add"))
# "markdone buy eggs", "tickoff": a command word run into the next.
_RUN_TOGETHER = re.compile(
    r"^(?P<verb>mark|tick|check|cross)(?P<rest>(?:as)?(?:done|off|complete))$", re.I
)
# "addbuy milk": the command run into the task's own verb
_VERB_RUN = re.compile(
    r"^(?P<verb>add|delete|remove|remind)(?P<rest>buy|call|pay|get|pick|book|clean|fix|send|email"
    r"|text|take|make|wash|water|walk|feed|go|check|finish|return|order|renew|cancel|meet|write"
    r"|read|fill|plan)$",
    re.I,
)
_WORD = re.compile(r"(?<![\w'])[A-Za-z][A-Za-z']*")
_LEAD_FILLERS = re.compile(
    r"^(?:(?:ok(?:ay)?|so|also|and|oh|hey|hi|hello|um+|uh+|well|actually|please|pls|plz|kindly"
    r"|can\s+you|could\s+you|would\s+you|will\s+you|u|pl[sz]e?)\b[\s,!.:-]*)*",
    re.I,
)
# As the first word only: "ad buy stamps", "mrk buy milk done".
SHORT_FORMS = {
    "ad": "add", "rmd": "remind", "rmnd": "remind", "del": "delete", "dlt": "delete",
    "rmv": "remove", "mrk": "mark", "shw": "show", "chk": "check", "cmplt": "complete",
    "mv": "move", "chng": "change", "chg": "change", "resched": "reschedule",
    "und": "undo", "halp": "help", "hlp": "help",
}  # fmt: skip


def _closest(word: str, vocabulary: tuple[str, ...]) -> str | None:
    return _closest_lowered(word.lower(), vocabulary)


# Every word of 4+ letters of every message is looked up; most are everyday words met again.
@functools.lru_cache(maxsize=4096)
def _closest_lowered(lowered: str, vocabulary: tuple[str, ...]) -> str | None:
    from rapidfuzz.distance import OSA

    if (
        len(lowered) < 4
        or lowered in _NOT_TYPOS
        or lowered in vocabulary
        or lowered.removesuffix("s") in vocabulary  # "sundays", "reminders"
    ):
        return None
    for candidate in vocabulary:
        limit = 2 if len(candidate) >= 8 else 1
        if (
            abs(len(candidate) - len(lowered)) <= limit
            and OSA.distance(lowered, candidate) <= limit
        ):
            return candidate
    return None


def _swapped(word: str, vocabulary: tuple[str, ...]) -> str | None:
    return _swapped_lowered(word.lower(), vocabulary)


@functools.lru_cache(maxsize=4096)
def _swapped_lowered(lowered: str, vocabulary: tuple[str, ...]) -> str | None:
    for candidate in vocabulary:
        if len(candidate) == len(lowered) and lowered != candidate:
            diffs = [i for i, (a, b) in enumerate(zip(lowered, candidate, strict=True)) if a != b]
            if (
                len(diffs) == 2
                and diffs[1] == diffs[0] + 1
                and sorted(lowered) == sorted(candidate)
            ):
                return candidate
    return None


_RUN = re.compile(r"(\w)\1+")


def _first_word(word: str) -> str | None:
    """The fix for the message's first word: a short form, doubled letters ("addd", "deleete"),
    a swap ("makr") or one slip in a longer command word ("remnd", "delte")."""
    lowered = word.lower()
    if lowered in SHORT_FORMS:
        return SHORT_FORMS[lowered]
    joined = _RUN_TOGETHER.match(lowered)
    if joined is not None:
        return f"{joined['verb']} {joined['rest'].replace('as', 'as ')}"
    run = _VERB_RUN.match(lowered)
    if run is not None:
        return f"{run['verb']} {run['rest']}"
    squeezes = [re.sub(r"(\w)\1+", r"\1\1", lowered), re.sub(r"(\w)\1+", r"\1", lowered)]
    squeezes += (lowered[: m.start()] + m[1] + lowered[m.end() :] for m in _RUN.finditer(lowered))
    for squeezed in squeezes:
        if squeezed != lowered and squeezed in _FIRST_WORDS:
            return squeezed
    if lowered[:-1] in _SWAPPED_FIRST and lowered[-1] != "s" and lowered not in _NOT_TYPOS:
        return lowered[:-1]  # "marke water plants done"; "marks", "shows" stay
    return _swapped(word, _SWAPPED_FIRST) or _closest(word, _COMMAND_WORDS)


def _keep_case(original: str, corrected: str) -> str:
    return corrected.upper() if original.isupper() and len(original) > 1 else corrected


def correct_typos(text: str) -> str:
    """Fix misspelt command and date words ("remnd me tommorow" -> "remind me tomorrow")."""
    lead = _LEAD_FILLERS.match(text)
    start = lead.end() if lead else 0
    first = _WORD.match(text, start)
    if first is not None:
        word = first.group(0)
        fixed = _first_word(word)
        if fixed is not None:
            text = text[: first.start()] + _keep_case(word, fixed) + text[first.end() :]

    def fix_date(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = _NON_WORDS.get(word.lower())
        if fixed is None and len(word) >= 4:
            fixed = _closest(word, _DATE_WORDS) or _swapped(word, _SWAPPED_ANYWHERE)
        return _keep_case(word, fixed) if fixed else word

    return _AS_DONE.sub(lambda m: f"{m[1]} done", _WORD.sub(fix_date, text))


_GERUNDS = {
    "adding": "add", "putting": "put", "removing": "remove", "deleting": "delete",
    "marking": "mark", "reminding": "remind", "setting": "set", "changing": "change",
    "moving": "move", "creating": "create", "making": "make", "scheduling": "schedule",
    "cancelling": "cancel", "canceling": "cancel", "completing": "complete", "checking": "check",
    "ticking": "tick", "updating": "update", "renaming": "rename", "postponing": "postpone",
    "taking": "take", "showing": "show", "listing": "list", "crossing": "cross", "noting": "note",
}  # fmt: skip
_MIND_GERUND = re.compile(
    r"(?:\b(?:would|do|will)\s+(?:you|u)\s+mind|^mind|^(?:how|what)\s+about)\s+(?:please\s+)?(?P<verb>"
    + "|".join(_GERUNDS)
    + r")\b",
    re.I,
)
_JOINED = re.compile(r"\b(?P<verb>remind|tell|ping|alert)(?P<me>me)\b", re.I)


_AT_SIGN = re.compile(r"(?<!\S)@(?=\s*\d)")
_SMS_WORDS = {"lst": "list", "thx": "thanks", "tnx": "thanks", "pls": "please", "plz": "please",
              "cn": "can", "abt": "about", "prio": "priority", "wat": "what", "wut": "what",
              "2day": "today", "nite": "night", "nvm": "never mind", "tmrw": "tomorrow",
              "tmrow": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow",
              "tonite": "tonight", "2nite": "tonight", "wk": "week", "wks": "weeks",
              "wkend": "weekend", "wen": "when", "wats": "whats", "b4": "before", "l8r": "later",
              "4got": "forgot", "4get": "forget", "gud": "good", "dont": "don't",
              "didnt": "didn't", "isnt": "isn't",
              "cant": "can't", "wont": "won't", "ive": "I've", "idk": "I don't know",
              "im": "I'm", "frm": "from", "whens": "when's", "wheres": "where's",
              "hows": "how's"}  # fmt: skip
_SMS = re.compile(r"\b(?:" + "|".join(_SMS_WORDS) + r")\b", re.I)
# "remember me to buy bread" (a common non-native "remind me to")
_REMEMBER_ME = re.compile(r"\bremember\s+me\s+(?=(?:to|2|about|that)\b)", re.I)


# Indirect openers become the plain "could you …" every later layer reads as a request (and
# a question about something else stays one: "i'd love it if you could sing" stays out of scope).
_PAST = {
    "added": "add", "reminded": "remind", "put": "put", "deleted": "delete", "removed": "remove",
    "marked": "mark", "moved": "move", "changed": "change", "set": "set", "showed": "show",
    "listed": "list", "created": "create", "made": "make", "ticked": "tick", "crossed": "cross",
    "renamed": "rename", "updated": "update", "cancelled": "cancel", "canceled": "cancel",
    "scheduled": "schedule", "postponed": "postpone", "undid": "undo", "told": "tell",
}  # fmt: skip
_YOU = r"(?:you|u|ya)"
_OPENER = re.compile(
    r"^(?:(?:sorry|excuse\s+me)(?:\s+to\s+(?:(?:bother|trouble|bug|pester)\s+"
    + _YOU
    + r"|be\s+a\s+(?:pain|nuisance|bother))|\s+for\s+the\s+(?:bother|trouble))?"
    r"(?:\s*[,.!-]\s*|\s+)(?:but\s+)?(?=\S)"
    r"|if\s+(?:it's|its|it\s+is|it\s+isn't|it's\s+not|its\s+not|it\s+is\s+not|it\s+isnt)"
    r"(?:\s+not)?\s+(?:too\s+much\s+(?:trouble|bother|of\s+a\s+bother)|a\s+problem)\s*[,.]?\s*"
    r"|if\s+(?:you\s+)?(?:don't|dont|do\s+not)\s+mind\s*[,.]?\s*"
    r"|when(?:ever)?\s+(?:you|u)\s+(?:get|have)\s+a\s+(?:chance|sec(?:ond)?|minute|moment)\s*[,.]?\s*)",
    re.I,
)
_INDIRECT = re.compile(
    r"^(?:(?:(?:i'?d|i\s+would|i\s+should|i'?m|i\s+am|i\s+will|i'?ll)\s+(?:really\s+)?(?:love|like"
    r"|appreciate|be\s+(?:really\s+|so\s+|very\s+|most\s+|extremely\s+|ever\s+so\s+)?(?:grateful"
    r"|thankful|happy|glad|obliged))\s+(?:it\s+)?if"
    r"|i\s+(?:was|am|'m)\s+hoping(?:\s+that)?)\s+" + _YOU + r"(?:\s+(?:could|would"
    r"|can|might|'d))?(?:\s+please)?|(?:please\s+)?be\s+so\s+(?:kind|good)\s+(?:and|as\s+to))"
    r"\s+(?P<verb>(?!(?:could|would|can|might)\b)[a-z]+)\b",
    re.I,
)
_WANT_A_REMINDER = re.compile(
    r"^(?:(?:i'?d|i\s+would|i'?m|i\s+am|im|i'?ll|i\s+will)\s+(?:(?:really|also)\s+)?(?:(?:gonna"
    r"|going\s+to)\s+)?(?:like|love|appreciate|need|want)|(?:can|could|may)\s+i\s+(?:get|have"
    r"|please\s+(?:get|have)))\s+a\s+reminder\b"
    r"|^(?:i'?d|i\s+would|i\s+should)\s+(?:really\s+)?(?:like|love|want)\s+to\s+be\s+reminded\b",
    re.I,
)
# "can i add a task to call the bank": asking leave to create one is asking for it
_MAY_I_ADD = re.compile(
    r"^(?:can|could|may)\s+i\s+(?:please\s+)?(?=(?:add|create|make|put\s+in)\s+(?:a\s+|an\s+)?"
    r"(?:new\s+)?(?:task|to-?do|reminder|item|entry)\b)",
    re.I,
)
# "u add fix the tap": an SMS "you" before a command verb
_SMS_YOU = re.compile(
    r"^(?:u|ya)\s+(?=(?:add|remind|delete|remove|mark|show|list|put|set|change|move|undo|cancel"
    r"|tick|create|rename|update|reschedule|postpone)\b)",
    re.I,
)
# "…, that would be great", "… thanks so much": courtesy after a request says nothing about it
_COURTESY_TAIL = re.compile(
    r"(?<=\w)(?:\s*[,.!-]+\s*|\s+)(?:that\s+would\s+be|that'd\s+be|it\s+would\s+be|would\s+be)\s+"
    r"(?:great|lovely|awesome|amazing|perfect|helpful|brilliant|fantastic|wonderful|nice|super"
    r"|very\s+helpful|much\s+appreciated|appreciated)(?:\s*,?\s*(?:thanks|thank\s+you|thx|ty))?"
    r"[\s.!]*$"
    r"|(?<=\w)\s*[,.!-]+\s*(?:thanks|thank\s+(?:you|u)|thx|ty|cheers|much\s+appreciated)"
    r"(?:\s+(?:so|very)\s+much)?(?:\s+in\s+advance)?[\s.!]*$",
    re.I,
)
# "take my vitamins every morning, can you put that in for me", "…, please add": the request to
# note it, said after the task, is the command "add …"
_IT = r"(?:that|this|it)"
_NOTE_IT_AFTER = re.compile(
    r"^(?P<task>.*?\w)(?:\s*[,.;-]+\s*|\s+)(?:(?:so|and|then|ok|okay)\s+)?(?:"
    # "…, can you put that in for me", "… could u add it"
    r"(?:please\s+)?(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:add|put|note|write|jot)\s+"
    rf"{_IT}(?:\s+(?:in|down))?(?:\s+for\s+me)?(?:\s+please)?"
    # "…, please add (it)", "… so please put that in", "… add it to my list"
    rf"|(?:please|pls)\s+(?:add|put|note|write|jot)(?:\s+{_IT})?(?:\s+(?:in|down))?"
    rf"|(?:add|put|note|write|jot)\s+{_IT}\s+(?:on|to)\s+(?:my|the)\s+(?:to[\s-]?do\s+)?list"
    r"(?:\s+(?:please|pls))?"
    rf"|(?:please\s+)?make\s+a\s+note\s+of\s+{_IT})"
    r"(?:\s*,?\s*(?:please|pls|thanks|thank\s+you))?[\s.!]*$",
    re.I,
)
_ASKING = re.compile(
    r"^(?:what|where|when|why|how|who|which|whose|do|does|did|is|are|am|can|could|should|would"
    r"|will|shall|may|i\s+(?:don't|do\s+not|dont)\s+know)\b",
    re.I,
)


def _note_it_first(text: str) -> str:
    """ "take my vitamins every morning, can you put that in" -> "add take my vitamins …"."""
    match = _NOTE_IT_AFTER.match(text)
    if match is None or "?" in text or _ASKING.match(match["task"]):
        return text
    if re.match(r"(?:add|put|remind|note|create)\b", match["task"], re.I):
        return text  # "add eggs, please add": the command already leads
    return f"add {match['task']}"


_EM = re.compile(r"\b(remind|tell|ping)\s+em\b", re.I)


def _rewrite_opener(text: str) -> str:
    text = _OPENER.sub("", text, count=1)
    text = _SMS_YOU.sub("could you ", text, count=1)
    text = _MAY_I_ADD.sub("", text, count=1)
    text = _WANT_A_REMINDER.sub("remind me", text, count=1)

    def to_request(match: re.Match[str]) -> str:
        verb = match["verb"]
        return "could you " + _PAST.get(verb.lower(), verb)

    return _INDIRECT.sub(to_request, text, count=1)


def polite_to_imperative(text: str) -> str:
    """ "would you mind adding eggs" -> "add eggs"; "remindme" -> "remind me"; "@ 5" -> "at 5"."""
    text = _AT_SIGN.sub("at", text)
    text = _REMEMBER_ME.sub("remind me ", text)
    text = _SMS.sub(lambda m: _SMS_WORDS[m.group(0).lower()], text)
    text = _rewrite_opener(text)
    text = _COURTESY_TAIL.sub("", text)
    text = _note_it_first(text)
    text = _EM.sub(lambda m: f"{m[1]} me", text)
    text = _MIND_GERUND.sub(lambda m: _GERUNDS[m["verb"].lower()], text)
    return _JOINED.sub(lambda m: f"{m['verb']} {m['me']}", text)


ORDINAL_WORDS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
    "eleventh": "11th", "twelfth": "12th", "thirteenth": "13th", "fourteenth": "14th",
    "fifteenth": "15th", "sixteenth": "16th", "seventeenth": "17th", "eighteenth": "18th",
    "nineteenth": "19th", "twentieth": "20th", "thirtieth": "30th",
}  # fmt: skip
_ORDINAL = r"(?:(?:twenty|thirty)[\s-]?)?(?:" + "|".join(ORDINAL_WORDS) + r")"
# A month's name, whole or short: the one pattern the date and recurrence finders share
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "the tenth of february", "march the third": a day of a month in words
_DAY_IN_WORDS = re.compile(
    rf"\b(?P<a>{_ORDINAL})(?=\s+of\s+(?:{MONTH}|every|each|the\s+month)\b)"
    rf"|\b(?P<month>(?!may\b){MONTH})\s+(?:the\s+)?(?P<b>{_ORDINAL})\b",  # "may the fourth…"
    re.I,
)
# "every new year's day", "each christmas": once a year on that day
_EVERY_HOLIDAY = re.compile(
    r"\b(?:every|each)\s+(?P<day>(?:christmas|xmas|new\s+year'?s?|valentine'?s|halloween)"
    r"(?:\s+(?:eve|day))?)\b",
    re.I,
)
# "twice weekly on monday and thursday": the days say which; "twice a week on …" is read whole
_TIMES_WEEKLY_ON = re.compile(
    r"\b(?P<n>twice|two\s+times|three\s+times|thrice)\s+weekly(?=\s+on\s)", re.I
)


def _day_number(words: str) -> str:
    parts = re.split(r"[\s-]+", words.lower())
    if len(parts) == 1:
        return ORDINAL_WORDS[parts[0]]
    tens = {"twenty": 20, "thirty": 30}[parts[0]]
    day = tens + int(ORDINAL_WORDS[parts[1]][:-2])
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"  # 21st, 22nd, 31st


def plain_calendar_words(text: str) -> str:
    """ "the tenth of february" -> "the 10th of february", "every new year's day" -> "on new
    year's day every year", "twice weekly on mon and thu" -> "twice a week on mon and thu":
    the forms the date and recurrence finders read."""
    text = _DAY_IN_WORDS.sub(
        lambda m: _day_number(m["a"]) if m["a"] else f"{m['month']} {_day_number(m['b'])}", text
    )
    text = _EVERY_HOLIDAY.sub(lambda m: f"on {m['day']} every year", text)
    text = _TIMES_WEEKLY_ON.sub(lambda m: f"{m['n']} a week", text)
    return re.sub(r"(?<!every\s)\bnightly\b", "every night", text, flags=re.I)


# Learners' word orders, read as the imperative they mean: "i must to take" -> "i must take";
# "the car i must wash it every two weeks" -> "wash the car every two weeks" (an object put
# first and taken up again by "it"/"them"; only beside a schedule word, so a story such as
# "the car i sold it" stays as written).
_MODAL_TO = re.compile(r"\b(must|should|can)\s+to\s+(?=[a-z])", re.I)
_FRONTED_OBJECT = re.compile(
    r"(?:^|(?<=\s))(?P<obj>(?:the|my|our)\s+[a-z]+(?:\s+[a-z]+)?)\s+(?:i|we)\s+"
    r"(?:(?:must|should|have\s+to|need\s+to|gotta|always|usually)\s+)?(?P<verb>[a-z]+)\s+(?:it|them|him|her)\b"
    r"(?P<part>\s+(?:out|up|off|away|down|over))?",
    re.I,
)
_SCHEDULE_CUE = re.compile(r"\b(?:every|each|daily|weekly|monthly|yearly|once|twice|times)\b", re.I)


# Ends of a schedule, in the words the update grammar reads: "remove the recurrence from X",
# "stop the weekly repeat on X", "make X a one-off", "X shouldn't repeat anymore" -> "stop
# repeating X"; "no longer recurring" -> "not recurring anymore"; "one time only" -> "just once"
_REPEAT_NOUN = r"(?:recurrence|repeats?|repetition|recurring(?:\s+bit)?|repeating)"
_STOP_REPEAT = re.compile(
    r"\b(?:remove|delete|drop|clear|cancel|scrap|get\s+rid\s+of|stop)\s+(?:the\s+|its\s+|any\s+|that\s+)?"
    rf"(?:(?:daily|weekly|monthly|yearly)\s+)?{_REPEAT_NOUN}\b"
    # then the task, or nothing: not a thing named so ("cancel the repeat prescription")
    r"(?:\s+(?:from|on|of|for|in)\b|(?=\s*(?:$|[,.!?;]|(?:please|pls|plz|thanks|now)\b)))",
    re.I,
)
_MADE_ONE_OFF = re.compile(
    r"^(?P<lead>.*?)\bmake\s+(?P<x>.+?)\s+(?:a\s+)?(?:one[-\s]off|one[-\s]time\s+(?:thing|task|only)"
    r"|non[-\s]?(?:recurring|repeating)|not\s+(?:recurring|repeating)|just\s+once|only\s+once)"
    r"(?P<tail>(?:\s+(?:please|pls|plz|thanks|instead|now))*[\s.!]*)$",
    re.I,
)
_SHOULD_NOT_REPEAT = re.compile(
    r"^(?P<x>(?!(?:it|this|that)\b)\w.*?)\s+(?:should\s*n'?t|should\s+not|must\s*n'?t|must\s+not"
    r"|won'?t|will\s+not)\s+(?:repeat|recur)\b(?:\s+(?:anymore|any\s+more|again))?",
    re.I,
)
_NO_LONGER = re.compile(
    r"\bno\s+longer\s+(?P<w>recurring|repeating)\b(?!\s+(?:anymore|any\s+more))", re.I
)
_ONE_TIME_ONLY = re.compile(
    r"\b(?:one[-\s]time\s+only|only\s+one\s+time|just\s+one\s+time|a\s+single\s+time)\b", re.I
)


def plain_schedule_end(text: str) -> str:
    """ "remove the recurrence from pay the bills" -> "stop repeating pay the bills"."""
    text = _ONE_TIME_ONLY.sub("just once", text)
    text = _MADE_ONE_OFF.sub(lambda m: f"{m['lead']}stop repeating {m['x']}{m['tail']}", text)
    text = _SHOULD_NOT_REPEAT.sub(lambda m: f"stop repeating {m['x']}", text)
    text = _STOP_REPEAT.sub("stop repeating", text)
    return _NO_LONGER.sub(lambda m: f"not {m['w']} anymore", text)


def plain_word_order(text: str) -> str:
    """ "the plants i water them each 3 days" -> "water the plants each 3 days"."""
    text = _MODAL_TO.sub(r"\1 ", text)
    if not _SCHEDULE_CUE.search(text):
        return text
    return _FRONTED_OBJECT.sub(lambda m: f"{m['verb']}{m['part'] or ''} {m['obj']}", text)


class Message:
    """One chat message, normalised once: what the rules, the model and the extractors read."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        plain = plain_calendar_words(correct_typos(polite_to_imperative(normalize(raw))))
        self.text = plain_schedule_end(plain_word_order(plain))
        self.lowered = self.text.lower()

    def __repr__(self) -> str:
        return f"Message({self.text!r})"
