"""Finding the task a message names. Only a clear name acts; a weak match asks.

A reference *names* a task when it equals its title, when its content words (stemmed:
"booked the flights" ~ "book flights") and the title's are one within the other, covering at
least half of it, or when it
is a near-exact spelling of one whole title (`fuzz.ratio` >= `NAMED_SCORE`, clear margin).
Anything weaker is a set of candidates to choose from, never an action.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

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
     "please"}
)  # fmt: skip
_SUFFIXES = ("ing", "ied", "ies", "ed", "es", "s")
_IRREGULAR = {
    "bought": "buy", "paid": "pay", "went": "go", "sent": "send", "did": "do", "made": "make",
    "took": "take", "got": "get", "wrote": "write", "ran": "run", "gave": "give", "met": "meet",
    "fed": "feed", "left": "leave", "sold": "sell",
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


def _stem(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            # "booked" -> "book", "planned" -> "plan"
            return stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
    return word


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[\w']+", text.casefold())
    return frozenset(_stem(w) for w in words if w not in _STOP_WORDS)


def _names(reference: frozenset[str], title: frozenset[str]) -> bool:
    """One side's words all in the other, covering at least half of it: "gym" names "go to the
    gym", but "coffee" does not name "buy coffee beans" (that one is only a candidate)."""
    if not reference or not title:
        return False
    small, large = sorted((reference, title), key=len)
    return small <= large and len(small) * 2 >= len(large)


def resolve_reference(reference: str, tasks: list[TaskPublic]) -> Resolution:
    """One task when the reference clearly names it; otherwise the plausible candidates."""
    wanted = _normalise(reference)
    exact = [task for task in tasks if _normalise(task.title) == wanted]
    if len(exact) == 1:
        return Resolution(exact[0], [])
    if len(exact) > 1:
        return Resolution(None, exact[:MAX_CANDIDATES])
    words = content_words(wanted)
    named = [task for task in tasks if _names(words, content_words(task.title))]
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


def pick_candidate(answer: str, candidates: list[TaskPublic]) -> TaskPublic | None:
    """Resolve an answer to "which one?": a number, an ordinal, or (part of) a title."""
    words = _normalise(answer).replace(".", " ").split()
    for word in words:
        index = int(word) if word.isdigit() else _ORDINALS.get(word)
        if index is not None and 1 <= index <= len(candidates):
            return candidates[index - 1]
    resolution = resolve_reference(answer, candidates)
    return resolution.task
