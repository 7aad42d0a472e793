"""Finding the task a message names. Only a clear name acts; a weak match asks.

A reference *names* a task when it equals its title, when its content words (stemmed:
"booked the flights" ~ "book flights"; failing that, allowing a slip in long words:
"groceris" ~ "groceries") and the title's are one within the other, covering at least half
of it, or are all in that title and in no other ("the dentist thing" in "book a dentist
appointment"), or when it is a near-exact spelling of one whole title (`fuzz.ratio` >=
`NAMED_SCORE`, clear margin).
Anything weaker is a set of candidates to choose from, never an action.
"""

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from todo_backend.tasks.schemas import TaskPublic

NAMED_SCORE = 88.0
CANDIDATE_SCORE = 60.0
CLEAR_WINNER_MARGIN = 12.0
MAX_CANDIDATES = 5
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
}  # fmt: skip
_STOP_WORDS = frozenset(
    {"a", "an", "the", "my", "our", "your", "to", "of", "for", "on", "in", "at", "with", "and",
     "or", "some", "any", "this", "that", "it", "its", "task", "todo", "item", "reminder", "list",
     "please",
     # when it was done is no part of what ("called mum today", "finally did the taxes")
     "today", "yesterday", "tonight", "morning", "evening", "afternoon", "finally", "already",
     "just", "now", "earlier",
     # nor is how it is said: "the laundry is done", "no need to call the plumber after all",
     # "sorted the car insurance", "the dentist thing"
     "is", "are", "was", "were", "be", "been", "no", "not", "need", "needs", "anymore",
     "longer", "after", "all", "too", "also", "thing", "stuff", "one", "done", "finished",
     "sorted", "handled", "completed", "don't", "dont",
     # chat around the words: "cleaned it lol", "renewed the insurance yay", "eh move that",
     # "done w/ it"
     "lol", "haha", "yay", "woohoo", "phew", "eh", "um", "uh", "hmm", "oh", "ok", "okay", "pls",
     "plz", "thanks", "thx", "ty", "w", "actually", "anyway", "wait", "oops", "sorry", "argh",
     "ugh", "hey", "forget"}
)  # fmt: skip
# "renewal", "payment" name what "renew", "pay" do
_SUFFIXES = ("ing", "ied", "ies", "ment", "ity", "ed", "es", "al", "s")
_IRREGULAR = {
    "bought": "buy", "paid": "pay", "went": "go", "sent": "send", "did": "do", "made": "make",
    "took": "take", "got": "get", "wrote": "write", "ran": "run", "gave": "give", "met": "meet",
    "fed": "feed", "left": "leave", "sold": "sell", "rang": "call", "phoned": "call",
    "brought": "bring", "threw": "throw", "drove": "drive", "found": "find", "told": "tell",
    "caught": "catch", "taught": "teach", "spoke": "speak", "swept": "sweep", "hung": "hang",
    "done": "do", "gone": "go", "taken": "take", "written": "write", "given": "give",
    "dealt": "deal",
}  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    task: TaskPublic | None
    candidates: list[TaskPublic]


def _normalise(text: str) -> str:
    text = text.casefold().strip().strip("\"'“”")
    for article in ("the ", "my ", "a ", "an "):
        if text.startswith(article):
            text = text[len(article) :]
    return " ".join(text.split())


@cache
def _stem(word: str) -> str:
    word = word.removesuffix("'s")  # "dad's card" is about dad
    if len(word) >= 6 and word.endswith("in"):
        word += "g"  # "the dry cleanin": a dropped g
    slip = next((past for past in _IRREGULAR if _misspelt(word, past)), None)
    word = _IRREGULAR.get(word) or (_IRREGULAR[slip] if slip else word)  # "bougth" is "buy"
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # "planned" -> "plan"; and alike on both sides: "calling" and "call" -> "cal"
    return word[:-1] if len(word) > 3 and word[-1] == word[-2] else word


# "pickup", "dropoff", "checkout": a verb and its particle written as one word
_RUN_TOGETHER = re.compile(r"(?P<verb>\w{3,}?)(?P<particle>up|off|out)")


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[\w']+", text.casefold())
    found = set()
    for word in (w.removesuffix("'s") for w in words):
        if word in _STOP_WORDS:
            continue
        joined = _RUN_TOGETHER.fullmatch(word)
        if joined is not None:
            found |= {_stem(joined["verb"]), joined["particle"]}
        else:
            found.add(_stem(word))
    return frozenset(found)


def _misspelt(a: str, b: str) -> bool:
    """ "groceris" / "groceries", "laundary" / "laundry": one slip (two in long words), the
    same first letter, and words long enough that a real other word is rarely that close
    ("bread" / "break" stay apart)."""
    shorter = min(len(a), len(b))
    if shorter < 6 or a[0] != b[0]:
        return False
    return OSA.distance(a, b) <= (2 if shorter >= 9 else 1)


def _within(small: frozenset[str], large: frozenset[str], *, typos: bool) -> bool:
    if not typos:
        return small <= large
    return all(w in large or any(_misspelt(w, other) for other in large) for w in small)


def _names(reference: frozenset[str], title: frozenset[str], *, typos: bool = False) -> bool:
    """One side's words all in the other, covering at least half of it: "gym" names "go to the
    gym"; "coffee" is too little of "buy coffee beans" (it names it only when no other title
    has the word, see `resolve_reference`)."""
    if not reference or not title:
        return False
    small, large = sorted((reference, title), key=len)
    return _within(small, large, typos=typos) and len(small) * 2 >= len(large)


def resolve_reference(
    reference: str, tasks: list[TaskPublic], *, possessed: bool = False
) -> Resolution:
    """One task when the reference clearly names it; otherwise the plausible candidates.
    `possessed`: the message said it as something of the user's ("i finished my coffee"), which
    is rarely a task named by one of its words ("buy coffee beans")."""
    wanted = _normalise(reference)
    exact = [task for task in tasks if _normalise(task.title) == wanted]
    if len(exact) == 1:
        return Resolution(exact[0], [])
    if len(exact) > 1:
        return Resolution(None, exact[:MAX_CANDIDATES])
    words = content_words(wanted)
    titles = [(task, content_words(task.title)) for task in tasks]
    named = [task for task, title in titles if _names(words, title)]
    if not named:  # "mark groceris done"
        named = [task for task, title in titles if _names(words, title, typos=True)]
    # Every word of the reference in a title: "the email" is in "email the landlord" and in
    # "email sarah the photos" (which one?); "the recycling" only in "take out the recycling",
    # "the dentist thing" only in "book a dentist appointment": that one.
    containing = [task for task, title in titles if words and words <= title]
    if len(containing) > 1 and {t.id for t in named} <= {t.id for t in containing}:
        named = containing
    elif not named and len(containing) == 1 and _keyword_of(wanted, containing[0], possessed):
        return Resolution(containing[0], [])
    if len(named) == 1:
        return Resolution(named[0], [])
    scored = sorted(
        ((fuzz.WRatio(wanted, _normalise(task.title)), task) for task in tasks),
        key=lambda pair: pair[0],
        reverse=True,
    )
    plausible = [(score, task) for score, task in scored if score >= CANDIDATE_SCORE]
    if named:  # several tasks share the words: those first, then the near spellings
        plausible = [(100.0, t) for t in named] + [(s, t) for s, t in plausible if t not in named]
    if not plausible:
        return Resolution(None, [])
    if not named:
        # A misspelling of a whole title ("by milk") names it; WRatio's partial matches
        # ("coffee" in "buy coffee beans") only make candidates.
        spelled = sorted(
            ((fuzz.ratio(wanted, _normalise(task.title)), task) for _, task in plausible),
            key=lambda pair: pair[0],
            reverse=True,
        )
        top, best = spelled[0]
        runner_up = spelled[1][0] if len(spelled) > 1 else 0.0
        if top >= NAMED_SCORE and top - runner_up >= CLEAR_WINNER_MARGIN:
            return Resolution(best, [])
    return Resolution(None, [task for _, task in plausible[:MAX_CANDIDATES]])


_CONJUNCTION = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s(?:and|n|&|\+|plus|as\s+well\s+as)\s)\s*", re.I)


def each_named(
    reference: str, tasks: list[TaskPublic], *, possessed: bool = False
) -> list[TaskPublic]:
    """ "laundry and dishes", "call the bank and call grandma": the tasks a compound reference
    names, one per part, when every part names a different task and the whole is no title
    ("buy salt and pepper" stays one task). Empty otherwise."""
    parts = [part for part in _CONJUNCTION.split(reference) if part.strip()]
    if len(parts) < 2 or any(_normalise(t.title) == _normalise(reference) for t in tasks):
        return []
    found = [resolve_reference(part, tasks, possessed=possessed).task for part in parts]
    named = [task for task in found if task is not None]
    if len(named) < len(parts) or len({task.id for task in named}) < len(named):
        return []
    return named


_MORE_NAMES = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|\s(?:and|&|\+)\s)\s*(?P<more>[^?]+?)[\s.!]*$", re.I
)


def named_with_more(reference: str | None, message: str) -> str | None:
    """ "buy milk, buy bread" when the NLU kept only "buy milk" of "remove buy milk, buy bread":
    the names listed after the reference; None when nothing follows it."""
    if not reference:
        return None
    at = message.casefold().rfind(reference.casefold())
    more = _MORE_NAMES.match(message[at + len(reference) :]) if at >= 0 else None
    return f"{reference}, {more['more']}" if more else None


# "drop the landlord email", "could you scratch the gym one": a removal said outright, whatever
# the intent model made of it (never "drop off ...", "remove my ..." or "delete all ...")
_REMOVAL = re.compile(
    r"^(?:(?:ok(?:ay)?|so|hey|hi|please|pls|plz|just|and|also|actually|oh|well|u|you\s+can"
    r"|(?:can|could|would)\s+(?:you|u)(?:\s+please)?|i\s+was\s+wondering\s+if\s+(?:you|u)\s+could"
    r"|(?:you|u)\s+can)[\s,]+)*"
    r"(?P<verb>delete|remove|erase|drop|scratch|scrap|ditch|bin|trash|get\s+rid\s+of)\s+"
    r"(?!(?:off|out|in|by|my|our|all|every|everything|it|that|this|them)\b)(?P<ref>[^,;?]+?)"
    r"(?:\s+(?:off|from)\s+(?:my|the)\s+(?:list|to-?do\s+list|tasks?|todos?))?"
    r"(?:[\s,]+(?:please|pls|plz|thanks|thx|ty))?[\s.!]*$",
    re.I,
)


# "and the first one too", "the dentist one as well", "same for the bins": the last action again
_AGAIN = re.compile(
    r"^(?:(?:oh|ok(?:ay)?|and|also|plus|then)[\s,]+)+(?P<a>.+?)\s+(?:too|as\s+well|also)[\s.!]*$"
    r"|^(?P<b>.+?)\s+(?:too|as\s+well)[\s.!]*$"
    r"|^(?:and\s+)?(?:same|ditto|likewise)\s+(?:for|with)\s+(?P<c>.+?)[\s.!]*$",
    re.I,
)


def again_for(message: str) -> str | None:
    """The words naming the task that a follow-up asks the same for ("and the first one
    too": "the first one"); None for anything else."""
    match = _AGAIN.match(message.strip())
    if match is None:
        return None
    return match["a"] or match["b"] or match["c"]


@dataclass(frozen=True)
class Removal:
    verb: str  # stemmed: "remov", "drop"
    reference: str  # "the landlord email"


# "don't need to cancel netflix anymore, delete it": the clause before names what "it" is
_REMOVE_IT = re.compile(
    r"^(?P<ref>[^?]+?)[\s,;.]+(?:(?:so|just|and|then|please|pls|u|you\s+can|can\s+you)\s+)*"
    r"(?P<verb>delete|remove|erase|drop|scratch|scrap|ditch|bin|get\s+rid\s+of)\s+(?:it|that|this)"
    r"(?:\s+(?:please|pls|then|too|now))*[\s.!]*$",
    re.I,
)


# "the berlin one can go", "mum call can come off the list": a task said to go, by a name of
# two words or more or as "the ... one" ("mum can go" is about mum)
_GOES = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|oh|actually|also)[\s,]+)*(?P<ref>[^,;?]+?)\s+"
    r"(?:can|could|should|has\s+to|needs?\s+to|must)\s+(?:go|come\s+off(?:\s+the\s+list)?"
    r"|be\s+(?P<verb>deleted|removed|binned|scrapped|dropped|ditched))"
    r"(?:\s+(?:now|too|as\s+well|please|pls|thanks))*[\s.!]*$",
    re.I,
)
_SAID_AS_A_TASK = re.compile(r"\b(?:one|task|item|thing|reminder)$", re.I)


def removal_in(message: str) -> Removal | None:
    """What a message says outright to remove ("drop the landlord email", "no need to cancel
    netflix anymore, delete it", "the berlin one can go"); None for anything else."""
    text = message.strip()
    match = _REMOVAL.match(text) or _REMOVE_IT.match(text)
    if match is not None:
        return Removal(_stem(match["verb"].split()[0].casefold()), match["ref"])
    goes = _GOES.match(text)
    if goes is None or place_statement(text) is not None:  # "the 3rd one can go": a place
        return None
    named = goes["ref"].strip()
    if len(content_words(named)) < 2 and not _SAID_AS_A_TASK.search(named):
        return None
    return Removal(_stem((goes["verb"] or "go").casefold()), named)


# "make yoga every other week", "set the gym to high priority": "make" and a task's name
_MADE_OVER = re.compile(
    r"^(?:make|turn|set|switch)\s+(?:the\s+|my\s+)?(?P<name>.+?)(?:\s+(?:task|one))?(?:\s+to)?$",
    re.I,
)


def made_over_name(title: str | None) -> str | None:
    """What a new task's title names after "make" ("yoga" in "make yoga"), or None."""
    match = _MADE_OVER.match(title or "")
    return match["name"] if match else None


def made_over(name: str, tasks: list[TaskPublic]) -> TaskPublic | None:
    """The one task `name` is ("make yoga" when "yoga" is a task): then the message changes it
    rather than adding "make yoga"."""
    same = [task for task in tasks if _bare_title(task.title) == _bare_title(name)]
    return same[0] if len(same) == 1 else None


def _bare_title(title: str) -> str:
    return re.sub(r"^(?:the|my|a|an)\s+", "", " ".join(title.casefold().split()))


def removal_target(removal: Removal, tasks: list[TaskPublic]) -> TaskPublic | None:
    """The task an outright removal names clearly; never one whose own verb is the removal's
    ("remove the stain" is that chore, not the task "remove stain from the rug")."""
    task = resolve_reference(removal.reference, tasks).task
    if task is None or _first_stem(task.title) == removal.verb:
        return None
    return task


def _keyword_of(reference: str, task: TaskPublic, possessed: bool) -> bool:
    """Whether words found only in this task's title name it: "the dentist thing" names "book a
    dentist appointment", "the vacuuming" (the doing of it) "vacuum the living room"; "my book"
    is no "book flights" (the verb said as a noun), "my coffee" no "buy coffee beans"."""
    words = re.findall(r"[\w']+", reference.casefold())
    verb = _first_stem(task.title)
    if any(_stem(w) != verb for w in words if w not in _STOP_WORDS):
        return not possessed or _head(task.title) in content_words(reference)
    return any(w.endswith("ing") for w in words)


_PREPOSITIONS = frozenset(
    {"for", "to", "with", "about", "on", "at", "from", "in", "by", "before", "after", "of"}
)
_PARTICLES = frozenset({"out", "up", "off", "down", "away", "back", "over"})


def _head(title: str) -> str | None:
    """The noun a task is about: the last word of its object ("take out the *recycling*",
    "take the *bins* out", "buy coffee *beans*"), never its verb."""
    words = re.findall(r"[\w']+", title.casefold())
    for at, word in enumerate(words[1:], 1):
        if word in _PREPOSITIONS:
            words = words[:at]
            break
    content = [w for w in words[1:] if w not in _STOP_WORDS and w not in _PARTICLES]
    return _stem(content[-1]) if content else None


_POSSESSIVE = re.compile(r"\b(?:my|our)\s+(?P<word>[\w']+)", re.I)


def possessed(reference: str, message: str) -> bool:
    """ "i finished my coffee": the reference is said as the user's own thing."""
    words = re.findall(r"[\w']+", reference.casefold())
    return bool(words) and any(
        m["word"].casefold() == words[0] for m in _POSSESSIVE.finditer(message)
    )


def search_terms(reference: str, *, most: int = 4) -> list[str]:
    """Substrings to find older tasks a reference may name by: the start of each content word
    (a misspelling rarely touches the first letters: "groceris" finds "groceries")."""
    words = [w for w in re.findall(r"[\w']+", reference.casefold()) if w not in _STOP_WORDS]
    terms = dict.fromkeys(w[:4] for w in words if len(w) >= 3)
    return list(terms)[:most]


def shares_words(reference: str, title: str) -> bool:
    """Some content word in common, allowing a slip: the two speak of the same thing."""
    mine, theirs = content_words(reference), content_words(title)
    return any(w in theirs or any(_misspelt(w, o) for o in theirs) for w in mine)


_CLOCK = re.compile(
    r"\b(?:at\s+)?(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>[ap])\.?m\b\.?"
    r"|\b(?:at\s+)?(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b",
    re.I,
)
_AROUND_CLOCK = frozenset({"the", "one", "at", "for", "on", "task", "reminder", "todo", "item"})


def clock_in(reference: str) -> tuple[time, str] | None:
    """ "3pm" in "the 3pm one", "3pm meeting", "one at 15:00": the time and the other words."""
    match = _CLOCK.search(reference)
    if match is None:
        return None
    if match["h24"]:
        clock = time(int(match["h24"]), int(match["m24"]))
    else:
        hour = int(match["h"]) % 12 + (12 if match["ap"].lower() == "p" else 0)
        clock = time(hour, int(match["m"] or 0))
    rest = f"{reference[: match.start()]} {reference[match.end() :]}".split()
    return clock, " ".join(w for w in rest if w.casefold() not in _AROUND_CLOCK)


_DAY = re.compile(
    r"\b(?P<day>today|tonight|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|mon|tues|weds|thurs|fri)(?:'s)?\b",
    re.I,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_AROUND_DAY = frozenset({"the", "one", "on", "for", "from", "task", "todo", "item", "s"})


def day_in(reference: str, today: date) -> tuple[date, str] | None:
    """ "friday's meeting", "today's gym", "the tomorrow one": the day a reference says its
    task is on (the next such weekday, today included) and the other words."""
    match = _DAY.search(reference)
    if match is None:
        return None
    word = match["day"].casefold()
    if word in ("today", "tonight"):
        day = today
    elif word in ("tomorrow", "yesterday"):
        day = today + timedelta(days=1 if word == "tomorrow" else -1)
    else:
        day = today + timedelta(days=(_WEEKDAYS.index(word[:3]) - today.weekday()) % 7)
    rest = f"{reference[: match.start()]} {reference[match.end() :]}".split()
    return day, " ".join(w for w in rest if w.casefold() not in _AROUND_DAY)


def before_delete_it(reference: str) -> str:
    """ "skipped today's gym" in "skipped today's gym, just delete it" (the NLU may keep the
    whole message as the reference); the reference itself otherwise."""
    match = _REMOVE_IT.match(reference.strip())
    return match["ref"] if match else reference


# The NLU's words for a position in what the conversation showed ("second one", "number 2",
# "last one") and for all of it ("them": "delete both of them").
PLURAL = "them"
_POSITION = re.compile(
    r"^(?:(?:the\s+)?(?:number|no\.?|#)\s*(?P<d>[1-9]|one|two|three|four|five)"
    r"(?:\s+(?:one|task|item|todo))?|(?P<w>\w+) one)$"
)


def position(reference: str | None) -> int | None:
    """1-based position a reference names, -1 for "the last one"; None if it names none."""
    match = _POSITION.match((reference or "").casefold())
    if match is None:
        return None
    if match["d"]:
        return int(match["d"]) if match["d"].isdigit() else _ORDINALS[match["d"]]
    return -1 if match["w"] == "last" else _ORDINALS.get(match["w"])


# "the first two", "the last 3", "1 and 3", "the first and the third one", "numbers 2, 4 and 5"
_ORDINAL_WORD = r"(?:\d|" + "|".join(_ORDINALS) + r"|last)"
_SPAN = re.compile(
    r"^(?:the\s+)?(?P<end>first|last|top|bottom)\s+(?P<n>two|three|four|five|[2-5])"
    r"(?:\s+(?:ones|tasks|items|of\s+them|on\s+the\s+list))?$"
)
_SEVERAL = re.compile(
    rf"^(?:the\s+)?(?:(?:numbers?|nos?\.?|#)\s*)?(?P<items>{_ORDINAL_WORD}"
    rf"(?:(?:\s*,\s*|\s+(?:and|&|\+)\s+|\s*,\s*and\s+)(?:the\s+)?(?:number\s+|#)?{_ORDINAL_WORD})+)"
    r"(?:\s+(?:ones?|tasks?|items?))?$"
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def positions(reference: str | None, shown: int) -> list[int] | None:
    """0-based places that a reference to several shown tasks names ("the first two", "1 and
    3", "the last two" in a list of `shown`); None when it names no such set, [] when a place
    is past the end of what was shown."""
    text = " ".join((reference or "").casefold().split())
    span = _SPAN.match(text)
    if span is not None:
        n = int(span["n"]) if span["n"].isdigit() else _NUMBER_WORDS[span["n"]]
        if n > shown:
            return []
        return list(range(n)) if span["end"] in ("first", "top") else list(range(shown - n, shown))
    several = _SEVERAL.match(text)
    if several is None:
        return None
    found = []
    for word in re.findall(rf"\b{_ORDINAL_WORD}\b", several["items"]):
        place = shown if word == "last" else int(word) if word.isdigit() else _ORDINALS[word]
        if not 1 <= place <= shown:
            return []
        found.append(place - 1)
    return list(dict.fromkeys(found)) if len(set(found)) > 1 else None


# "the 3rd one can go", "2nd one's done", "the last two can go", "both of them are bought":
# a place in the list just shown, said with what is to happen to it
_PLACE = (
    rf"(?:the\s+)?(?:(?:{_ORDINAL_WORD})(?:\s+(?:one|task|item|thing))?|(?:number|no\.?|#)\s*"
    rf"(?:[1-9]|one|two|three|four|five)|(?:first|last|top)\s+(?:two|three|[23])(?:\s+ones)?"
    rf"|{_ORDINAL_WORD}(?:(?:\s*,\s*|\s+(?:and|&)\s+)(?:the\s+)?{_ORDINAL_WORD})+(?:\s+ones?)?"
    r"|both(?:\s+of\s+(?:them|those|these))?|(?:them|those|these)(?:\s+both|\s+two)?"
    r"|the\s+two\s+of\s+them)"
)
_PLACE_STATEMENT = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|oh|lol|actually|right|yeah|great|cool|nice|then|also|hmm+|um+)[\s,!.]+)*"
    rf"(?P<place>{_PLACE})"
    r"(?:(?P<delete>\s+(?:can|could|should|has\s+to|have\s+to|needs?\s+to|must)\s+(?:go|come\s+off"
    r"|be\s+(?:deleted|removed|binned|scrapped|dropped|ditched))|\s+(?:is|are|'s|'re)\s+(?:not"
    r"|no\s+longer)\s+(?:needed|happening|necessary)(?:\s+any\s*more)?|\s+goes)"
    r"|(?P<done>(?:\s+(?:is|are|was|were|has\s+been|have\s+been)|'s|'re)?\s+(?:all\s+|now\s+|also\s+)?"
    r"(?:done|sorted(?:\s+out)?|finished|complete|completed|bought|paid|handled|taken\s+care\s+of"
    r"|dealt\s+with|ticked\s+off|checked\s+off|crossed\s+off|booked|sent|posted)))"
    r"(?:\s+(?:now|already|too|as\s+well|thanks|thx|ty|please|pls|lol))*[\s.!]*$",
    re.I,
)


@dataclass(frozen=True)
class PlaceStatement:
    """ "the 3rd one can go": the words naming the place and whether it goes or is done."""

    place: str  # "the 3rd one", "both of them", "the last two"
    delete: bool


def place_statement(message: str) -> PlaceStatement | None:
    """A place in the list just shown, said to go or to be done; None for anything else."""
    match = _PLACE_STATEMENT.match(" ".join(message.strip().split()))
    if match is None:
        return None
    return PlaceStatement(match["place"], delete=match["delete"] is not None)


def place_reference(place: str) -> tuple[str, bool]:
    """The NLU's words for a place ("third one", "number 2", PLURAL, "first two")."""
    text = re.sub(r"^the\s+", "", place.casefold().strip())
    if re.match(r"^(?:both|them|those|these|two\s+of\s+them)\b", text):
        return PLURAL, True
    single = re.fullmatch(rf"(?P<w>{_ORDINAL_WORD})(?:\s+(?:one|task|item|thing))?", text)
    if single is not None:
        word = single["w"]
        return (f"number {word}" if word.isdigit() else f"{word} one"), True
    numbered = re.fullmatch(r"(?:number|no\.?|#)\s*(?P<d>[1-9]|one|two|three|four|five)", text)
    if numbered is not None:
        return f"number {numbered['d']}", True
    return text, True


# "no wait, undo that and delete it instead", "oops undo that, i meant mark it done": an undo,
# then what was meant instead
_UNDO_THEN = re.compile(
    r"^(?:(?:no+|nah|oh|oops|whoops|wait|hmm+|actually|sorry|ugh|ok(?:ay)?|hang\s+on|my\s+bad)[\s,!.]+)*"
    r"(?:(?:please|pls|plz|(?:can|could|would)\s+(?:you|u)(?:\s+please)?)\s+)?"
    r"(?:undo|revert|reverse|take\s+back|roll\s*back)(?:\s+(?:that|it|this|the\s+last\s+(?:one|change)))?"
    r"(?:\s+(?:please|pls))?"
    r"(?:\s*[,;.!-]\s*|\s+)(?:(?:and|n|&|then|but)\s+)?"
    r"(?:(?:i\s+meant(?:\s+to)?|i\s+mean|meant\s+to|i\s+wanted(?:\s+(?:you\s+)?to)?|just|instead"
    r"|please|pls|then|rather)[\s,]+)*"
    r"(?P<rest>(?!(?:thanks|thank\s+you|thx|ty|please|pls|now|again)\b)"
    r"(?!(?:that|it|this|them)\b(?:\s+(?:please|pls|thanks))?[\s.!?]*$)\w.*?)"
    r"(?:\s+instead)?(?:\s+(?:please|pls|thanks))?[\s.!?]*$",
    re.I,
)


def undo_then(message: str) -> str | None:
    """What to do after the undo in "undo that and delete it instead" ("delete it"); None
    when the message is no undo followed by a request."""
    match = _UNDO_THEN.match(" ".join(message.strip().split()))
    return match["rest"] if match else None


_ANSWER_POSITION = re.compile(
    r"^(?:(?:no|yes|yeah|ok|okay|sorry|i\s+mean|the|number|no\.|#|option|task)[\s,]+)*"
    r"#?(?P<p>\d+|last|" + "|".join(_ORDINALS) + r")"
    r"(?:\s+(?:one|task|item|please|pls|thanks))*[\s.!]*$"
)
_ANSWER_TAIL = re.compile(r"\s+(?:one|task|item|thing)(?:\s+please)?[\s.!]*$")
_ANSWER_HEAD = re.compile(
    r"^(?:(?:yes|yeah|ok|okay|sorry|i\s+mean|i\s+meant|oh|um|uh|well|the|that|it's|its)[\s,]+)*"
    r"(?:(?:the\s+)?(?:one|task|item)\s+(?:about|with|for|to|called|named|that\s+says)\s+)?"
)
# "not that one", "neither", "none of them", "never mind": the answer chooses nothing
_ANSWER_NONE = re.compile(
    r"^(?:no+|nope|nah)[\s.!]*$|^(?:not|neither|none|nothing|never\s*mind|nvm|cancel|forget)\b"
    r"|\bnot\s+(?:that|this|those|these|any)\b|\bneither\b|\bnone\s+of\b"
)


def pick_candidate(answer: str, candidates: list[TaskPublic]) -> TaskPublic | None:
    """Resolve an answer to "which one?": a number or an ordinal on its own ("2", "the
    second one"), or (part of) a title ("the plumber one"); "not that one" picks none."""
    text = _normalise(answer)
    position = _ANSWER_POSITION.match(text)
    if position is not None:
        word = position["p"]
        index = (
            len(candidates) if word == "last" else int(word) if word.isdigit() else _ORDINALS[word]
        )
        return candidates[index - 1] if 1 <= index <= len(candidates) else None
    if _ANSWER_NONE.search(text):
        return None
    text = _ANSWER_HEAD.sub("", _ANSWER_TAIL.sub("", text))
    found = resolve_reference(text, candidates).task
    if found is not None:
        return found
    # Among the few choices shown, a word of one of them is enough: "gas", "the one about mum"
    words = content_words(text)
    sharing = [
        c for c in candidates if words and _within(words, content_words(c.title), typos=True)
    ]
    if len(sharing) != 1:
        sharing = [c for c in candidates if shares_words(text, c.title)]
    return sharing[0] if len(sharing) == 1 else None


# -- reports of what was done ("called mum today", "the plants are watered") --------------

_REPORT_LEAD = frozenset(
    {"i", "we", "i've", "ive", "we've", "just", "finally", "already", "ok",
     "okay", "so", "yeah", "yes", "well", "also", "and", "oh", "hey", "update:", "fyi", "actually"}
)  # fmt: skip
_REPORT_TAIL = frozenset(
    {"lol", "haha", "yay", "woohoo", "phew", "finally", "already", "now", "thanks", "thx", "ty",
     "pls", "please", "today", "btw"}
)  # fmt: skip
_STATE = re.compile(
    r"^(?:(?:ok(?:ay)?|so|yeah|well|fyi|update:?|actually|oh)[\s,]+)*(?P<what>.+?)(?:\s+"
    r"(?:is|are|was|were|has\s+been|have\s+been|got|'s|s)|'s)\s+(?:now\s+|finally\s+|all\s+)?"
    r"(?P<verb>[a-z]+ed|[a-z]+en|done|paid|bought|sent|made|fed)\b(?P<rest>.*)$"
)
_NOT_A_REPORT = re.compile(
    r"\?|\b(?:not|never|no|didn't|didnt|haven't|havent|hasn't|won't)\b|n't\b"
    # long ago, a story rather than today's task done: "i renewed my passport last year"
    r"|\blast\s+(?:month|year|summer|winter|spring|autumn|fall|christmas)\b"
    r"|\b(?:years?|months?|ages|decades?)\s+ago\b|\bin\s+(?:19|20)\d\d\b"
)
_PRONOUN = frozenset({"it", "that", "this", "them", "those"})
_SAID_BEFORE = frozenset({"it", "that", "this", "that one", "this one", "that task", "this task"})
# Verbs that report any task done, whatever its own verb: "i got the coffee" ("buy coffee"),
# "knocked out the laundry", "took care of the plumber", "that one's sorted"
_DONE_VERBS = frozenset(
    {"get", "grab", "sort", "handl", "deal", "knock", "finish", "do", "manag", "nail", "tackl",
     "wrap", "complet", "tick", "cross", "check"}
)  # fmt: skip
_DONE_PHRASE = re.compile(
    r"^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:(?:just|finally|already|also)\s+)?"
    r"(?:got|grabbed|picked\s+up|sorted(?:\s+out)?|handled|dealt\s+with|knocked\s+(?:out|off)"
    r"|took\s+care\s+of|taken\s+care\s+of|finished(?:\s+off)?|did|done(?:\s+with)?|managed"
    r"|nailed|tackled|wrapped\s+up|ticked\s+off|checked\s+off|crossed\s+off|completed)\s+"
    r"(?P<what>\S.*)$",
    re.I,
)


def done_object(reference: str) -> str | None:
    """What a done-verb reports done: "the coffee" in "got the coffee", "the laundry" in
    "knocked out the laundry"; None when the words start with no such verb."""
    match = _DONE_PHRASE.match(reference.strip())
    return match["what"] if match else None


def _object_words(title: str) -> frozenset[str]:
    """A title's content words without its verb: "buy coffee" -> {coffee}."""
    words = content_words(title)
    verb = _first_stem(title)
    rest = words - {verb} if verb else words
    return rest or words


_PERSONS = frozenset({"i", "we", "you", "he", "she", "they", "u"})
_ASKING = frozenset(
    {"have", "has", "had", "did", "do", "does", "is", "are", "was", "were", "can", "could",
     "should", "will", "would", "shall", "may", "might", "must"}
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    """A statement that something was done: its verb's stem and what it was done to."""

    verb: str
    reference: str  # the title-like words, verb first ("call mum"), or "it"


def report_in(message: str) -> Report | None:
    """ "called mum today" -> call + "called mum today"; "the plants are watered" -> water +
    "watered plants"; "i bought it" -> buy + "it". None for anything else (questions,
    negations, news about others: "my mum called me")."""
    text = message.casefold().strip().rstrip(".!")
    if _NOT_A_REPORT.search(text):
        return None
    words = re.findall(r"[\w':]+|(?<=\s)[+&](?=\s)", text)  # "paid rent + water bill"
    if len(words) > 1 and words[0] in _ASKING and words[1] in _PERSONS:
        return None  # "have i called the bank yet", "did you ..."
    while words and words[0] in _REPORT_LEAD:
        words = words[1:]
    while words and words[-1] in _REPORT_TAIL:  # "cleaned it lol"
        words = words[:-1]
    if len(words) < 2 or words[1] in _PERSONS:
        return None  # "did i call mum", "done?"
    first = words[0]
    if (first in _IRREGULAR or first.endswith("ed") or _stem(first) in _IRREGULAR.values()) and (
        first != _stem(first)
    ):
        rest = words[1:]
        if len(rest) == 1 and rest[0] in _PRONOUN:
            return Report(_stem(first), "it")
        return Report(_stem(first), " ".join(words)) if rest else None
    state = _STATE.match(text)
    if state is not None and state["verb"] != _stem(state["verb"]):
        what = _normalise(state["what"])
        if not what or what.split()[0] in {"i", "we", "you", "he", "she", "they", "my"}:
            return None
        if what in _SAID_BEFORE:  # "that one's sorted": the task just talked about
            return Report(_stem(state["verb"]), "it")
        return Report(_stem(state["verb"]), f"{state['verb']} {what}")
    return None


_CLAUSE = re.compile(r"\s*[,;:]\s*|\s+-+\s+|\s+(?:but|so|because|cause|cuz)\s+", re.I)


def reports_in(message: str) -> list[Report]:
    """The reports a message may make, the whole first, then its first clause alone ("called
    the plumber, he's coming on friday": "called the plumber"); never one with a negation."""
    whole = report_in(message)
    if _NOT_A_REPORT.search(message.casefold()):
        return []
    first = _CLAUSE.split(message.strip(), maxsplit=1)[0]
    clause = report_in(first) if first != message.strip() else None
    return [report for report in (whole, clause) if report is not None]


def reported_task(report: Report, tasks: list[TaskPublic]) -> Resolution:
    """The pending task a report names: its title starts with the report's verb and the
    report's words name it; "i bought it" gives the tasks starting with "buy" to choose from."""
    same_verb = [t for t in tasks if _same_verb(_first_stem(t.title), report.verb)]
    if report.reference == "it":
        return Resolution(None, same_verb[:MAX_CANDIDATES])
    words = content_words(report.reference)
    named = [
        t
        for t in same_verb
        if _names(words, content_words(t.title), typos=True)
        or _names(words - {report.verb}, _object_words(t.title), typos=True)  # "spoke to mum"
    ]
    what = done_object(report.reference)
    if not named and what is not None:  # "i got the coffee": "buy coffee"
        wanted = content_words(what)
        named = [t for t in tasks if _names(wanted, _object_words(t.title), typos=True)]
        exact = [t for t in named if _object_words(t.title) == wanted]
        named = exact if len(exact) == 1 else named
    return Resolution(named[0], []) if len(named) == 1 else Resolution(None, named)


# "spoke to grandma", "talked to the bank": a call was made
_CALLED = frozenset({"speak", "talk", "chat", "cal", "phone", "ring"})  # stems


def _same_verb(own: str | None, said: str) -> bool:
    """ "reveiwed" reports "review ..." too, "spoke to" a call."""
    if own is None:
        return False
    return own == said or _misspelt(own, said) or {own, said} <= _CALLED


def is_done_verb(verb: str) -> bool:
    """ "sorted", "done", "handled": reports any task done, whatever its own verb."""
    return verb in _DONE_VERBS


def each_reported(report: Report, tasks: list[TaskPublic]) -> list[TaskPublic]:
    """ "walked the dog and mowed the lawn", "bought milk and stamps": the task each part
    reports (a part without its own verb shares the first one's), when every part names a
    different one. Empty otherwise."""
    parts = [part for part in _CONJUNCTION.split(report.reference) if part.strip()]
    if len(parts) < 2:
        return []
    found = []
    for part in parts:
        own = report_in(part)
        said = own if own is not None and own.reference != "it" else Report(report.verb, part)
        task = reported_task(said, tasks).task
        if task is None or task in found:
            return []
        found.append(task)
    return found


def _first_stem(title: str) -> str | None:
    words = [w for w in re.findall(r"[\w']+", title.casefold()) if w not in _STOP_WORDS]
    return _stem(words[0]) if words else None
