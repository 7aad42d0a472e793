"""Natural-language understanding for the chat endpoint: intent plus task entities.

    pipeline = NluPipeline.create(model_path=settings.nlu_model_path)  # once, at start-up
    result = await asyncio.to_thread(pipeline.parse, message, now=now, timezone=zone)

One parse per message: the text is normalised once (`text.Message`: quotes, spaces, misspelt
command and date words), then the intent comes from a softmax classifier over all-MiniLM-L6-v2
sentence embeddings (trained at start-up on `data/training.jsonl`), with keyword rules
(`rules.py`, one `Rule` each) for explicit commands and for when the model is missing or
cannot decide (`fallback=True`, logged as NLU_FALLBACK_TRIGGERED). A question is never an
action unless it is a polite command (`questions.py`). Entities come from `entities.py`: named
lists (`lists.py`), dates and clock times (`dates.py`), recurrences (`recurrence.py`). No
HTTP, database or Dapr here. The encoder runs the model's ONNX export on onnxruntime
(`python -m todo_backend.nlu.tools.export` writes it; `make setup` runs that).

`python -m todo_backend.nlu.tools.dev_report` measures it on the development set
(`data/dev.jsonl`); `make nlu-eval` on the locked test set (`data/test/`, never tuned on).
"""

from todo_backend.nlu.intents import Entities, Intent, NluResult
from todo_backend.nlu.pipeline import NluPipeline

__all__ = ["Entities", "Intent", "NluPipeline", "NluResult"]
