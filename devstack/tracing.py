"""A local trace backend for `TRACING=1 make run`: Jaeger all-in-one, traces in memory.

Jaeger is built from its Go module on demand (tools/jaeger/build.sh), not by `make setup`:
the build takes many minutes and nothing in CI needs it.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.infra import REPO_ROOT, TOOLS_DIR, StackError, wait_until
from devstack.ports import free_port, is_listening
from devstack.processes import LineSink, ManagedProcess

JAEGER_VERSION = "v1.76.0"
BUILD_SCRIPT = REPO_ROOT / "tools" / "jaeger" / "build.sh"


@dataclass(frozen=True)
class JaegerPorts:
    otlp_http: int
    ui: int
    query_grpc: int

    @classmethod
    def free(cls) -> "JaegerPorts":
        return cls(free_port(), free_port(), free_port())

    @classmethod
    def defaults(cls) -> "JaegerPorts":
        return cls(otlp_http=4318, ui=16686, query_grpc=16685)

    @property
    def otlp_endpoint(self) -> str:
        """The OTEL_EXPORTER_OTLP_ENDPOINT base URL the apps export to."""
        return f"http://127.0.0.1:{self.otlp_http}"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ui}"


def jaeger_binary(build: bool = True) -> Path:
    """The pinned Jaeger, built first when missing (and `build`)."""
    binary = TOOLS_DIR / f"jaeger-{JAEGER_VERSION}" / "jaeger"
    if binary.exists():
        return binary
    if build:
        print(f"[devstack] {binary} missing: running {BUILD_SCRIPT} (many minutes)", flush=True)
        if subprocess.run([str(BUILD_SCRIPT)], check=False).returncode == 0 and binary.exists():
            return binary
    raise StackError(f"jaeger {JAEGER_VERSION} not found: run {BUILD_SCRIPT} (builds {binary})")


def jaeger_config(ports: JaegerPorts) -> dict[str, object]:
    """All-in-one: an OTLP/HTTP receiver into in-memory storage, read by the query UI.
    Every listener on loopback and on `ports` (its own metrics are off: no fixed :8888)."""
    storage = "memstore"
    return {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["jaeger_storage_exporter"],
                }
            },
            "telemetry": {
                "resource": {"service.name": "jaeger"},
                "metrics": {"level": "none"},
                "logs": {"level": "info"},
            },
        },
        "extensions": {
            "jaeger_storage": {"backends": {storage: {"memory": {"max_traces": 100000}}}},
            "jaeger_query": {
                "storage": {"traces": storage},
                "http": {"endpoint": f"127.0.0.1:{ports.ui}"},
                "grpc": {"endpoint": f"127.0.0.1:{ports.query_grpc}"},
            },
        },
        "receivers": {
            "otlp": {"protocols": {"http": {"endpoint": f"127.0.0.1:{ports.otlp_http}"}}}
        },
        "processors": {"batch": {}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": storage}},
    }


def start_jaeger(
    ports: JaegerPorts,
    data_dir: Path,
    sink: LineSink | None,
    log_file: Path | None,
    binary: Path | None = None,
) -> ManagedProcess:
    busy = [p for p in (ports.otlp_http, ports.ui, ports.query_grpc) if is_listening(p)]
    if busy:
        raise StackError(f"Jaeger's ports are in use: {', '.join(map(str, busy))}")
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "jaeger.yaml"
    config.write_text(json.dumps(jaeger_config(ports), indent=2))  # JSON is YAML
    argv = [str(binary or jaeger_binary()), "--config", str(config)]
    process = ManagedProcess("jaeger", argv, cwd=data_dir, log_file=log_file, sink=sink)
    process.start()

    def ready() -> bool:
        if not process.is_running():
            process.stop()  # waits for the last of its output
            raise StackError(f"jaeger exited with code {process.returncode()}\n{process.tail()}")
        try:
            api = httpx.get(f"{ports.ui_url}/api/services", timeout=2.0)
        except httpx.HTTPError:
            return False
        return api.status_code == 200 and is_listening(ports.otlp_http)

    try:
        wait_until(ready, 60, f"Jaeger's query API on port {ports.ui}")
    except BaseException:
        process.stop()  # the stack does not hold it yet, so it would not stop it
        raise
    return process
