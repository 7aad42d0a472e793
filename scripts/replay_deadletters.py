"""List or replay the reminders in the dead-letter topic (Redis Streams pub/sub).

A reminder whose delivery kept failing (or that notification dropped as unusable) lands in
`reminders-deadletter`. Once the cause is fixed, `--replay` publishes each entry again to
`reminders` through a Dapr sidecar (the CloudEvent as it was: same id, so notification's
per-event dedupe keeps a replay from delivering twice what did get through) and deletes
the entry once Dapr accepted it; an entry Dapr refuses stays for the next run.

    .venv/bin/python scripts/replay_deadletters.py --list
    .venv/bin/python scripts/replay_deadletters.py --replay [--limit 100]

With Kafka as the pub/sub, read the topic with `rpk topic consume reminders-deadletter`
instead (docs/runbook.md, "Dead letters").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

import httpx
import redis


@dataclass(frozen=True)
class DeadLetter:
    entry_id: str
    event: dict[str, Any]

    def summary(self) -> str:
        data = self.event.get("data") if isinstance(self.event.get("data"), dict) else {}
        return json.dumps(
            {
                "entry": self.entry_id,
                "id": self.event.get("id"),
                "type": self.event.get("type"),
                "time": self.event.get("time"),
                "task_id": data.get("task_id") if isinstance(data, dict) else None,
            }
        )


def read_dead_letters(client: redis.Redis, stream: str, limit: int) -> list[DeadLetter]:
    letters = []
    entries: Any = client.xrange(stream, count=limit)
    for raw_id, fields in entries:
        entry_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        raw = fields.get(b"data")
        try:
            event = json.loads(raw) if raw is not None else None
        except ValueError:
            event = None
        if not isinstance(event, dict):
            print(f"skipping {entry_id}: no CloudEvent in its data field", file=sys.stderr)
            continue
        letters.append(DeadLetter(entry_id, event))
    return letters


def replay(
    letters: list[DeadLetter],
    client: redis.Redis,
    stream: str,
    *,
    dapr_url: str,
    pubsub: str,
    topic: str,
    api_token: str | None,
) -> int:
    headers = {"Content-Type": "application/cloudevents+json"}
    if api_token:
        headers["dapr-api-token"] = api_token
    replayed = 0
    with httpx.Client(base_url=dapr_url, timeout=10) as http:
        for letter in letters:
            response = http.post(
                f"/v1.0/publish/{pubsub}/{topic}", content=json.dumps(letter.event), headers=headers
            )
            if response.status_code >= 300:
                print(
                    f"not replayed {letter.entry_id}: {response.status_code} {response.text[:200]}"
                )
                continue
            client.xdel(stream, letter.entry_id)
            replayed += 1
            print(f"replayed {letter.summary()}")
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--list", action="store_true", help="print the entries, change nothing")
    mode.add_argument("--replay", action="store_true", help="publish them again, then delete them")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--dapr-url", default=os.environ.get("DAPR_URL", "http://127.0.0.1:3500"))
    parser.add_argument("--pubsub", default="pubsub")
    parser.add_argument("--deadletter-topic", default="reminders-deadletter")
    parser.add_argument("--topic", default="reminders")
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)

    client = redis.Redis.from_url(args.redis_url)
    letters = read_dead_letters(client, args.deadletter_topic, args.limit)
    if args.list:
        for letter in letters:
            print(letter.summary())
        print(f"{len(letters)} dead letter(s) in {args.deadletter_topic}", file=sys.stderr)
        return 0
    replayed = replay(
        letters,
        client,
        args.deadletter_topic,
        dapr_url=args.dapr_url,
        pubsub=args.pubsub,
        topic=args.topic,
        api_token=os.environ.get("DAPR_API_TOKEN"),
    )
    print(f"{replayed} of {len(letters)} replayed to {args.topic}", file=sys.stderr)
    return 0 if replayed == len(letters) else 1


if __name__ == "__main__":
    sys.exit(main())
