"""What every benchmark section gets: the running system, its process account, the floors."""

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.cpu import ProcessAccount
from bench.records import REPO_ROOT, Figure
from devstack.infra import PostgresCluster, wait_until
from devstack.ports import free_port
from devstack.processes import ManagedProcess
from devstack.stack import Stack


@dataclass
class Bench:
    stack: Stack
    account: ProcessAccount
    postgres: PostgresCluster
    quick: bool
    tmp: Path
    cleanup: ExitStack
    figures: list[Figure] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.stack.config.database_url

    @property
    def redis_url(self) -> str:
        return f"redis://{self.stack.config.redis_host}/0"

    def start_floor(self, module: str, env: dict[str, str] | None = None) -> tuple[str, int]:
        """Start `python -m bench.floors.<module> --port N`; its base URL and pid. It is
        stopped when the bench ends, whatever happens."""
        port = free_port()
        process = ManagedProcess(
            f"floor-{module}",
            [sys.executable, "-m", f"bench.floors.{module}", "--port", str(port)],
            env={**os.environ, **(env or {})},
            cwd=REPO_ROOT,
            log_file=self.tmp / f"floor-{module}.log",
        )
        process.start()
        self.cleanup.callback(process.stop)
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, 30, f"floor {module}")
        assert process.pid is not None
        return base, process.pid
