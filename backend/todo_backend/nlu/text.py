"""Text helpers shared by the extractors: normalisation and span bookkeeping."""

import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
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

    @property
    def masked(self) -> str:
        return "".join(
            " " if taken else ch for ch, taken in zip(self.text, self._taken, strict=True)
        )

    def consume(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.text))):
            self._taken[i] = True

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


def clean_fragment(fragment: str) -> str:
    """Collapse whitespace and trim punctuation and quotes at both ends."""
    text = _SPACES.sub(" ", fragment.replace(GAP, " ")).strip()
    return text.strip(" ,;:.!?-\"'").strip()
