"""Floor of a chat turn: one all-MiniLM-L6-v2 ONNX encode of each message, alone.

    python -m bench.floors.encode MESSAGES_JSON   → JSON on stdout: CPU ms and wall ms per
                                                    encode, the process's RSS
Same model files, same thread count (1) and no embedding cache, as the backend in the bench.
"""

import json
import sys
import time
from pathlib import Path

import psutil

from bench.stats import summary_ms
from todo_backend.nlu.encoder import default_model_path, load_encoder


def main() -> None:
    messages: list[str] = json.loads(Path(sys.argv[1]).read_text())
    path = default_model_path()
    if path is None:
        raise SystemExit("no model: run `make setup`")
    encoder = load_encoder(path, threads=1, cache_size=0)
    for message in messages[:20]:  # warm-up
        encoder.encode(message)
    walls: list[float] = []
    cpu_started = time.process_time()
    for message in messages:
        started = time.perf_counter()
        encoder.encode(message)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    print(
        json.dumps(
            {
                "encodes": len(messages),
                "cpu_ms_per_encode": round(cpu * 1000 / len(messages), 3),
                "wall": summary_ms(walls),
                "rss_mib": round(psutil.Process().memory_info().rss / 2**20, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
