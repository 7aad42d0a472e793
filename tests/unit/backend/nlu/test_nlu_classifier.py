import zlib
from pathlib import Path
from typing import Any

import numpy as np

from todo_backend.nlu.classifier import TRAINING_PATH, Example, IntentClassifier, load_examples
from todo_backend.nlu.encoder import SentenceEncoder
from todo_backend.nlu.intents import Intent


class BagOfWordsModel:
    """Stands in for the sentence-transformer: hashed bag of words, unit length."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str], **_: Any) -> np.ndarray:
        self.calls += 1
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalized: np.ndarray = vectors / np.maximum(norms, 1e-9)
        return normalized


EXAMPLES = [
    *(Example(f"add task {w}", Intent.ADD_TASK) for w in ("milk", "eggs", "bread", "rent")),
    *(Example(f"delete task {w}", Intent.DELETE_TASK) for w in ("milk", "eggs", "bread", "rent")),
    *(Example(f"hello there {w}", Intent.GREETING) for w in ("friend", "bot", "you", "again")),
]


def test_classifier_learns_separable_intents(tmp_path: Path) -> None:
    encoder = SentenceEncoder(BagOfWordsModel(), fingerprint="bow")
    classifier = IntentClassifier.train(encoder, EXAMPLES, cache_dir=tmp_path)
    intent, confidence, similarity, probabilities = classifier.predict("add task cheese")
    assert intent is Intent.ADD_TASK
    assert 0.0 < confidence <= 1.0
    assert abs(sum(probabilities.values()) - 1.0) < 1e-6
    assert 0.0 < similarity <= 1.0 + 1e-6
    assert classifier.predict("delete task cheese")[0] is Intent.DELETE_TASK


def test_training_is_cached_by_data_and_model(tmp_path: Path) -> None:
    first_model = BagOfWordsModel()
    first = IntentClassifier.train(
        SentenceEncoder(first_model, fingerprint="bow"), EXAMPLES, cache_dir=tmp_path
    )
    assert first_model.calls == 1
    assert len(list(tmp_path.glob("intent-classifier-*.npz"))) == 1

    second_model = BagOfWordsModel()
    second = IntentClassifier.train(
        SentenceEncoder(second_model, fingerprint="bow"), EXAMPLES, cache_dir=tmp_path
    )
    assert second_model.calls == 0
    np.testing.assert_allclose(first.weights, second.weights)

    other_model = BagOfWordsModel()
    IntentClassifier.train(
        SentenceEncoder(other_model, fingerprint="another-model"), EXAMPLES, cache_dir=tmp_path
    )
    assert other_model.calls == 1
    assert len(list(tmp_path.glob("intent-classifier-*.npz"))) == 1  # the stale one is pruned


def test_encoder_caches_repeated_messages() -> None:
    model = BagOfWordsModel()
    encoder = SentenceEncoder(model, fingerprint="bow", cache_size=2)
    first = encoder.encode("Buy milk")
    assert encoder.encode("  buy   MILK ") is first
    assert model.calls == 1
    encoder.encode("a")
    encoder.encode("b")
    encoder.encode("buy milk")
    assert model.calls == 4  # evicted by the two newer messages


def test_training_data_covers_every_intent() -> None:
    examples = load_examples(TRAINING_PATH)
    counts = {intent: 0 for intent in Intent}
    for example in examples:
        counts[example.intent] += 1
    assert len(examples) >= 400
    assert min(counts.values()) >= 30, counts
