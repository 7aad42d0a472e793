"""The official Dapr Python SDK (`dapr.aio.clients`, gRPC) against our aiohttp client
(`todo_common.dapr.DaprClient`, HTTP) on the hot paths, in one run, on the backend's sidecar.

Per operation and client: p50/p99 of sequential calls, this process's CPU per call (the
client's own cost) and the sidecar's CPU per call. Operations: publish, bulk publish of 10,
state get + save with the ETag, service invocation, a Jobs API schedule + delete.
"""

import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import psutil

from bench.context import Bench
from bench.records import Figure, latency_figure
from bench.stats import summary_ms
from todo_common.dapr.client import PUBSUB, STATESTORE, DaprClient

TOPIC = "bench-sdk"
OPERATIONS = ("publish", "bulk_publish_10", "state_get_save_etag", "invoke", "job_schedule_delete")
Call = Callable[[int], Awaitable[None]]


def _event(index: int) -> str:
    return json.dumps(
        {
            "specversion": "1.0",
            "id": uuid.uuid4().hex,
            "source": "bench",
            "type": "bench.sdk",
            "datacontenttype": "application/json",
            "data": {"n": index},
        }
    )


def ours(client: DaprClient) -> dict[str, Call]:
    async def publish(i: int) -> None:
        await client.publish_bulk(PUBSUB, TOPIC, [(str(i), _event(i))])

    async def bulk(i: int) -> None:
        await client.publish_bulk(PUBSUB, TOPIC, [(f"{i}-{n}", _event(n)) for n in range(10)])

    async def state(i: int) -> None:
        entry = await client.get_state_entry(STATESTORE, "bench-sdk-ours")
        await client.save_state(STATESTORE, "bench-sdk-ours", {"n": i}, etag=entry.etag)

    async def invoke(i: int) -> None:
        await client.invoke("backend", "GET", "health/live")

    async def job(i: int) -> None:
        await client.schedule_job(f"bench-ours-{i}", due_time="2099-01-01T00:00:00Z", data={})
        await client.delete_job(f"bench-ours-{i}")

    return dict(zip(OPERATIONS, (publish, bulk, state, invoke, job), strict=True))


def sdk(client: Any) -> dict[str, Call]:
    from dapr.clients.grpc._jobs import Job

    async def publish(i: int) -> None:
        await client.publish_event(
            PUBSUB, TOPIC, _event(i), data_content_type="application/cloudevents+json"
        )

    async def bulk(i: int) -> None:
        events = [_event(n) for n in range(10)]
        await client.publish_events(
            PUBSUB, TOPIC, events, data_content_type="application/cloudevents+json"
        )

    async def state(i: int) -> None:
        entry = await client.get_state(STATESTORE, "bench-sdk-sdk")
        await client.save_state(
            STATESTORE, "bench-sdk-sdk", json.dumps({"n": i}), etag=entry.etag or None
        )

    async def invoke(i: int) -> None:
        await client.invoke_method("backend", "health/live", http_verb="GET")

    async def job(i: int) -> None:
        await client.schedule_job_alpha1(
            Job(name=f"bench-sdk-{i}", due_time="2099-01-01T00:00:00Z"), overwrite=True
        )
        await client.delete_job_alpha1(f"bench-sdk-{i}")

    return dict(zip(OPERATIONS, (publish, bulk, state, invoke, job), strict=True))


async def _measure(call: Call, calls: int, sidecar: psutil.Process) -> dict[str, Any]:
    for i in range(10):  # warm-up: connections, channels
        await call(-1 - i)
    latencies = []
    cpu_started, sidecar_started = time.process_time(), sum(sidecar.cpu_times()[:2])
    for i in range(calls):
        started = time.perf_counter()
        await call(i)
        latencies.append(time.perf_counter() - started)
    return {
        "latency": summary_ms(latencies),
        "client_cpu_ms": round((time.process_time() - cpu_started) * 1000 / calls, 3),
        "sidecar_cpu_ms": round((sum(sidecar.cpu_times()[:2]) - sidecar_started) * 1000 / calls, 3),
    }


async def run(bench: Bench) -> list[Figure]:
    instance = bench.stack.instances["backend"]
    # The SDK waits for its sidecar's health on DAPR_HTTP_PORT (settings read at import).
    os.environ["DAPR_HTTP_PORT"] = str(instance.sidecar.http)
    os.environ["DAPR_GRPC_PORT"] = str(instance.sidecar.grpc)
    from dapr.aio.clients import DaprClient as SdkClient
    from dapr.conf import settings

    settings.DAPR_HTTP_PORT = str(instance.sidecar.http)  # type: ignore[attr-defined]

    assert instance.daprd is not None and instance.daprd.pid is not None
    sidecar = psutil.Process(instance.daprd.pid)
    token = bench.stack.config.sidecar_env.get("DAPR_API_TOKEN") or os.environ.get("DAPR_API_TOKEN")
    if token:
        os.environ["DAPR_API_TOKEN"] = token  # the SDK reads it from its settings
    calls = 100 if bench.quick else 500
    ours_client = DaprClient(f"http://127.0.0.1:{instance.sidecar.http}", api_token=token)
    sdk_client = SdkClient(f"127.0.0.1:{instance.sidecar.grpc}")
    figures = []
    try:
        for name, (ours_call, sdk_call) in {
            op: (ours(ours_client)[op], sdk(sdk_client)[op]) for op in ours(ours_client)
        }.items():
            for client_name, call in (("aiohttp", ours_call), ("sdk_grpc", sdk_call)):
                result = await _measure(call, calls, sidecar)
                figures.append(
                    latency_figure(
                        f"dapr_client.{name}.{client_name}",
                        result["latency"],
                        cpu_ms_per_op={
                            "loadgen": result["client_cpu_ms"],
                            "backend-daprd": result["sidecar_cpu_ms"],
                        },
                        parameters={"calls": calls, "client": client_name, "operation": name},
                    )
                )
    finally:
        await ours_client.aclose()
        await sdk_client.close()  # type: ignore[no-untyped-call]
    return figures
