"""A chat turn's parse alone: `NluPipeline.parse` of each message, in a process of its own.

    python -m bench.parse MESSAGES_JSON   → JSON on stdout: wall and CPU ms per parse, model
                                            encodes per parse, the process's RSS with the
                                            model loaded
Same model, one inference thread and the encode cache off, as the backend in the bench. Its
floor is bench/floors/encode.py on the same messages: a parse is one encode plus the rules
and the extractors, so CPU per parse over CPU per encode says what the rules cost.
"""

import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import structlog

from bench.stats import summary_ms
from todo_backend.nlu.encoder import Vector
from todo_backend.nlu.pipeline import NluPipeline

TIMEZONE = ZoneInfo("Europe/Berlin")


def main() -> None:
    messages: list[str] = json.loads(Path(sys.argv[1]).read_text())
    # The fallback log lines would come before the one JSON line the bench reads.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    pipeline = NluPipeline.create(inference_threads=1, encode_cache_size=0)
    encoder = pipeline.encoder
    if encoder is None:
        raise SystemExit("no model: run `make setup`")
    embed = encoder._embed
    encoded: list[int] = []

    def counting_embed(texts: list[str], batch_size: int) -> Vector:
        encoded.append(len(texts))
        return embed(texts, batch_size)

    setattr(encoder, "_embed", counting_embed)  # noqa: B010 (an instance's method, counted)
    now = datetime.now(TIMEZONE)
    for message in messages[:20]:  # warm-up
        pipeline.parse(message, now=now, timezone=TIMEZONE)
    encoded.clear()
    walls: list[float] = []
    cpu_started = time.process_time()
    for message in messages:
        started = time.perf_counter()
        pipeline.parse(message, now=now, timezone=TIMEZONE)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    print(
        json.dumps(
            {
                "parses": len(messages),
                "cpu_ms_per_parse": round(cpu * 1000 / len(messages), 3),
                "encodes_per_parse": round(sum(encoded) / len(messages), 3),
                "wall": summary_ms(walls),
                "rss_mib": round(psutil.Process().memory_info().rss / 2**20, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
