"""What one message costs to parse: one encode, one reading of the rules, caches that keep the
results they would have computed and stay bounded. No timing here: the counts are the cost."""

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from todo_backend.nlu import pipeline as pipeline_module
from todo_backend.nlu import rules, text
from todo_backend.nlu.encoder import RECENT_EMBEDDINGS, OnnxSentenceEncoder, Vector
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.text import Utterance, correct_typos

from .conftest import BERLIN, NOW


class CountingEncoder(OnnxSentenceEncoder):
    """The real ONNX encoder, counting the texts it runs the model on."""

    embedded: list[str]

    def _embed(self, texts: list[str], batch_size: int) -> Vector:
        self.embedded.extend(texts)
        return super()._embed(texts, batch_size)


@pytest.fixture(scope="module")
def uncached(pipeline: NluPipeline) -> tuple[NluPipeline, CountingEncoder]:
    """The loaded classifier on an encoder whose cache is off (as in the chat benchmark)."""
    classifier = pipeline._classifier
    assert classifier is not None and isinstance(classifier.encoder, OnnxSentenceEncoder)
    model_dir = classifier.encoder._model_file.parent.parent
    encoder = CountingEncoder(
        model_dir, fingerprint=classifier.encoder.fingerprint, threads=1, cache_size=0
    )
    encoder.embedded = []
    return NluPipeline(dataclasses.replace(classifier, encoder=encoder)), encoder


@pytest.mark.parametrize(
    "message",
    [
        "delete the dentist appointment",  # an action: the out-of-scope gate reads it too
        "mark water the plants as done",
        "what's on my list for tomorrow",
        "hello there",
    ],
)
def test_a_message_costs_one_encode_with_the_cache_off(
    uncached: tuple[NluPipeline, CountingEncoder], message: str
) -> None:
    pipeline, encoder = uncached
    encoder.embedded.clear()
    pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert len(encoder.embedded) == 1, encoder.embedded


def test_the_cache_off_keeps_only_the_latest_embeddings(
    uncached: tuple[NluPipeline, CountingEncoder],
) -> None:
    _, encoder = uncached
    encoder.embedded.clear()
    first = encoder.encode("buy milk")
    assert encoder.encode("Buy  milk") is first
    for other in range(RECENT_EMBEDDINGS):
        encoder.encode(f"call the plumber {other}")
    encoder.encode("buy milk")
    assert encoder.embedded.count("buy milk") == 2  # not kept across later messages
    assert len(encoder._cache) <= RECENT_EMBEDDINGS


def test_an_unmatched_message_reads_its_rules_once(
    pipeline: NluPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = rules.match_rules

    def counting(message: Any) -> Any:
        calls.append(str(message))
        return real(message)

    monkeypatch.setattr(pipeline_module, "match_rules", counting)
    # No rule matches this one: "no rule" must not read as "rules not read yet".
    result = pipeline.parse("the weather is lovely", now=NOW, timezone=BERLIN)
    assert len(calls) == 1
    assert result.intent is Intent.OUT_OF_SCOPE
    # Called on its own, classify still reads the rules.
    calls.clear()
    pipeline.classify("add buy milk")
    assert len(calls) == 1


def _masked_afresh(utterance: Utterance) -> str:
    pairs = zip(utterance.text, utterance._taken, strict=True)
    return "".join(" " if taken else ch for ch, taken in pairs)


def test_the_masked_text_follows_every_consume() -> None:
    utterance = Utterance("remind me to call mum tomorrow at 5pm")
    assert utterance.masked == utterance.text
    for start, end in ((0, 9), (31, 37), (22, 30), (30, 60)):
        utterance.consume(start, end)
        assert utterance.masked == _masked_afresh(utterance)
        assert len(utterance.masked) == len(utterance.text)
    assert utterance.masked.strip() == "to call mum"


def test_typo_lookups_are_cached_bounded_and_unchanged() -> None:
    words = ["tommorow", "Tommorow", "TOMORROW", "wednesdy", "remote", "milk", "dnoe", "taks"]
    uncached = {
        word: (
            text._closest_lowered.__wrapped__(word.lower(), text._DATE_WORDS),
            text._swapped_lowered.__wrapped__(word.lower(), text._SWAPPED_ANYWHERE),
        )
        for word in words
    }
    for _ in range(2):  # the second round is answered from the caches
        for word in words:
            assert text._closest(word, text._DATE_WORDS) == uncached[word][0]
            assert text._swapped(word, text._SWAPPED_ANYWHERE) == uncached[word][1]
    assert uncached["tommorow"][0] == "tomorrow"
    assert uncached["dnoe"][1] == "done"
    for cached in (text._closest_lowered, text._swapped_lowered):
        info = cached.cache_info()
        assert info.hits > 0
        assert info.maxsize is not None and info.currsize <= info.maxsize <= 10_000
    assert correct_typos("remnd me tommorow") == "remind me tomorrow"


def test_the_start_up_warm_up_is_a_plain_reminder(pipeline: NluPipeline) -> None:
    """What `create` parses once at start-up reaches a relative date and falls back on nothing
    (a fallback would log NLU_FALLBACK_TRIGGERED at every start)."""
    result = pipeline.parse(pipeline_module.WARM_UP_MESSAGE, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.SET_REMINDER
    assert not result.fallback
    assert result.entities.remind_at is not None
    assert result.entities.remind_at.date() == (NOW + timedelta(weeks=3)).date()
