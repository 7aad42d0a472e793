"""Intent classifier: multinomial logistic regression over sentence embeddings, in numpy.

Trained at start-up from `data/training.jsonl` (one {"text", "intent"} object per line),
class-balanced, with a temperature fitted on out-of-fold predictions (temperature scaling),
so that `confidence` is calibrated on messages the classifier was not trained on. The
embedding matrix and the fitted parameters are cached in one file keyed by a hash of the
data, the model files and the training settings: a restart with unchanged data skips the
encoding (about 0.1 s instead of several seconds).
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from todo_backend.nlu.encoder import Encoder, Vector
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.text import cache_key

Matrix = npt.NDArray[np.float32]

TRAINING_VERSION = "softmax-v2"
_L2 = 1e-3
_STEPS = 400
_LEARNING_RATE = 0.5
_FOLDS = 5
_TEMPERATURES = np.linspace(0.3, 4.0, 75)
DATA_DIR = Path(__file__).parent / "data"
TRAINING_PATH = DATA_DIR / "training.jsonl"


@dataclass(frozen=True)
class Example:
    text: str
    intent: Intent


def load_examples(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["text"], Intent(row["intent"])))
    return examples


def _softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


def _fit(
    features: Matrix, labels: npt.NDArray[np.int64], classes: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Class-balanced softmax regression with L2, full-batch Adam (deterministic)."""
    n, dim = features.shape
    x = features.astype(np.float64)
    onehot = np.eye(classes)[labels]
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    sample_weight = (n / (classes * np.maximum(counts, 1.0)))[labels][:, None]
    weights = np.zeros((dim, classes))
    bias = np.zeros(classes)
    moments = [np.zeros_like(weights), np.zeros_like(bias)]
    velocities = [np.zeros_like(weights), np.zeros_like(bias)]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, _STEPS + 1):
        error = (_softmax(x @ weights + bias) - onehot) * sample_weight / n
        grads = [x.T @ error + _L2 * weights, error.sum(axis=0)]
        for i, (param, grad) in enumerate(zip((weights, bias), grads, strict=True)):
            moments[i] = beta1 * moments[i] + (1 - beta1) * grad
            velocities[i] = beta2 * velocities[i] + (1 - beta2) * grad**2
            m_hat = moments[i] / (1 - beta1**step)
            v_hat = velocities[i] / (1 - beta2**step)
            param -= _LEARNING_RATE * m_hat / (np.sqrt(v_hat) + eps)
    return weights, bias


def _fit_temperature(features: Matrix, labels: npt.NDArray[np.int64], classes: int) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold predictions."""
    order = np.random.default_rng(0).permutation(len(labels))
    folds = np.array_split(order, _FOLDS)
    logits = np.zeros((len(labels), classes))
    for fold in folds:
        train = np.setdiff1d(order, fold)
        weights, bias = _fit(features[train], labels[train], classes)
        logits[fold] = features[fold].astype(np.float64) @ weights + bias
    rows = np.arange(len(labels))

    def nll(temperature: float) -> float:
        probabilities = _softmax(logits / temperature)
        return float(-np.log(probabilities[rows, labels] + 1e-12).mean())

    return float(min(_TEMPERATURES, key=nll))


@dataclass(frozen=True)
class IntentClassifier:
    encoder: Encoder
    labels: tuple[Intent, ...]
    weights: npt.NDArray[np.float64]
    bias: npt.NDArray[np.float64]
    temperature: float
    # Training embeddings and their intents (indices into `labels`), for the nearest-neighbour
    # similarity of a new message and its out-of-scope margin.
    support: Matrix
    support_labels: npt.NDArray[np.int64]

    def probabilities(self, embedding: Vector) -> dict[Intent, float]:
        logits = (embedding.astype(np.float64) @ self.weights + self.bias) / self.temperature
        return dict(zip(self.labels, (float(p) for p in _softmax(logits)), strict=True))

    def nearest_similarity(self, embedding: Vector) -> float:
        return float((self.support @ embedding).max())

    def out_of_scope_margin(self, message: str, intent: Intent) -> tuple[float, float]:
        """(similarity to the nearest out-of-scope example, its lead over the nearest `intent` one).

        "cancel my uber" is nearer to "cancel my lyft ride" than to any task deletion.
        """
        similarities = self.support @ self.encoder.encode(message)
        out_of_scope = self.support_labels == self.labels.index(Intent.OUT_OF_SCOPE)
        same = self.support_labels == self.labels.index(intent)
        if not out_of_scope.any() or not same.any():
            return 0.0, 0.0
        nearest_oos = float(similarities[out_of_scope].max())
        return nearest_oos, nearest_oos - float(similarities[same].max())

    def predict(self, message: str) -> tuple[Intent, float, float, dict[Intent, float]]:
        """(intent, confidence, nearest training similarity, all probabilities)."""
        embedding = self.encoder.encode(message)
        probabilities = self.probabilities(embedding)
        intent = max(probabilities, key=probabilities.__getitem__)
        return intent, probabilities[intent], self.nearest_similarity(embedding), probabilities

    @classmethod
    def train(
        cls,
        encoder: Encoder,
        examples: Sequence[Example],
        *,
        cache_dir: Path | None = None,
    ) -> "IntentClassifier":
        labels = tuple(Intent)
        texts = [cache_key(e.text) for e in examples]
        y = np.array([labels.index(e.intent) for e in examples], dtype=np.int64)
        digest = hashlib.sha256(
            json.dumps([TRAINING_VERSION, encoder.fingerprint, texts, y.tolist()]).encode()
        ).hexdigest()[:24]
        cache_file = cache_dir / f"intent-classifier-{digest}.npz" if cache_dir else None
        if cache_file is not None and cache_file.is_file():
            try:
                with np.load(cache_file) as cached:
                    return cls(
                        encoder,
                        labels,
                        cached["weights"],
                        cached["bias"],
                        float(cached["temperature"]),
                        cached["support"],
                        cached["support_labels"],
                    )
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache is rebuilt below
        support = encoder.encode_many(texts)
        # Multi-threaded BLAS on matrices this small only spins: on a busy 2-core machine one
        # thread fits in under a second where the default took ten times longer.
        with threadpool_limits(limits=1, user_api="blas"):
            temperature = _fit_temperature(support, y, len(labels))
            weights, bias = _fit(support, y, len(labels))
        if cache_file is not None:
            _write_cache(
                cache_file,
                weights=weights,
                bias=bias,
                temperature=temperature,
                support=support,
                support_labels=y,
            )
        return cls(encoder, labels, weights, bias, temperature, support, y)


def _write_cache(path: Path, **arrays: object) -> None:
    """Best effort: a read-only filesystem only costs the next start-up a re-encode."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp.npz")
        np.savez(partial, **arrays)  # type: ignore[arg-type]
        partial.replace(path)
        for stale in path.parent.glob("intent-classifier-*.npz"):
            if stale != path:  # left by older training data or another model
                stale.unlink(missing_ok=True)
    except OSError:
        pass
