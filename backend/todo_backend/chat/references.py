"""Finding the task a message names: exact title, else fuzzy match; ambiguity is reported."""

from dataclasses import dataclass

from rapidfuzz import fuzz

from todo_backend.tasks.schemas import TaskPublic

MATCH_THRESHOLD = 70.0
CLEAR_WINNER_MARGIN = 12.0
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
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


def resolve_reference(reference: str, tasks: list[TaskPublic]) -> Resolution:
    """One task when the reference clearly names it; otherwise the plausible candidates."""
    wanted = _normalise(reference)
    exact = [task for task in tasks if _normalise(task.title) == wanted]
    if len(exact) == 1:
        return Resolution(exact[0], [])
    if len(exact) > 1:
        return Resolution(None, exact)
    scored = sorted(
        ((fuzz.WRatio(wanted, _normalise(task.title)), task) for task in tasks),
        key=lambda pair: pair[0],
        reverse=True,
    )
    plausible = [(score, task) for score, task in scored if score >= MATCH_THRESHOLD]
    if not plausible:
        return Resolution(None, [])
    if len(plausible) == 1 or plausible[0][0] - plausible[1][0] >= CLEAR_WINNER_MARGIN:
        return Resolution(plausible[0][1], [])
    top = plausible[0][0]
    return Resolution(
        None, [task for score, task in plausible if top - score < CLEAR_WINNER_MARGIN]
    )


def pick_candidate(answer: str, candidates: list[TaskPublic]) -> TaskPublic | None:
    """Resolve an answer to "which one?": a number, an ordinal, or (part of) a title."""
    words = _normalise(answer).replace(".", " ").split()
    for word in words:
        index = int(word) if word.isdigit() else _ORDINALS.get(word)
        if index is not None and 1 <= index <= len(candidates):
            return candidates[index - 1]
    resolution = resolve_reference(answer, candidates)
    return resolution.task
