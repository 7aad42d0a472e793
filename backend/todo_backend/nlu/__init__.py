"""Natural-language understanding for the chat endpoint: intent plus task entities.

    pipeline = NluPipeline.create(model_path=settings.nlu_model_path)  # once, at start-up
    result = await asyncio.to_thread(pipeline.parse, message, now=now, timezone=zone)

The intent comes from a softmax classifier over all-MiniLM-L6-v2 sentence embeddings trained
at start-up on `data/training.jsonl`; keyword rules (`rules.py`) decide when the model is
missing or unsure (`fallback=True`, logged as NLU_FALLBACK_TRIGGERED) and explicit commands
("delete …", "mark … as done") override it. Entities come from `entities.py`, with dates from
`dateparser` under the conventions in `dates.py` and recurrences checked by `dateutil.rrule`.
No HTTP, database or Dapr here. The encoder runs the model's ONNX export on onnxruntime
(`python -m todo_backend.nlu.export` writes it; `make setup` runs that); torch, loaded lazily
by `encoder.py` only, serves a model directory that has not been exported.

`python -m todo_backend.nlu.evaluate` measures it on `data/evaluation.jsonl`.
"""

from todo_backend.nlu.intents import Entities, Intent, NluResult
from todo_backend.nlu.pipeline import NluPipeline

__all__ = ["Entities", "Intent", "NluPipeline", "NluResult"]
